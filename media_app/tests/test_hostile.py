"""Encrypted, corrupt, truncated and pathological documents: stored, parse failed with a reason, never a 500,
and the parser really stopped by its page, time and memory bounds."""

import time

import pytest

from media_app.models import Media
from media_app.tests.documents import encrypted_pdf, flate_bomb_pdf, make_pdf, multipage_pdf, resume_pdf

pytestmark = pytest.mark.django_db(transaction=True)


def _failed(api_client, upload, data, **kw) -> Media:
    response = upload(api_client, data, **kw)
    assert response.status_code == 201, response.json()
    assert response.json()["state"] == "failed"
    assert response.json()["message"].startswith("document stored, but parsing failed: ")
    media = Media.objects.get(pk=response.json()["mediaId"])
    assert media.state == "failed" and media.text == "" and media.parsed_at is not None
    assert media.file.storage.exists(media.file.name)  # the upload itself is kept
    return media


def test_encrypted_pdf_fails_with_reason(api_client, upload):
    media = _failed(api_client, upload, encrypted_pdf())
    assert media.parse_error == "The PDF is protected by a password; upload an unprotected copy."


def test_truncated_pdf_fails_with_reason(api_client, upload):
    data = resume_pdf()
    media = _failed(api_client, upload, data[: len(data) // 2])
    assert media.parse_error == "The PDF is truncated: its end-of-file marker is missing."


def test_corrupt_pdf_fails_with_reason(api_client, upload):
    garbage = b"%PDF-1.7\n" + bytes(range(256)) * 20 + b"\n%%EOF\n"
    media = _failed(api_client, upload, garbage)
    assert media.parse_error == "The PDF is corrupt and cannot be read (PdfReadError: startxref not found)."


def test_pdf_without_text_fails_with_reason(api_client, upload):
    media = _failed(api_client, upload, make_pdf([[]]))
    assert media.parse_error.startswith("This PDF has no text layer")


def test_v2_structure_fails_when_parsing_fails(api_client, upload):
    media = _failed(api_client, upload, encrypted_pdf(), v2=True)
    assert media.structure_state == "failed"
    assert media.structure_error == "The document could not be parsed."


def test_thousands_of_pages_are_refused_quickly(api_client, upload):
    started = time.monotonic()
    media = _failed(api_client, upload, multipage_pdf(3000, lines_per_page=1))
    assert media.parse_error == "The PDF has 3000 pages; at most 200 are parsed."
    assert time.monotonic() - started < 20


def test_compression_bomb_is_refused(api_client, upload):
    media = _failed(api_client, upload, flate_bomb_pdf())
    assert media.parse_error == "The PDF holds a compressed object too large to inflate safely; it is refused."


def test_parse_time_is_bounded(api_client, upload, settings):
    # 60 pages take far longer than 50 ms: the child is killed at the wall-clock limit.
    settings.MEDIA_PARSE_TIMEOUT_SECONDS = 0.05
    started = time.monotonic()
    media = _failed(api_client, upload, multipage_pdf(60))
    assert media.parse_error == "Parsing took longer than 0.05 seconds and was stopped."
    assert time.monotonic() - started < 10


def test_parse_memory_is_bounded(api_client, upload, settings):
    # An address space far too small for pypdf: the child fails with MemoryError instead of growing.
    settings.MEDIA_PARSE_MAX_MEMORY_MB = 40
    media = _failed(api_client, upload, resume_pdf())
    assert media.parse_error == "The document needs more memory to parse than allowed; it is refused."


def test_reparse_is_idempotent(api_client, upload):
    from media_app import services

    media = Media.objects.get(pk=upload(api_client, resume_pdf(), v2=True).json()["mediaId"])
    first = (media.text, media.page_count, media.language, media.structured)

    services.media_request_parse(media=media)
    media.refresh_from_db()
    assert media.state == "parsed" and media.structure_state == "done"
    assert (media.text, media.page_count, media.language, media.structured) == first

    # A redelivered task for a media that is no longer pending changes nothing.
    parsed_at = media.parsed_at
    services.media_process(media_id=media.id)
    media.refresh_from_db()
    assert media.parsed_at == parsed_at
