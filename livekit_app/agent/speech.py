"""juggy.ai.speech (offline Whisper and eSpeak NG by default, OpenAI when configured) as LiveKit
Agents STT and TTS. Neither streams: the session runs the STT on each utterance the VAD cuts, and
sends the TTS one sentence at a time as the reply streams (the framework's stream adapters)."""

from __future__ import annotations

import asyncio
import re
import uuid

from livekit import rtc
from livekit.agents import APIConnectionError, APIConnectOptions, stt, tts
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS, NOT_GIVEN, NotGivenOr
from livekit.agents.utils import AudioBuffer

from juggy.ai.speech import SpeechError, get_stt, get_tts
from juggy.ai.speech.base import PCM_SAMPLE_RATE

VOICE = "alloy"


# What Whisper writes for noise, music or breathing instead of words.
_NON_SPEECH = re.compile(r"^[\s.,!?…-]*$|^[\[(].*[\])]$")


def intelligible(text: str) -> bool:
    """Whether a transcript holds words: not empty, not only punctuation, not a [noise] marker."""
    return bool(text) and not _NON_SPEECH.match(text.strip())


class JuggySTT(stt.STT):
    """Transcribes one utterance (a VAD-cut buffer) with the project's speech-to-text provider.

    `on_final(text, confidence)` is told every final transcript with the recogniser's confidence, so
    the interviewer can store it with the candidate's turn; `on_unheard()` is told when speech came out
    as nothing intelligible."""

    def __init__(self, *, on_final=None, on_unheard=None) -> None:
        super().__init__(capabilities=stt.STTCapabilities(streaming=False, interim_results=False))
        self._on_final = on_final
        self._on_unheard = on_unheard

    @property
    def model(self) -> str:
        return type(get_stt()).__name__

    @property
    def provider(self) -> str:
        return "juggy"

    async def _recognize_impl(
        self, buffer: AudioBuffer, *, language: NotGivenOr[str] = NOT_GIVEN, conn_options: APIConnectOptions
    ) -> stt.SpeechEvent:
        wav = rtc.combine_audio_frames(buffer).to_wav_bytes()
        try:
            result = await asyncio.to_thread(get_stt().transcribe, audio=wav, filename="utterance.wav")
        except SpeechError as exc:
            raise APIConnectionError(f"speech recognition failed: {exc}", retryable=False) from exc
        confidence = result.confidence if result.confidence is not None else 0.0
        if intelligible(result.text):
            if self._on_final is not None:
                self._on_final(result.text, result.confidence)
        else:
            if self._on_unheard is not None:
                self._on_unheard()
            result = type(result)(text="", language=result.language, duration=result.duration)
        return stt.SpeechEvent(
            type=stt.SpeechEventType.FINAL_TRANSCRIPT,
            request_id=uuid.uuid4().hex,
            alternatives=[stt.SpeechData(language=result.language or "en", text=result.text,
                                         confidence=confidence)],
        )


class JuggyTTS(tts.TTS):
    """Speaks a piece of text with the project's text-to-speech provider, as raw 24 kHz PCM."""

    def __init__(self, *, voice: str = VOICE) -> None:
        super().__init__(capabilities=tts.TTSCapabilities(streaming=False), sample_rate=PCM_SAMPLE_RATE,
                         num_channels=1)
        self.voice = voice

    @property
    def model(self) -> str:
        return type(get_tts()).__name__

    @property
    def provider(self) -> str:
        return "juggy"

    def synthesize(self, text: str, *, conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS):
        return _Synthesis(tts=self, input_text=text, conn_options=conn_options)


class _Synthesis(tts.ChunkedStream):
    async def _run(self, output_emitter: tts.AudioEmitter) -> None:
        output_emitter.initialize(request_id=uuid.uuid4().hex, sample_rate=PCM_SAMPLE_RATE, num_channels=1,
                                  mime_type="audio/pcm")
        text = self.input_text.strip()
        if not text:
            return
        try:
            result = await asyncio.to_thread(get_tts().synthesize, text=text, voice=self._tts.voice, fmt="pcm")
        except SpeechError as exc:
            raise APIConnectionError(f"speech synthesis failed: {exc}", retryable=False) from exc
        output_emitter.push(result.audio)
        output_emitter.flush()
