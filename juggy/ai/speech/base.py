"""The speech interface: value types, errors and the two provider protocols."""

from dataclasses import dataclass
from typing import Protocol

# The OpenAI voice names are the public vocabulary; the builtin engine maps each to an eSpeak voice.
VOICES = ("alloy", "echo", "fable", "onyx", "nova", "shimmer")

# Output formats and their media types. "pcm" is raw signed 16-bit little-endian mono at 24 kHz,
# as OpenAI defines it, so a client gets the same bytes layout from either provider.
CONTENT_TYPES = {
    "mp3": "audio/mpeg",
    "wav": "audio/wav",
    "flac": "audio/flac",
    "opus": "audio/ogg",
    "aac": "audio/aac",
    "pcm": "audio/L16;rate=24000;channels=1",
}
FORMATS = tuple(CONTENT_TYPES)
PCM_SAMPLE_RATE = 24000

MIN_SPEED = 0.25
MAX_SPEED = 4.0


class SpeechError(Exception):
    """A speech engine failed (not the caller's fault): missing model, engine or upstream error."""


class UpstreamError(SpeechError):
    """A remote speech service failed or refused; status is its HTTP status when it answered."""

    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.status = status


class InvalidAudio(SpeechError):
    """The uploaded bytes are not audio we can decode (wav, mp3, flac, ogg/vorbis)."""


class InvalidRequest(SpeechError, ValueError):
    """The caller asked for something no provider can do (the service answers 400)."""


class UnsupportedVoice(InvalidRequest):
    def __init__(self, voice: str):
        super().__init__(f"Unknown voice {voice!r}; use one of {', '.join(VOICES)}.")
        self.voice = voice


class UnsupportedFormat(InvalidRequest):
    def __init__(self, fmt: str):
        super().__init__(f"Unknown audio format {fmt!r}; use one of {', '.join(FORMATS)}.")
        self.fmt = fmt


@dataclass(frozen=True)
class SynthesisResult:
    audio: bytes
    content_type: str
    fmt: str
    duration: float


@dataclass(frozen=True)
class Transcription:
    text: str
    language: str
    duration: float
    # The recogniser's confidence (0-1) where the engine gives one: Whisper's mean token probability.
    confidence: float | None = None


class TTSProvider(Protocol):
    # Part of the cache key of stored audio: changes when the same input would sound different.
    identity: str

    def synthesize(self, *, text: str, voice: str, fmt: str = "mp3", speed: float = 1.0) -> SynthesisResult: ...


class STTProvider(Protocol):
    def transcribe(self, *, audio: bytes, filename: str = "") -> Transcription: ...


def check_request(*, text: str, voice: str, fmt: str, speed: float) -> None:
    """Validation shared by every TTS provider, so both reject the same inputs the same way."""
    if not text.strip():
        raise InvalidRequest("There is no text to speak.")
    if voice not in VOICES:
        raise UnsupportedVoice(voice)
    if fmt not in CONTENT_TYPES:
        raise UnsupportedFormat(fmt)
    if not MIN_SPEED <= speed <= MAX_SPEED:
        raise InvalidRequest(f"speed must be between {MIN_SPEED} and {MAX_SPEED}.")
