"""Media domain operations: upload, parse, structure, re-parse, delete. Views, tasks and admin call these."""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from juggy.accounts.models import User
from juggy.ai.errors import AIError, ProviderError
from juggy.errors import BadRequest, PayloadTooLarge
from media_app.detection import BY_FORMAT, detect_type
from media_app.models import Media
from media_app.parsing import ParseFailed, parse_document

log = logging.getLogger(__name__)

State = Media.State
StructureState = Media.StructureState

_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


def media_too_large(size: int) -> PayloadTooLarge:
    limit = settings.MEDIA_MAX_UPLOAD_BYTES
    return PayloadTooLarge(
        f"The file is {size} bytes; the limit is {limit} bytes.",
        code="file_too_large",
        details={"size": size, "limit": limit},
    )


def clean_original_name(name: str) -> str:
    """The client's filename, kept only as metadata: directories and control characters removed."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    return _CONTROL_RE.sub("", name).strip()[:255]


def media_upload(*, owner: User, upload: UploadedFile, parse: bool, structure: bool = False) -> Media:
    """Store an upload as a Media of ``owner`` and, if ``parse``, queue its parsing (and, if
    ``structure``, the structured resume). Raises 400 (empty), 413 (too large), 415 (not a document)."""
    if upload.size == 0:
        raise BadRequest("The file is empty.", code="empty_file")
    if upload.size > settings.MEDIA_MAX_UPLOAD_BYTES:
        raise media_too_large(upload.size)
    doc_type = detect_type(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)

    media = Media(
        id=uuid.uuid4(),
        owner=owner,
        original_name=clean_original_name(upload.name or ""),
        extension=doc_type.extension,
        content_type=doc_type.content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        state=State.PENDING if parse else State.UPLOADED,
        structure_state=StructureState.PENDING if parse and structure else StructureState.NONE,
    )
    # The stored name comes from media_upload_to (owner and media id), never from the client.
    media.file.save(f"upload{doc_type.extension}", upload, save=False)
    try:
        with transaction.atomic():
            media.save(force_insert=True)
            if parse:
                _queue_processing(media)
    except BaseException:
        media.file.delete(save=False)  # no row points at the file: do not leave it behind
        raise
    return media


def _queue_processing(media: Media) -> None:
    from media_app.tasks import media_process

    media_id = str(media.id)
    # A worker must not look for the row before it is committed.
    transaction.on_commit(lambda: media_process.delay(media_id))


def media_request_parse(*, media: Media, structure: bool | None = None) -> Media:
    """(Re-)parse a media: back to pending and queued. ``structure`` None keeps whether it is structured."""
    if structure is None:
        structure = media.structure_state != StructureState.NONE
    with transaction.atomic():
        Media.objects.filter(pk=media.pk).update(
            state=State.PENDING,
            parse_error="",
            structure_state=StructureState.PENDING if structure else StructureState.NONE,
            structure_error="",
            updated_at=timezone.now(),
        )
        _queue_processing(media)
    media.refresh_from_db()
    return media


def _stale_before():
    # A worker that died mid-parse leaves "parsing" behind; after twice the parse timeout it is retaken.
    return timezone.now() - timedelta(seconds=2 * settings.MEDIA_PARSE_TIMEOUT_SECONDS + 60)


def media_parse(*, media_id: uuid.UUID | str) -> Media | None:
    """Parse a pending media: pending -> parsing -> parsed | failed. Safe to run twice (a redelivered
    task finds the media no longer pending and does nothing). None if the media is gone."""
    claimed = Media.objects.filter(pk=media_id).filter(
        # Two workers may get the same task (late ack redelivery): the conditional update lets one win.
        state__in=[State.PENDING, State.PARSING]
    )
    claimed = claimed.exclude(state=State.PARSING, updated_at__gt=_stale_before())
    if not claimed.update(state=State.PARSING, updated_at=timezone.now()):
        return Media.objects.filter(pk=media_id).first()
    media = Media.objects.get(pk=media_id)
    doc_format = _format_of(media)
    try:
        with media.file.open("rb") as stored:
            data = stored.read()
        parsed = parse_document(doc_format, data)
    except (ParseFailed, OSError) as exc:
        reason = str(exc) if isinstance(exc, ParseFailed) else "The stored file cannot be read."
        _finish_parse(media, state=State.FAILED, parse_error=reason, text="", page_count=None, language="")
        if media.structure_state == StructureState.PENDING:
            _finish_structure(media, state=StructureState.FAILED, error="The document could not be parsed.")
        return media
    _finish_parse(
        media,
        state=State.PARSED,
        parse_error="",
        text=parsed.text,
        page_count=parsed.pages,
        language=parsed.language,
    )
    return media


def _format_of(media: Media) -> str:
    for doc_format, doc_type in BY_FORMAT.items():
        if doc_type.content_type == media.content_type:
            return doc_format
    return "text"


def _finish_parse(media: Media, **fields) -> None:
    fields["parsed_at"] = timezone.now()
    fields["updated_at"] = fields["parsed_at"]
    # Only the claimant writes: if the media was re-queued or deleted meanwhile, this result is dropped.
    Media.objects.filter(pk=media.pk, state=State.PARSING).update(**fields)
    for name, value in fields.items():
        setattr(media, name, value)


def media_structure(*, media_id: uuid.UUID | str, final_attempt: bool = True) -> Media | None:
    """Build the structured resume of a parsed media whose structuring is pending.

    A transient provider error is re-raised for the task to retry, unless this is the final attempt;
    any other failure is recorded as structure_state "failed" with the reason.
    """
    from juggy.ai.resume import structure_resume

    media = Media.objects.filter(pk=media_id).first()
    if media is None or media.structure_state != StructureState.PENDING or media.state != State.PARSED:
        return media
    try:
        structured = structure_resume(media.text)
    except ProviderError as exc:
        if exc.transient and not final_attempt:
            raise
        _finish_structure(media, state=StructureState.FAILED, error=f"Structuring failed: {exc.message}")
        return media
    except AIError as exc:
        _finish_structure(media, state=StructureState.FAILED, error=f"Structuring failed: {exc}")
        return media
    _finish_structure(media, state=StructureState.DONE, error="", structured=structured)
    return media


def _finish_structure(media: Media, *, state: str, error: str, structured: dict | None = None) -> None:
    Media.objects.filter(pk=media.pk, structure_state=StructureState.PENDING).update(
        structure_state=state, structure_error=error, structured=structured, updated_at=timezone.now()
    )
    media.structure_state, media.structure_error, media.structured = state, error, structured


def media_process(*, media_id: uuid.UUID | str, final_attempt: bool = True) -> Media | None:
    """The background work of an upload: parse if pending, then structure if requested."""
    media = media_parse(media_id=media_id)
    if media is not None and media.structure_state == StructureState.PENDING and media.state == State.PARSED:
        media = media_structure(media_id=media_id, final_attempt=final_attempt)
    return media


def media_delete(*, media: Media) -> None:
    """Delete the row now and the stored file once the deletion is committed. Conversations (of
    sessions and interviews) that used the media keep their own copy of its text and structure (their
    link is set to NULL)."""
    name, storage = media.file.name, media.file.storage
    with transaction.atomic():
        media.delete()
        if name:
            transaction.on_commit(lambda: storage.delete(name))
