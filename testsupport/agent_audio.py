"""Audio without a room for the interviewer agent's tests and bench: a microphone fed with speech, and
a speaker that keeps what the bot says (LiveKit Agents' AudioInput and AudioOutput)."""

from __future__ import annotations

import asyncio
import time

from livekit import rtc
from livekit.agents.voice.io import AudioInput, AudioOutput, AudioOutputCapabilities

FRAME_MS = 20


def frames_of(pcm: bytes, sample_rate: int) -> list[rtc.AudioFrame]:
    """16-bit mono PCM as 20 ms frames."""
    per_frame = sample_rate * FRAME_MS // 1000
    step = per_frame * 2
    out = []
    for start in range(0, len(pcm), step):
        chunk = pcm[start:start + step].ljust(step, b"\x00")
        out.append(rtc.AudioFrame(chunk, sample_rate, 1, per_frame))
    return out


class Microphone(AudioInput):
    """Audio at `speed` times real time (1: as a room delivers it), silence unless `say()` is given
    speech; `spoken_at` is when its last frame went in (the end of the candidate's speech)."""

    def __init__(self, sample_rate: int = 16000, *, speed: float = 4.0) -> None:
        super().__init__(label="test-microphone")
        self.sample_rate = sample_rate
        self.speed = speed
        self._queue: asyncio.Queue[rtc.AudioFrame] = asyncio.Queue()
        self._silence = frames_of(b"\x00" * (sample_rate * FRAME_MS // 1000) * 2, sample_rate)[0]
        self.spoken_at: float | None = None

    def say(self, pcm: bytes, sample_rate: int) -> None:
        if sample_rate != self.sample_rate:
            resampler = rtc.AudioResampler(sample_rate, self.sample_rate, num_channels=1)
            frames = []
            for frame in frames_of(pcm, sample_rate):
                frames += resampler.push(frame)
            frames += resampler.flush()
            pcm = b"".join(bytes(f.data) for f in frames)
        for frame in frames_of(pcm, self.sample_rate):
            self._queue.put_nowait(frame)

    async def __anext__(self) -> rtc.AudioFrame:
        await asyncio.sleep(FRAME_MS / 1000 / self.speed)  # paced: never a busy loop
        if self._queue.empty():
            return self._silence
        frame = self._queue.get_nowait()
        if self._queue.empty():
            self.spoken_at = time.monotonic()
        return frame


class Speaker(AudioOutput):
    """Keeps every frame the bot says; each segment plays out at once."""

    def __init__(self) -> None:
        super().__init__(label="test-speaker", capabilities=AudioOutputCapabilities(pause=False))
        self.frames: list[rtc.AudioFrame] = []
        self.first_frame_at: list[float] = []  # monotonic time of each segment's first frame
        self._segment_started = False
        self._duration = 0.0

    async def capture_frame(self, frame: rtc.AudioFrame) -> None:
        await super().capture_frame(frame)
        if not self._segment_started:
            self._segment_started = True
            self.first_frame_at.append(time.monotonic())
            self.on_playback_started(created_at=time.time())
        self.frames.append(frame)
        self._duration += frame.samples_per_channel / frame.sample_rate

    def flush(self) -> None:
        super().flush()
        if self._segment_started:
            self._segment_started = False
            self.on_playback_finished(playback_position=self._duration, interrupted=False)
            self._duration = 0.0

    def clear_buffer(self) -> None:
        if self._segment_started:
            self._segment_started = False
            self.on_playback_finished(playback_position=self._duration, interrupted=True)
            self._duration = 0.0
