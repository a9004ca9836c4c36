"""Speech for Juggy: text-to-speech and speech-to-text behind two small interfaces.

    get_tts().synthesize(text=..., voice="alloy", fmt="mp3", speed=1.0) -> SynthesisResult
    get_stt().transcribe(audio=b"...", filename="answer.wav") -> Transcription

settings.SPEECH_PROVIDER picks the engines: "builtin" (eSpeak NG + Whisper tiny.en, offline) or
"openai" (any OpenAI-compatible audio API). See docs/speech.md.
"""

from django.conf import settings

from .base import (
    CONTENT_TYPES,
    FORMATS,
    MAX_SPEED,
    MIN_SPEED,
    VOICES,
    InvalidAudio,
    InvalidRequest,
    SpeechError,
    STTProvider,
    SynthesisResult,
    Transcription,
    TTSProvider,
    UnsupportedFormat,
    UnsupportedVoice,
    UpstreamError,
)

__all__ = [
    "CONTENT_TYPES",
    "FORMATS",
    "MAX_SPEED",
    "MIN_SPEED",
    "VOICES",
    "InvalidAudio",
    "InvalidRequest",
    "STTProvider",
    "SpeechError",
    "SynthesisResult",
    "TTSProvider",
    "Transcription",
    "UnsupportedFormat",
    "UnsupportedVoice",
    "UpstreamError",
    "get_stt",
    "get_tts",
]


def _openai_options(model: str) -> dict:
    return {
        "api_key": settings.OPENAI_API_KEY,
        "base_url": settings.OPENAI_BASE_URL,
        "model": model,
        "timeout": settings.OPENAI_TIMEOUT,
        "max_retries": settings.OPENAI_MAX_RETRIES,
    }


def get_tts() -> TTSProvider:
    if settings.SPEECH_PROVIDER == "openai":
        from .openai_speech import OpenAITTS

        return OpenAITTS(**_openai_options(settings.OPENAI_TTS_MODEL))
    if settings.SPEECH_PROVIDER == "builtin":
        from .espeak import EspeakTTS

        return EspeakTTS()
    raise SpeechError(f"Unknown SPEECH_PROVIDER {settings.SPEECH_PROVIDER!r} (use 'builtin' or 'openai').")


def get_stt() -> STTProvider:
    if settings.SPEECH_PROVIDER == "openai":
        from .openai_speech import OpenAISTT

        return OpenAISTT(**_openai_options(settings.OPENAI_STT_MODEL))
    if settings.SPEECH_PROVIDER == "builtin":
        from .whisper import WhisperSTT

        return WhisperSTT()
    raise SpeechError(f"Unknown SPEECH_PROVIDER {settings.SPEECH_PROVIDER!r} (use 'builtin' or 'openai').")
