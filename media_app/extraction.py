"""Text extraction from PDF, DOCX and plain text, run in a child process with hard limits.

Uploaded documents are hostile input: a PDF can claim thousands of pages, carry a compression bomb
or loop pypdf for minutes. So the parent never parses in-process; it runs this module as
``python -m media_app.extraction KIND MAX_PAGES CPU_SECONDS MEMORY_BYTES`` with the document on stdin.
The child caps its own address space and CPU time (RLIMIT_AS, RLIMIT_CPU) before importing any parser,
and the parent kills it at the wall-clock timeout. The child prints one JSON object:
``{"ok": true, "text": ..., "pages": n | null}`` or ``{"ok": false, "reason": ...}``.

This module must not import Django: the child starts in a fraction of a second without it.
"""

from __future__ import annotations

import io
import json
import re
import sys
import unicodedata
import zipfile

KINDS = ("pdf", "docx", "text")

# A DOCX whose parts inflate beyond this is a zip bomb, refused before python-docx inflates it.
DOCX_MAX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024


class ExtractionFailed(Exception):
    """The document cannot be turned into text; the message is shown to the user."""


# --- Normalisation ---------------------------------------------------------------------------------

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\u200b\u200c\u200d\ufeff]")
_HYPHEN_BREAK_RE = re.compile(r"(\w)[-\u00ad]\n[ \t]*([a-z])")
_SPACES_RE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_LINES_RE = re.compile(r"\n{3,}")
# "Page 2", "Page 2 of 3", "2 of 3", "2/3", "- 2 -": a bare number may be content (a year), so it stays.
_PAGE_NUMBER_RE = re.compile(
    r"^(?:page\s+\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?|\d{1,4}\s*(?:of|/)\s*\d{1,4}|[-\u2013]\s*\d{1,4}\s*[-\u2013])$",
    re.IGNORECASE,
)
_SOFT_HYPHEN = "\u00ad"


def normalise_page(text: str) -> str:
    """One page's text: NFKC (PDF ligatures become letters), no control characters, words split by an
    end-of-line hyphen joined, runs of spaces collapsed, page-number lines dropped."""
    text = unicodedata.normalize("NFKC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = text.replace("\f", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = _CONTROL_RE.sub("", text)
    # "manage-\nment" was one word broken by the layout; "well-\nKnown" or "2019-\n2020" keep the hyphen.
    text = _HYPHEN_BREAK_RE.sub(r"\1\2", text)
    text = text.replace(_SOFT_HYPHEN, "")
    lines = [_SPACES_RE.sub(" ", line).strip() for line in text.split("\n")]
    lines = [line for line in lines if not _PAGE_NUMBER_RE.match(line)]
    return _BLANK_LINES_RE.sub("\n\n", "\n".join(lines)).strip()


def join_pages(pages: list[str]) -> str:
    """Pages are separated by one blank line; empty pages leave no trace."""
    return "\n\n".join(p for p in (normalise_page(page) for page in pages) if p)


# --- Extractors ------------------------------------------------------------------------------------


def extract_pdf(data: bytes, *, max_pages: int) -> tuple[str, int]:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, LimitReachedError, PdfReadError

    if b"%%EOF" not in data[-2048:]:
        raise ExtractionFailed("The PDF is truncated: its end-of-file marker is missing.")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            # Many PDFs are encrypted only against editing and open with the empty user password.
            try:
                opened = reader.decrypt("")
            except (NotImplementedError, PdfReadError) as exc:
                raise ExtractionFailed(f"The PDF is encrypted and cannot be opened: {exc}") from exc
            if not opened:
                raise ExtractionFailed("The PDF is protected by a password; upload an unprotected copy.")
        count = len(reader.pages)
        if count == 0:
            raise ExtractionFailed("The PDF has no pages.")
        if count > max_pages:
            raise ExtractionFailed(f"The PDF has {count} pages; at most {max_pages} are parsed.")
        pages = [page.extract_text() or "" for page in reader.pages]
    except FileNotDecryptedError as exc:
        raise ExtractionFailed("The PDF is protected by a password; upload an unprotected copy.") from exc
    except LimitReachedError as exc:
        raise ExtractionFailed("The PDF holds a compressed object too large to inflate safely; it is refused.") from exc
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as exc:
        raise ExtractionFailed(f"The PDF is corrupt and cannot be read ({type(exc).__name__}: {exc}).") from exc
    text = join_pages(pages)
    if not text:
        raise ExtractionFailed("The PDF contains no extractable text (a scanned image?); OCR is not supported.")
    return text, count


def _docx_pages(archive: zipfile.ZipFile) -> int | None:
    # Word records the page count it last laid out in docProps/app.xml; other writers may not.
    try:
        app = archive.read("docProps/app.xml").decode("utf-8", "replace")
    except KeyError:
        return None
    match = re.search(r"<(?:\w+:)?Pages>(\d+)</", app)
    if match is None or int(match.group(1)) == 0:
        return None
    return int(match.group(1))


def extract_docx(data: bytes) -> tuple[str, int | None]:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        inflated = sum(info.file_size for info in archive.infolist())
        if inflated > DOCX_MAX_UNCOMPRESSED_BYTES:
            raise ExtractionFailed(f"The DOCX inflates to {inflated} bytes; it is refused as a zip bomb.")
        pages = _docx_pages(archive)
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ExtractionFailed(f"The DOCX is corrupt and cannot be read ({type(exc).__name__}: {exc}).") from exc

    blocks: list[str] = []
    # Resumes often put the name and contact line in the page header.
    for section in document.sections[:1]:
        blocks.extend(p.text for p in section.header.paragraphs if p.text.strip())
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(child, document)
            style = (paragraph.style.name if paragraph.style is not None else "") or ""
            is_item = style.startswith("List") or child.find(".//{*}numPr") is not None
            blocks.append(("• " if is_item and paragraph.text.strip() else "") + paragraph.text)
        elif tag == "tbl":
            for row in Table(child, document).rows:
                cells = []
                for cell in row.cells:
                    if cell.text.strip() and cell.text not in cells:  # merged cells repeat
                        cells.append(cell.text)
                blocks.append(" | ".join(cells))
    text = normalise_page("\n".join(blocks))
    if not text:
        raise ExtractionFailed("The DOCX contains no text.")
    return text, pages


def decode_text(data: bytes) -> str:
    """Plain text as UTF-8 (with or without BOM) or UTF-16 with BOM; anything else is not text."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    return data.decode("utf-8-sig")


def extract_text(data: bytes) -> tuple[str, int | None]:
    try:
        raw = decode_text(data)
    except UnicodeDecodeError as exc:
        raise ExtractionFailed("The file is not valid UTF-8 text.") from exc
    pages = raw.split("\f")
    text = join_pages(pages)
    if not text:
        raise ExtractionFailed("The text file is blank.")
    return text, len(pages) if len(pages) > 1 else None


def extract(doc_format: str, data: bytes, *, max_pages: int) -> tuple[str, int | None]:
    if doc_format == "pdf":
        return extract_pdf(data, max_pages=max_pages)
    if doc_format == "docx":
        return extract_docx(data)
    if doc_format == "text":
        return extract_text(data)
    raise ExtractionFailed(f"Unknown document format {doc_format!r}.")


# --- Child process entry point ---------------------------------------------------------------------


def _limit_self(cpu_seconds: int, memory_bytes: int) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    if memory_bytes > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))


def main(argv: list[str]) -> int:
    doc_format, max_pages, cpu_seconds, memory_bytes = argv[0], int(argv[1]), int(argv[2]), int(argv[3])
    data = sys.stdin.buffer.read()
    _limit_self(cpu_seconds, memory_bytes)
    try:
        text, pages = extract(doc_format, data, max_pages=max_pages)
        result = {"ok": True, "text": text, "pages": pages}
    except ExtractionFailed as exc:
        result = {"ok": False, "reason": str(exc)}
    except MemoryError:
        result = {"ok": False, "reason": "The document needs more memory to parse than allowed; it is refused."}
    except Exception as exc:  # the sandbox boundary: any parser crash on hostile input is a verdict
        result = {"ok": False, "reason": f"The document cannot be read ({type(exc).__name__}: {exc})."[:500]}
    sys.stdout.write(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
