"""Speech operations for the API: synthesize into stored (cached) files, transcribe uploads.

Limits and error mapping live here, so the HTTP views and any other caller (the interviewer engine,
a Celery task) reject the same inputs with the same juggy.errors exceptions.
"""

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from juggy import errors

from . import FORMATS, VOICES, get_stt, get_tts
from .audio import probe
from .base import (
    InvalidAudio,
    InvalidRequest,
    SpeechError,
    Transcription,
    UnsupportedFormat,
    UnsupportedVoice,
    UpstreamError,
)

logger = logging.getLogger(__name__)

UPLOAD_FORMATS = ("wav", "mp3", "flac", "ogg", "webm", "m4a")


@dataclass(frozen=True)
class StoredSpeech:
    name: str  # storage name, tts/<sha256>.<ext>
    url: str  # absolute, or site-relative without PUBLIC_BASE_URL (juggy.files.absolute_url ends it)
    fmt: str
    voice: str
    duration: float
    cached: bool


def speech_cache_key(*, provider: str, text: str, voice: str, fmt: str, speed: float) -> str:
    return hashlib.sha256(f"{provider}|{text}|{voice}|{fmt}|{float(speed)!r}".encode()).hexdigest()


def speech_owner_key(*, owner: str, cache_key: str) -> str:
    """The name of one owner's copy: unguessable without SECRET_KEY, even by someone who knows the text."""
    return hmac.new(settings.SECRET_KEY.encode(), f"tts|{owner}|{cache_key}".encode(), hashlib.sha256).hexdigest()


def speech_public_url(name: str) -> str:
    url = default_storage.url(name)
    # FileSystemStorage answers MEDIA_URL + name; remote storages (S3) already answer absolute URLs.
    return url if "://" in url else settings.PUBLIC_BASE_URL.rstrip("/") + url


def speech_synthesize(*, owner: str, text: str, voice: str, fmt: str = "mp3", speed: float = 1.0) -> StoredSpeech:
    """Synthesize text into a stored public file of `owner` (e.g. "user:<id>"), or return the one made
    earlier for the same owner and input (`cached`).

    Two levels, so that one user learns nothing of what another synthesized: the audio is cached once
    per input under tts-cache/ (never served), and each owner gets a public copy under tts/ whose name
    is an HMAC of owner and input. Another owner asking for the same text gets their own URL and
    `cached: false`, while the engine still runs only once per input."""
    if not text.strip():
        raise errors.BadRequest("There is no text to speak.", code="empty_text")
    if len(text) > settings.TTS_MAX_CHARS:
        raise errors.BadRequest(
            f"The text is longer than {settings.TTS_MAX_CHARS} characters.",
            code="text_too_long",
            details={"max_chars": settings.TTS_MAX_CHARS, "chars": len(text)},
        )
    tts = _call(get_tts)
    key = speech_cache_key(provider=tts.identity, text=text, voice=voice, fmt=fmt, speed=speed)
    public = speech_owner_key(owner=owner, cache_key=key)
    name, meta_name = f"tts/{public}.{fmt}", f"tts-meta/{public}.json"

    meta = _read_meta(meta_name)
    if meta is not None and default_storage.exists(name):
        return StoredSpeech(name, speech_public_url(name), fmt, voice, meta["duration"], cached=True)

    shared, shared_meta_name = f"tts-cache/{key}.{fmt}", f"tts-cache/{key}.json"
    shared_meta = _read_meta(shared_meta_name)
    audio = None
    if shared_meta is not None:
        try:
            with default_storage.open(shared, "rb") as fh:
                audio = fh.read()
        except FileNotFoundError:
            audio = None
    if audio is None:
        result = _call(tts.synthesize, text=text, voice=voice, fmt=fmt, speed=speed)
        audio, shared_meta = result.audio, {"duration": result.duration, "content_type": result.content_type}
        # The audio is written before its metadata: the metadata file marks a complete entry.
        _save_once(shared, audio)
        _save_once(shared_meta_name, json.dumps(shared_meta).encode())
    _save_once(name, audio)
    _save_once(meta_name, json.dumps(shared_meta).encode())
    return StoredSpeech(name, speech_public_url(name), fmt, voice, shared_meta["duration"], cached=False)


def speech_transcribe(*, audio: bytes, filename: str = "") -> Transcription:
    """Transcribe an uploaded recording (UPLOAD_FORMATS, judged by content)."""
    if not audio:
        raise errors.BadRequest("The audio file is empty.", code="empty_file")
    if len(audio) > settings.STT_MAX_UPLOAD_BYTES:
        raise speech_too_large(len(audio))
    info = _call(probe, audio, max_seconds=settings.STT_MAX_DURATION_SECONDS)
    if info.duration > settings.STT_MAX_DURATION_SECONDS:
        raise errors.PayloadTooLarge(
            f"The recording is longer than {settings.STT_MAX_DURATION_SECONDS:g} seconds.",
            code="audio_too_long",
            details={"max_seconds": settings.STT_MAX_DURATION_SECONDS, "seconds": round(info.duration, 3)},
        )
    stt = _call(get_stt)
    return _call(stt.transcribe, audio=audio, filename=filename)


def speech_too_large(size: int) -> errors.PayloadTooLarge:
    return errors.PayloadTooLarge(
        f"The audio file is larger than {settings.STT_MAX_UPLOAD_BYTES} bytes.",
        code="file_too_large",
        details={"max_bytes": settings.STT_MAX_UPLOAD_BYTES, "bytes": size},
    )


def _call(func, *args, **kwargs):
    """Run a provider call, turning speech errors into the API's errors."""
    try:
        return func(*args, **kwargs)
    except UnsupportedVoice as exc:
        raise errors.BadRequest(str(exc), code="unsupported_voice", details={"voice": exc.voice, "allowed": list(VOICES)}) from exc
    except UnsupportedFormat as exc:
        raise errors.BadRequest(str(exc), code="unsupported_format", details={"format": exc.fmt, "allowed": list(FORMATS)}) from exc
    except InvalidRequest as exc:
        raise errors.BadRequest(str(exc), code="invalid_speech_request") from exc
    except InvalidAudio as exc:
        raise errors.UnsupportedMediaType(str(exc), code="invalid_audio", details={"supported": list(UPLOAD_FORMATS)}) from exc
    except UpstreamError as exc:
        logger.warning("speech upstream failed: %s", exc)
        raise errors.ServiceUnavailable(str(exc), code="speech_unavailable", details={"upstream_status": exc.status}) from exc
    except SpeechError as exc:
        logger.exception("speech engine failed")
        raise errors.ServiceUnavailable(str(exc), code="speech_unavailable") from exc


def _read_meta(name: str) -> dict | None:
    try:
        with default_storage.open(name, "rb") as fh:
            meta = json.loads(fh.read())
    except (FileNotFoundError, ValueError):
        return None
    return meta if isinstance(meta.get("duration"), int | float) else None


def _save_once(name: str, data: bytes) -> None:
    # Two requests for the same new text race to store it; storage.save() never overwrites and
    # gives the loser a suffixed name instead. The content is identical: keep the first, drop ours.
    saved = default_storage.save(name, ContentFile(data))
    if saved != name:
        default_storage.delete(saved)
