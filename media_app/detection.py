"""The type of an upload, judged by its content: the client's filename and Content-Type are not trusted."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import BinaryIO

from juggy.errors import UnsupportedMediaType

SNIFF_BYTES = 64 * 1024
ACCEPTED = "PDF, DOCX or plain UTF-8 text"


@dataclass(frozen=True)
class DocumentType:
    format: str  # "pdf" | "docx" | "text", as media_app.extraction.extract reads them
    content_type: str
    extension: str


PDF = DocumentType("pdf", "application/pdf", ".pdf")
DOCX = DocumentType("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx")
TEXT = DocumentType("text", "text/plain", ".txt")
BY_FORMAT = {t.format: t for t in (PDF, DOCX, TEXT)}

# Recognised formats we do not parse, named so the error tells the user what to do instead.
_KNOWN_UNSUPPORTED = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a legacy Word/Office (.doc) file"),
    (b"{\\rtf", "an RTF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"\x7fELF", "an executable"),
)


def _unsupported(what: str) -> UnsupportedMediaType:
    return UnsupportedMediaType(
        f"The file is {what}; upload a {ACCEPTED} document.",
        code="unsupported_document_type",
        details={"accepted": ["application/pdf", DOCX.content_type, "text/plain"]},
    )


def _is_docx(stream: BinaryIO) -> bool:
    try:
        names = set(zipfile.ZipFile(stream).namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return "word/document.xml" in names and "[Content_Types].xml" in names


def _is_text(head: bytes, complete: bool) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return len(head) % 2 == 0 or not complete
    if b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # The sniffed window may cut a multi-byte character in half at its end.
        if complete or exc.start < len(head) - 3:
            return False
        text = head[: exc.start].decode("utf-8-sig")
    printable = sum(1 for ch in text if ch.isprintable() or ch in "\n\r\t\f")
    return printable >= 0.95 * max(len(text), 1)


def detect_type(stream: BinaryIO) -> DocumentType:
    """PDF by its %PDF- header (allowed anywhere in the first KiB, as readers do), DOCX by a zip holding
    word/document.xml, text by decoding; raises UnsupportedMediaType (415) for anything else."""
    stream.seek(0)
    head = stream.read(SNIFF_BYTES)
    complete = not stream.read(1)
    stream.seek(0)
    if b"%PDF-" in head[:1024]:
        return PDF
    if head.startswith(b"PK\x03\x04"):
        docx = _is_docx(stream)
        stream.seek(0)
        if docx:
            return DOCX
        raise _unsupported("a zip archive that is not a Word (DOCX) document")
    for magic, what in _KNOWN_UNSUPPORTED:
        if head.startswith(magic):
            raise _unsupported(what)
    if _is_text(head, complete):
        return TEXT
    raise _unsupported("binary data of an unknown type")
