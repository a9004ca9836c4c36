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
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnavailable

from juggy.accounts.models import User
from juggy.ai.errors import AIError, ProviderError
from juggy.errors import BadRequest, PayloadTooLarge, ServiceUnavailable
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
                _queue_processing(media, undo_on_failure=True)
    except BaseException:
        media.file.delete(save=False)  # no row points at the file: do not leave it behind
        raise
    return media


def _queue_processing(media: Media, *, undo_on_failure: bool = False) -> None:
    from media_app.tasks import media_process

    media_id = str(media.id)

    def queue() -> None:
        try:
            media_process.delay(media_id)
        except BrokerUnavailable as exc:
            if undo_on_failure:
                # A new upload whose work cannot be queued is not kept: no `pending` row that nothing
                # will ever parse, and no file without a row. Row and file go together or not at all.
                Media.objects.filter(pk=media_id).delete()
                media.file.delete(save=False)
            raise ServiceUnavailable("The task queue is unavailable; nothing was stored. Retry later.") from exc

    # A worker must not look for the row before it is committed.
    transaction.on_commit(queue)


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
        # A transient model error is retried by the task; on the last attempt (or any other model
        # failure) structure_resume falls back to the built-in parser.
        structured = structure_resume(media.text, retry_transient=not final_attempt)
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


def media_sweep_stuck(*, now=None) -> dict[str, int]:
    """Settle background work that stopped moving (a worker killed mid-task, a lost message).

    A media pending or parsing, or parsed with structuring pending, untouched for WORK_STUCK_AFTER_SECONDS
    (longer than any task may run) is queued again: parsing goes back to pending so the new task can
    claim it. One uploaded more than WORK_GIVE_UP_AFTER_SECONDS ago is failed instead, with the reason,
    so a document that keeps killing workers ends visibly. Run by the periodic sweep (Celery beat)."""
    now = now or timezone.now()
    stuck_before = now - timedelta(seconds=settings.WORK_STUCK_AFTER_SECONDS)
    give_up_before = now - timedelta(seconds=settings.WORK_GIVE_UP_AFTER_SECONDS)
    parse_stuck = Media.objects.filter(state__in=[State.PENDING, State.PARSING], updated_at__lt=stuck_before)
    structure_stuck = Media.objects.filter(
        state=State.PARSED, structure_state=StructureState.PENDING, updated_at__lt=stuck_before
    )
    abandoned = "The worker processing this document stopped; it was given up after repeated attempts."
    counts = {"requeued": 0, "failed": 0}
    # Conditional updates: a task that finishes meanwhile, or a second sweep, leaves nothing to redo.
    counts["failed"] += parse_stuck.filter(created_at__lt=give_up_before).update(
        state=State.FAILED, parse_error=abandoned, updated_at=now, structure_state=Case(
            When(structure_state=StructureState.PENDING, then=Value(StructureState.FAILED)),
            default=F("structure_state"), output_field=Media._meta.get_field("structure_state")),
        structure_error=Case(When(structure_state=StructureState.PENDING, then=Value(abandoned)),
                             default=F("structure_error"), output_field=Media._meta.get_field("structure_error")),
    )
    counts["failed"] += structure_stuck.filter(created_at__lt=give_up_before).update(
        structure_state=StructureState.FAILED, structure_error=abandoned, updated_at=now
    )
    for media_id in list(parse_stuck.values_list("pk", flat=True)) + list(structure_stuck.values_list("pk", flat=True)):
        with transaction.atomic():
            moved = Media.objects.filter(pk=media_id, updated_at__lt=stuck_before).filter(
                Q(state__in=[State.PENDING, State.PARSING]) | Q(state=State.PARSED, structure_state=StructureState.PENDING)
            ).update(
                state=Case(When(state=State.PARSING, then=Value(State.PENDING)), default=F("state"),
                           output_field=Media._meta.get_field("state")),
                updated_at=now,
            )
            if moved:
                _queue_processing(Media(pk=media_id))
                counts["requeued"] += 1
    if any(counts.values()):
        log.warning("media sweep: %(requeued)s re-queued, %(failed)s failed (stuck)", counts)
    return counts


def media_delete(*, media: Media) -> None:
    """Delete the row now and the stored file once the deletion is committed. Conversations (of
    sessions and interviews) that used the media keep their own copy of its text and structure (their
    link is set to NULL)."""
    name, storage = media.file.name, media.file.storage
    with transaction.atomic():
        media.delete()
        if name:
            transaction.on_commit(lambda: storage.delete(name))
