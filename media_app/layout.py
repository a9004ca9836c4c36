# ruff: noqa: RUF002 - the range dash is what the reader writes
"""Layout-aware reading of PDF pages: glyph positions and fonts (pdfminer.six) turned into lines of text in
reading order.

A resume's PDF is not a text file: two-column and sidebar templates put unrelated lines side by side,
LaTeX templates position words without space characters, icon fonts draw envelopes and phones as
private-use glyphs, and a left column of dates belongs to the entries beside it. This module reads the
characters with their boxes and rebuilds the text a reader sees:

- characters are grouped into lines by their vertical position, and a line into segments where a gap is
  much wider than a word space (a right-aligned date, the other column);
- a word space is restored where two glyphs are further apart than a fraction of the font size;
- glyphs of icon fonts and of the Unicode private-use area are dropped;
- a vertical gutter that no line crosses splits a page into columns, read one after the other (lines
  that span the gutter, like a centred name, are read where they stand); a side made mostly of dates is
  not a column but a date column, and its dates stay on the line of their entry ("Jan 2020 – Present |
  Senior Engineer, Acme");
- segments of one line are joined by " | "; a line set larger or bold (a heading) and a wide vertical
  gap get a blank line before them;
- a line repeated at the top or bottom of several pages (a running header or footer) is dropped.

No Django here: this runs in the sandboxed extraction child.
"""

from __future__ import annotations

import io
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field

ICON_FONT_RE = re.compile(
    r"awesome|icon|fontello|octicon|academicons|material|glyphicon|wingding|webdings|dingbat|marvosym|entypo|"
    r"ionicons|feather|bootstrap-?icons",
    re.IGNORECASE,
)
_PRIVATE_USE_RE = re.compile("[\ue000-\uf8ff\U000f0000-\U0010ffff]")
_DATE_LIKE_RE = re.compile(
    r"(?:19|20)\d{2}|\b(?:present|current|now|heute|today|aujourd'hui|actuel|hoy|oggi)\b", re.IGNORECASE
)
_BOLD_RE = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)

PAGE_NUMBER_RE = re.compile(r"^(?:page\s+\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?|\d{1,4}\s*(?:of|/)\s*\d{1,4})$", re.IGNORECASE)
# Gaps, as fractions of the font size: a word space, and a gap that separates segments of a line.
WORD_GAP = 0.15
SEGMENT_GAP = 1.2


@dataclass
class Glyph:
    x0: float
    x1: float
    y0: float
    y1: float
    size: float
    text: str
    bold: bool


@dataclass
class Segment:
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    text: str
    line: int  # index of the visual line it belongs to


@dataclass
class _Line:
    glyphs: list[Glyph] = field(default_factory=list)
    centre: float = 0.0


def _glyphs(layout) -> list[Glyph]:
    from pdfminer.layout import LTChar, LTContainer

    out: list[Glyph] = []
    stack = [iter([layout])]
    while stack:
        item = next(stack[-1], None)
        if item is None:
            stack.pop()
            continue
        if isinstance(item, LTChar):
            text = item.get_text()
            if not item.upright or text.startswith("(cid:") or ICON_FONT_RE.search(item.fontname or ""):
                continue
            text = _PRIVATE_USE_RE.sub("", text)
            if not text:
                continue
            size = item.size or (item.y1 - item.y0) or 10.0
            out.append(Glyph(item.x0, item.x1, item.y0, item.y1, size, text, bool(_BOLD_RE.search(item.fontname or ""))))
        elif isinstance(item, LTContainer):
            stack.append(iter(item))
    return out


def _lines(glyphs: list[Glyph]) -> list[_Line]:
    """Glyphs grouped by vertical position, top of the page first."""
    lines: list[_Line] = []
    for glyph in sorted(glyphs, key=lambda g: -(g.y0 + g.y1) / 2):
        centre = (glyph.y0 + glyph.y1) / 2
        if lines and abs(lines[-1].centre - centre) <= 0.35 * glyph.size:
            lines[-1].glyphs.append(glyph)
        else:
            lines.append(_Line([glyph], centre))
    return lines


def _segments(lines: list[_Line]) -> list[Segment]:
    segments: list[Segment] = []
    for n, line in enumerate(lines):
        glyphs = sorted(line.glyphs, key=lambda g: g.x0)
        current: list[Glyph] = []
        for glyph in glyphs:
            if current and glyph.x0 - current[-1].x1 > SEGMENT_GAP * max(glyph.size, current[-1].size, 4.0):
                segments.append(_segment(current, n))
                current = []
            current.append(glyph)
        if current:
            segments.append(_segment(current, n))
    return [s for s in segments if s.text and not PAGE_NUMBER_RE.match(s.text)]


def _segment(glyphs: list[Glyph], line: int) -> Segment:
    parts: list[str] = []
    previous: Glyph | None = None
    for glyph in glyphs:
        # A PDF may position each word without a space character: the gap is the space.
        if (
            previous is not None
            and not parts[-1].endswith(" ")
            and not glyph.text.startswith(" ")
            and glyph.x0 - previous.x1 > WORD_GAP * max(glyph.size, previous.size)
        ):
            parts.append(" ")
        parts.append(glyph.text)
        previous = glyph
    text = re.sub(r"\s+", " ", "".join(parts)).strip()
    letters = [g for g in glyphs if not g.text.isspace()] or glyphs
    return Segment(
        x0=glyphs[0].x0,
        x1=glyphs[-1].x1,
        top=max(g.y1 for g in glyphs),
        bottom=min(g.y0 for g in glyphs),
        size=statistics.median(g.size for g in letters),
        bold=all(g.bold for g in letters),
        text=text,
        line=line,
    )


def _is_heading(segment: Segment, body: float) -> bool:
    return segment.size >= 1.15 * body or segment.bold or (segment.text.isupper() and len(segment.text) <= 40)


def _is_column(side: list[Segment], body: float) -> bool:
    """A side of a gutter is a column of text, not a date column or a few right-aligned fields."""
    content = [s for s in side if not _is_heading(s, body)] or side
    if sum(bool(_DATE_LIKE_RE.search(s.text)) for s in content) >= 0.6 * len(content):
        return False
    # A column's lines start at a common left edge; right-aligned dates and places do not.
    starts = Counter(round(s.x0 / 4) for s in side).most_common(1)[0][1]
    ends = Counter(round(s.x1 / 4) for s in side).most_common(1)[0][1]
    return starts >= 0.5 * len(side) and starts >= ends


def find_gutter(segments: list[Segment], width: float) -> float | None:
    """The x of a vertical gutter splitting the page into two columns of text, or None.

    A gutter has at least three segments on each side and is crossed by the fewest segments, at most a
    quarter of them (a centred name, a full-width heading); among equally good positions the middle of
    the widest run is taken. Both sides must be columns (see _is_column)."""
    if len(segments) < 6:
        return None
    step = 2.0
    scored: list[tuple[float, int]] = []
    x = 0.12 * width
    while x <= 0.88 * width:
        left = sum(1 for s in segments if s.x1 <= x)
        right = sum(1 for s in segments if s.x0 >= x)
        crossing = len(segments) - left - right
        if left >= 3 and right >= 3 and crossing <= 0.25 * len(segments):
            scored.append((x, crossing))
        x += step
    if not scored:
        return None
    fewest = min(c for _, c in scored)
    runs: list[list[float]] = []
    for x, crossing in scored:
        if crossing != fewest:
            continue
        if runs and x - runs[-1][-1] <= step + 0.01:
            runs[-1].append(x)
        else:
            runs.append([x])
    run = max(runs, key=lambda r: r[-1] - r[0])
    gutter = (run[0] + run[-1]) / 2
    body = statistics.median(s.size for s in segments)
    left = [s for s in segments if s.x1 <= gutter]
    right = [s for s in segments if s.x0 >= gutter]
    if not (_is_column(left, body) and _is_column(right, body)):
        return None
    return gutter


def page_lines(segments: list[Segment], width: float) -> list[str]:
    """The page's lines in reading order, as described in the module docstring."""
    if not segments:
        return []
    gutter = find_gutter(segments, width)
    ordered: list[list[Segment]] = []  # lines of segments, in reading order
    if gutter is None:
        by_line: dict[int, list[Segment]] = {}
        for s in segments:
            by_line.setdefault(s.line, []).append(s)
        ordered = [sorted(by_line[n], key=lambda s: s.x0) for n in sorted(by_line)]
    else:
        band_left: dict[int, list[Segment]] = {}
        band_right: dict[int, list[Segment]] = {}

        def flush() -> None:
            # Lines of one side above the first line of the other (a name over the main column of a
            # sidebar layout) head the band and are read first.
            if band_left and band_right:
                first_left, first_right = min(band_left), min(band_right)
                later = band_left if first_left > first_right else band_right
                first = min(first_left, first_right)
                header = band_right if later is band_left else band_left
                for n in sorted(k for k in header if k < max(first_left, first_right) and k >= first):
                    ordered.append(sorted(header.pop(n), key=lambda s: s.x0))
            for side in (band_left, band_right):
                ordered.extend(sorted(side[n], key=lambda s: s.x0) for n in sorted(side))
                side.clear()

        for line in sorted({s.line for s in segments}):
            parts = [s for s in segments if s.line == line]
            crossing = [s for s in parts if s.x0 < gutter < s.x1]
            if crossing:
                flush()
                ordered.append(sorted(parts, key=lambda s: s.x0))
                continue
            for s in parts:
                (band_left if s.x0 < gutter else band_right).setdefault(line, []).append(s)
        flush()
    body = statistics.median(s.size for s in segments)
    out: list[str] = []
    previous: list[Segment] | None = None
    for line in ordered:
        text = " | ".join(s.text for s in line)
        heading = all(s.size >= 1.15 * body or s.bold for s in line) and len(text) <= 60
        gap = previous is not None and previous[0].bottom - line[0].top > 1.2 * body
        if out and (heading or gap) and out[-1] != "":
            out.append("")
        out.append(text)
        previous = line
    return out


_PAGE_REF_RE = re.compile(r"\bpage\s*\d+(?:\s*(?:of|/)\s*\d+)?|\b\d+\s*(?:of|/)\s*\d+\b", re.IGNORECASE)


def _edge_key(line: str) -> str:
    # Only the page number differs from page to page; other numbers are content ("Section 2").
    return _PAGE_REF_RE.sub("#", line.strip().lower())


def drop_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Remove lines repeated at the top or bottom of two or more pages (running headers and footers)."""
    if len(pages) < 2:
        return pages
    counts: Counter[str] = Counter()
    for lines in pages:
        content = [line for line in lines if line.strip()]
        counts.update({_edge_key(line) for line in content[:2] + content[-2:]})
    running = {key for key, n in counts.items() if n >= 2 and key}
    if not running:
        return pages
    out = []
    for lines in pages:
        content_idx = [i for i, line in enumerate(lines) if line.strip()]
        edges = set(content_idx[:2] + content_idx[-2:])
        out.append([line for i, line in enumerate(lines) if not (i in edges and _edge_key(line) in running)])
    return out


# Resumes are short; glyph-level reading costs ~0.1 s a page, so a long document's later pages are left
# to the caller's plain text and the parse stays well inside its time bound.
LAYOUT_MAX_PAGES = 12


def pdf_pages_text(data: bytes, *, max_pages: int = LAYOUT_MAX_PAGES) -> list[str]:
    """The text of each of the first ``max_pages`` pages, read by layout."""
    import logging

    from pdfminer.converter import PDFPageAggregator
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    # pdfminer warns about every font without a bounding box; the text is read all the same.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    resources = PDFResourceManager(caching=True)
    device = PDFPageAggregator(resources, laparams=None)
    interpreter = PDFPageInterpreter(resources, device)
    pages: list[list[str]] = []
    for page in PDFPage.get_pages(io.BytesIO(data), maxpages=max_pages):
        interpreter.process_page(page)
        layout = device.get_result()
        pages.append(page_lines(_segments(_lines(_glyphs(layout))), layout.width))
    return ["\n".join(lines) for lines in drop_running_lines(pages)]
