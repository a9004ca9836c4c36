"""Builtin text-to-speech: eSpeak NG through the shared library bundled by the espeakng-loader wheel.

eSpeak NG keeps its state in C globals (current voice, parameters, the output callback), so one
synthesis at a time per process: everything below runs under _LOCK. In AUDIO_OUTPUT_SYNCHRONOUS mode
espeak_Synth calls our callback on the calling thread with chunks of 16-bit samples before returning.
"""

import ctypes
import threading

import espeakng_loader

from . import audio
from .base import CONTENT_TYPES, InvalidRequest, SpeechError, SynthesisResult, check_request

# From speak_lib.h.
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_DONT_EXIT = 0x8000
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_EE_OK = 0
_RATE, _PITCH, _RANGE = 1, 3, 4
_RATE_MIN, _RATE_MAX = 80, 450
_DEFAULT_RATE = 175  # words per minute at speed 1.0
_MIN_SPOKEN_SECONDS = 0.05

# OpenAI voice name -> (eSpeak voice+variant, pitch 0-100, pitch range 0-100). Chosen to sound
# distinct from each other while staying intelligible (each is covered by the round-trip test).
VOICE_TABLE = {
    "alloy": ("en-us", 50, 50),
    "echo": ("en-us+m2", 40, 40),
    "fable": ("en-gb-x-rp+m3", 55, 70),
    "onyx": ("en-us+m1", 25, 30),
    "nova": ("en-us+f5", 65, 70),
    "shimmer": ("en-us+f4", 70, 70),
}

_SynthCallback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)

_LOCK = threading.Lock()
_lib: ctypes.CDLL | None = None
_sample_rate = 0
_chunks: list[bytes] = []


def _on_samples(wav, num_samples, _events):
    # The final call of a synthesis passes wav == NULL.
    if wav and num_samples > 0:
        _chunks.append(ctypes.string_at(wav, num_samples * 2))
    return 0  # 0 = continue


# Module level on purpose: if the CFUNCTYPE object were garbage collected while eSpeak still holds its
# pointer, the next synthesis would jump into freed memory and crash the process.
_CALLBACK = _SynthCallback(_on_samples)


def _load() -> ctypes.CDLL:
    """Load and initialise the library once per process; the caller holds _LOCK."""
    global _lib, _sample_rate
    if _lib is not None:
        return _lib
    try:
        lib = ctypes.CDLL(espeakng_loader.get_library_path())
        data_path = espeakng_loader.get_data_path()
    except (OSError, RuntimeError) as exc:
        raise SpeechError(f"eSpeak NG is not available: {exc}") from exc
    lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
    lib.espeak_Initialize.restype = ctypes.c_int
    lib.espeak_SetSynthCallback.argtypes = [_SynthCallback]
    lib.espeak_SetSynthCallback.restype = None
    lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
    lib.espeak_SetVoiceByName.restype = ctypes.c_int
    lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
    lib.espeak_SetParameter.restype = ctypes.c_int
    lib.espeak_Synth.argtypes = [
        ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint, ctypes.c_uint,
        ctypes.c_void_p, ctypes.c_void_p,
    ]
    lib.espeak_Synth.restype = ctypes.c_int
    lib.espeak_Synchronize.restype = ctypes.c_int
    sample_rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, data_path.encode(), _INITIALIZE_DONT_EXIT)
    if sample_rate <= 0:
        raise SpeechError(f"eSpeak NG failed to initialise with data at {data_path}.")
    lib.espeak_SetSynthCallback(_CALLBACK)
    _lib, _sample_rate = lib, sample_rate
    return lib


def speech_rate(speed: float) -> int:
    """eSpeak speaks 80-450 words per minute; the rest of a speed outside that is a time stretch."""
    return max(_RATE_MIN, min(_RATE_MAX, round(_DEFAULT_RATE * speed)))


def synthesize_pcm(*, text: str, voice: str, speed: float = 1.0) -> tuple[bytes, int]:
    """Speak text; returns signed 16-bit mono samples and their sample rate."""
    name, pitch, pitch_range = VOICE_TABLE[voice]
    # NUL would end the C string early; eSpeak reads everything else as plain text (no SSML flag).
    data = text.replace("\x00", " ").encode("utf-8")
    with _LOCK:
        lib = _load()
        if lib.espeak_SetVoiceByName(name.encode()) != _EE_OK:
            raise SpeechError(f"eSpeak NG voice {name!r} is missing from its data directory.")
        lib.espeak_SetParameter(_RATE, speech_rate(speed), 0)
        lib.espeak_SetParameter(_PITCH, pitch, 0)
        lib.espeak_SetParameter(_RANGE, pitch_range, 0)
        _chunks.clear()
        try:
            status = lib.espeak_Synth(data, len(data) + 1, 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None)
            lib.espeak_Synchronize()
            pcm = b"".join(_chunks)
        finally:
            _chunks.clear()
        sample_rate = _sample_rate
    if status != _EE_OK:
        raise SpeechError(f"eSpeak NG synthesis failed (status {status}).")
    # Speeds 0.25-0.46 and 2.57-4.0 are beyond eSpeak's rates: stretch its closest rate the rest of
    # the way (between 0.55x and 1.56x, where atempo keeps speech natural), outside the lock.
    tempo = _DEFAULT_RATE * speed / speech_rate(speed)
    if pcm and abs(tempo - 1.0) > 0.01:
        pcm = audio.change_tempo(pcm, sample_rate=sample_rate, tempo=tempo)
    return pcm, sample_rate


class EspeakTTS:
    identity = "builtin:espeak-ng:1"  # bump when VOICE_TABLE or encoder settings change the sound

    def synthesize(self, *, text: str, voice: str, fmt: str = "mp3", speed: float = 1.0) -> SynthesisResult:
        check_request(text=text, voice=voice, fmt=fmt, speed=speed)
        pcm, sample_rate = synthesize_pcm(text=text, voice=voice, speed=speed)
        # For text with nothing pronounceable ("...", zero-width spaces) eSpeak still emits a few
        # milliseconds of silence; a file of that is no answer.
        if len(pcm) < _MIN_SPOKEN_SECONDS * sample_rate * 2:
            raise InvalidRequest("The text contains nothing to speak.")
        return SynthesisResult(
            audio=audio.encode(pcm, sample_rate=sample_rate, fmt=fmt),
            content_type=CONTENT_TYPES[fmt],
            fmt=fmt,
            duration=len(pcm) / 2 / sample_rate,
        )
