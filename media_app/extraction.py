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

import copy
import io
import json
import re
import sys
import unicodedata
import zipfile

KINDS = ("pdf", "docx", "text")

# A DOCX whose parts inflate beyond this is a zip bomb, refused before python-docx inflates it.
DOCX_MAX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024


NO_TEXT_LAYER = (
    "This PDF has no text layer (its pages are images, as from a scanner or a phone camera), so no text "
    "can be extracted; OCR is not supported. Upload the PDF your editor exports, or a DOCX."
)


class ExtractionFailed(Exception):
    """The document cannot be turned into text; the message is shown to the user."""


# --- Normalisation ---------------------------------------------------------------------------------

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\u200b\u200c\u200d\ufeff]")
_HYPHEN_BREAK_RE = re.compile(r"(\w)[-\u00ad]\n[ \t]*([a-z])")
_SPACES_RE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_COLUMN_GAP_RE = re.compile(r"[ \u00a0]{3,}|\t+")
_BLANK_LINES_RE = re.compile(r"\n{3,}")
# "Page 2", "Page 2 of 3", "2 of 3", "2/3", "- 2 -": a bare number may be content (a year), so it stays.
_PAGE_NUMBER_RE = re.compile(
    r"^(?:page\s+\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?|\d{1,4}\s*(?:of|/)\s*\d{1,4}|[-\u2013]\s*\d{1,4}\s*[-\u2013])$",
    re.IGNORECASE,
)
_SOFT_HYPHEN_IN_WORD_RE = re.compile(r"([a-zà-ÿß])\u00ad([a-zà-ÿß])")
_PRIVATE_USE_RE = re.compile("[\ue000-\uf8ff\U000f0000-\U0010ffff]")
# Hyphens and dashes of other code points, read as the two a resume means: "-" and the range dash.
_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "\u2013", "\u2015": "\u2014", "\u2212": "-"})


def normalise_page(text: str) -> str:
    """One page's text: NFKC (PDF ligatures become letters), no control characters, words split by an
    end-of-line hyphen joined, runs of spaces collapsed, page-number lines dropped."""
    text = unicodedata.normalize("NFKC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = text.replace("\f", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = _CONTROL_RE.sub("", text)
    text = _PRIVATE_USE_RE.sub("", text)  # icon-font glyphs (envelope, phone, pin) carry no text
    # "manage-\nment" was one word broken by the layout; "well-\nKnown" or "2019-\n2020" keep the hyphen.
    text = _HYPHEN_BREAK_RE.sub(r"\1\2", text)
    # A soft hyphen inside a word is invisible; anywhere else ("Mar. 2021\u00adPresent") a template used
    # it as the dash of a range, and dropping it would glue the dates together.
    text = _SOFT_HYPHEN_IN_WORD_RE.sub(r"\1\2", text)
    text = re.sub(r"\s*\u00ad\s*", " \u2013 ", text)
    text = text.translate(_DASHES)
    # A run of spaces or a tab inside a line separates columns ("Google      Mar. 2021 - Present").
    lines = [_COLUMN_GAP_RE.sub(" | ", line.strip(" \t")) for line in text.split("\n")]
    lines = [_SPACES_RE.sub(" ", line).strip() for line in lines]
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
        raise ExtractionFailed(NO_TEXT_LAYER)
    # pypdf has read every object within its decompression limits above, so the layout reader, which
    # has no such limits of its own, only ever sees a document known to be safe to inflate.
    try:
        from media_app.layout import pdf_pages_text

        read = pdf_pages_text(data)
        laid_out = join_pages(read + pages[len(read) :]) if read else ""
    except Exception:  # a layout reader crash on an odd PDF falls back to pypdf's plain text
        laid_out = ""
    return laid_out or text, count


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


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# A table cell with more lines than this is a layout column (a sidebar), read whole; shorter cells are
# the fields of one entry ("2019 - Present" | "Engineer, Acme"), read across the row.
_LAYOUT_CELL_LINES = 6


def _local(element) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _inside(element, stop, names: tuple[str, ...]) -> bool:
    parent = element.getparent()
    while parent is not None and parent is not stop:
        if parent.tag in names:
            return True
        parent = parent.getparent()
    return False


def _docx_paragraph(p, out: list[str]) -> None:
    """A paragraph's own text, then the text boxes anchored in it (a text box's VML fallback copy,
    which Word writes next to the DrawingML one, is skipped)."""
    skip = (_W + "txbxContent", _MC_FALLBACK)
    pieces = []
    for node in p.iter(_W + "t", _W + "tab", _W + "br", _W + "cr", _W + "noBreakHyphen", _W + "softHyphen"):
        if _inside(node, p, skip):
            continue
        name = _local(node)
        if name == "t":
            pieces.append(node.text or "")
        elif name == "tab":
            pieces.append(" | ")
        elif name in ("br", "cr"):
            pieces.append("\n")
        else:
            pieces.append("-" if name == "noBreakHyphen" else "\u00ad")
    text = "".join(pieces)
    style = p.find(f"{_W}pPr/{_W}pStyle")
    style_id = (style.get(f"{_W}val") or "") if style is not None else ""
    is_item = style_id.lower().startswith("list") or p.find(f"{_W}pPr/{_W}numPr") is not None
    out.append(("• " if is_item and text.strip() else "") + text.strip(" |"))
    for box in p.iter(_W + "txbxContent"):
        if not _inside(box, p, (_MC_FALLBACK, _W + "txbxContent")):
            _docx_blocks(box, out)


def _docx_table(tbl, out: list[str]) -> None:
    for row in tbl.iterchildren(_W + "tr"):
        cells: list[list[str]] = []
        for cell in row.iterchildren(_W + "tc"):
            lines: list[str] = []
            _docx_blocks(cell, lines)
            lines = [line for line in lines if line.strip()]
            if lines:  # a vertically merged continuation cell is empty
                cells.append(lines)
        if not cells:
            continue
        if len(cells) == 1 or any(len(c) > _LAYOUT_CELL_LINES for c in cells):
            for lines in cells:
                out.extend(lines)
                out.append("")
        else:
            out.append(" | ".join(c[0] for c in cells))
            for lines in cells:
                out.extend(lines[1:])


def _docx_blocks(element, out: list[str]) -> None:
    """Paragraphs, tables (nested too) and text boxes under ``element``, in reading order."""
    for child in element.iterchildren():
        name = _local(child)
        if name == "p":
            _docx_paragraph(child, out)
        elif name == "tbl":
            _docx_table(child, out)
        elif name in ("sdt", "sdtContent", "customXml", "ins", "smartTag"):
            _docx_blocks(child, out)


def _inflated_size(archive: zipfile.ZipFile, limit: int) -> int:
    """What the members really inflate to, counted while inflating in 1 MB steps and stopped past
    `limit`. The sizes in the zip directory can be forged: zipfile trusts them only to cut its output,
    after inflating everything in one call (a 300 MB bomb declared as 1 KB took 600 MB of memory)."""
    total = 0
    for info in archive.infolist():
        probe = copy.copy(info)
        probe.file_size = limit + 1  # read to the real end of the data, not to the declared size
        with archive.open(probe) as member:
            while chunk := member.read(1 << 20):
                total += len(chunk)
                if total > limit:
                    return total
    return total


def extract_docx(data: bytes) -> tuple[str, int | None]:
    import docx

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        inflated = _inflated_size(archive, DOCX_MAX_UNCOMPRESSED_BYTES)
        if inflated > DOCX_MAX_UNCOMPRESSED_BYTES:
            raise ExtractionFailed(f"The DOCX inflates to {inflated} bytes; it is refused as a zip bomb.")
        pages = _docx_pages(archive)
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ExtractionFailed(f"The DOCX is corrupt and cannot be read ({type(exc).__name__}: {exc}).") from exc

    blocks: list[str] = []
    # Resumes often put the name and contact line in the page header.
    for section in document.sections[:1]:
        if not section.header.is_linked_to_previous:
            _docx_blocks(section.header._element, blocks)
    _docx_blocks(document.element.body, blocks)
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

    _die_with_parent()
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    if memory_bytes > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))


def _die_with_parent() -> None:
    """Linux: SIGKILL this child when the worker that started it dies, so a worker killed mid-parse does
    not leave its extraction running (PR_SET_PDEATHSIG). Elsewhere the CPU limit still ends it."""
    import ctypes
    import signal

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return


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
