# ruff: noqa: RUF001 - dashes as real resumes write them
"""Generate the labelled resume corpus: each person of people.py in several real-world layouts, as PDF,
DOCX or text, with the facts the resume states in a JSON file beside it.

    .venv/bin/python -m media_app.tests.resumes.generate

The PDFs are written as PDF syntax with positioned text (standard Helvetica faces, a WinAnsi encoding
extended with Polish letters and the soft hyphen, and an icon font whose glyphs map to the Unicode
private-use area), so the layouts are exact: two columns and sidebars, a left column of dates, words
placed without space characters, capitals and bold headings, running footers over several pages. The
expected facts come from people.py, never from the parser. Hand-written resumes (hand_*.txt) sit beside
the generated ones with hand-written JSON.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

from media_app.tests.resumes.people import PEOPLE

HERE = Path(__file__).resolve().parent
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
LANGUAGE_DE = {"German": "Deutsch", "English": "Englisch", "French": "Französisch", "Spanish": "Spanisch"}

# --- PDF writing -----------------------------------------------------------------------------------

_EXTRA_CODES = {"ł": 129, "Ł": 141, "ś": 143, "ń": 144, "ź": 157, "\u00ad": 173}
_ENCODING = (
    b"<< /Type /Encoding /BaseEncoding /WinAnsiEncoding /Differences "
    b"[129 /lslash 141 /Lslash 143 /sacute 144 /nacute 157 /zacute 173 /uni00AD] >>"
)
FONTS = {"R": "Helvetica", "B": "Helvetica-Bold", "I": "Helvetica-Oblique"}
ICONS = {"mail": "A", "phone": "B", "pin": "C", "link": "D"}


def _encode(text: str) -> bytes:
    out = bytearray()
    for ch in text:
        out += bytes([_EXTRA_CODES[ch]]) if ch in _EXTRA_CODES else ch.encode("cp1252")
    return bytes(out)


def width(text: str, font: str = "R", size: float = 10) -> float:
    from pdfminer.fontmetrics import FONT_METRICS

    metrics = FONT_METRICS[FONTS[font]][1]
    return sum(metrics.get(ch, 556) for ch in text) * size / 1000


def _pdf_string(text: str) -> bytes:
    data = _encode(text)
    return b"(" + data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


class Page:
    """Positioned text on an A4 page (595 x 842 points, origin bottom left)."""

    def __init__(self) -> None:
        self.ops: list[bytes] = []

    def text(self, x: float, y: float, text: str, *, font: str = "R", size: float = 10, spaces: bool = True) -> float:
        """Write ``text`` at (x, y); without ``spaces`` each word is placed on its own, as some PDF
        producers do. Returns the x where the text ends."""
        if spaces:
            self.ops.append(b"BT /F%s %g Tf %g %g Td %s Tj ET" % (font.encode(), size, x, y, _pdf_string(text)))
            return x + width(text, font, size)
        for word in text.split(" "):
            if word:
                self.ops.append(b"BT /F%s %g Tf %g %g Td %s Tj ET" % (font.encode(), size, x, y, _pdf_string(word)))
            x += width(word + " ", font, size)
        return x

    def right(self, x_end: float, y: float, text: str, *, font: str = "R", size: float = 10) -> None:
        self.text(x_end - width(text, font, size), y, text, font=font, size=size)

    def icon(self, x: float, y: float, name: str, size: float = 10) -> None:
        self.ops.append(b"BT /FX %g Tf %g %g Td (%s) Tj ET" % (size, x, y, ICONS[name].encode()))


def write_pdf(pages: list[Page]) -> bytes:
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog, tree = add(b""), add(b"")
    encoding = add(_ENCODING)
    fonts = {
        key: add(b"<< /Type /Font /Subtype /Type1 /BaseFont /%s /Encoding %d 0 R >>" % (name.encode(), encoding))
        for key, name in FONTS.items()
    }
    fonts["X"] = add(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /FontAwesome /FirstChar 65 /LastChar 68 /Widths [800 800 800 800] "
        b"/Encoding << /Type /Encoding /Differences [65 /uniF0E0 66 /uniF095 67 /uniF041 68 /uniF0C1] >> >>"
    )
    resources = b"<< /Font << %s >> >>" % b" ".join(b"/F%s %d 0 R" % (k.encode(), n) for k, n in fonts.items())
    kids = []
    for page in pages:
        stream = b"\n".join(page.ops)
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(
            add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources %s /Contents %d 0 R >>" % (tree, resources, content))
        )
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % tree
    objects[tree - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, catalog, xref))
    return out.getvalue()


class Flow:
    """Lines flowing down pages, a new page when one is full (with an optional running footer)."""

    def __init__(self, *, top: float = 790, bottom: float = 60, footer: str | None = None) -> None:
        self.pages = [Page()]
        self.top, self.bottom, self.footer = top, bottom, footer
        self.y = top

    @property
    def page(self) -> Page:
        return self.pages[-1]

    def down(self, amount: float) -> float:
        if self.y - amount < self.bottom:
            self.pages.append(Page())
            self.y = self.top
        else:
            self.y -= amount
        return self.y

    def done(self) -> bytes:
        if self.footer:
            for n, page in enumerate(self.pages, start=1):
                page.text(56, 30, self.footer, size=8)
                page.right(540, 30, f"Page {n} of {len(self.pages)}", size=8)
        return write_pdf(self.pages)


# --- Facts ---------------------------------------------------------------------------------------


def _ym(date: tuple[int, int] | None) -> str | None:
    return f"{date[0]}-{date[1]:02d}" if date else None


def facts(person: dict) -> dict:
    """What a reader takes from the resume, in the shape the bench compares."""
    return {
        "name": person["name"],
        "email": person["email"],
        "phone": person["e164"],
        "location": person["location"],
        "links": person["links"],
        "skills": person["skills"],
        "experience": [
            {
                "title": job["title"],
                "company": job["company"],
                "location": job["location"],
                "start_date": _ym(job["start"]),
                "end_date": _ym(job["end"]),
                "is_current": job["end"] is None,
            }
            for job in person["experience"]
        ],
        "education": [
            {"institution": e["institution"], "degree": e["degree"], "field_of_study": e["field"], "end_date": str(e["end"])}
            for e in person["education"]
        ],
        "languages": [name for name, _ in person["languages"]],
        "certifications": [name for name, _, _ in person["certifications"]],
    }


def date(d: tuple[int, int] | None, style: str, lang: str = "en") -> str:
    if d is None:
        return {"de": "heute"}.get(lang, {"num": "Current"}.get(style, "Present"))
    year, month = d
    if style == "mon":
        return f"{MONTHS[month - 1][:3]} {year}"
    if style == "dot":
        name = MONTHS[month - 1]
        return f"{name[:3]}. {year}" if len(name) > 4 else f"{name} {year}"
    if style == "full":
        return f"{MONTHS[month - 1]} {year}"
    return f"{month:02d}/{year}"


def span(job: dict, style: str, sep: str = " – ", lang: str = "en") -> str:
    return f"{date(job['start'], style, lang)}{sep}{date(job['end'], style, lang)}"


HEADINGS = {
    "en": {"summary": "Summary", "experience": "Experience", "education": "Education", "skills": "Skills",
           "languages": "Languages", "certifications": "Certifications", "contact": "Contact"},
    "de": {"summary": "Profil", "experience": "Berufserfahrung", "education": "Ausbildung", "skills": "Kenntnisse",
           "languages": "Sprachen", "certifications": "Zertifikate", "contact": "Kontakt"},
}


def heads(person: dict, **overrides: str) -> dict:
    return {**HEADINGS[person["lang"]], **(overrides if person["lang"] == "en" else {})}


def lang_line(person: dict, name: str, level: str) -> str:
    return f"{LANGUAGE_DE.get(name, name) if person['lang'] == 'de' else name} ({level})"


def degree_text(e: dict, sep: str = " in ") -> str:
    return f"{e['degree']}{sep}{e['field']}" if e["field"] else e["degree"]


def cert_text(cert: tuple) -> str:
    name, issuer, year = cert
    return f"{name} – {issuer}, {year}"


def bare_link(url: str) -> str:
    return url.removeprefix("https://").removeprefix("www.")


# --- Layouts ---------------------------------------------------------------------------------------


def classic_pdf(p: dict) -> bytes:
    """One column, capitals headings in bold, "Title, Company, City" with a right-aligned date range."""
    h = heads(p, experience="Work Experience", skills="Technical Skills")
    f = Flow()
    f.page.text(56, f.y, p["name"].upper(), font="B", size=20)
    f.page.text(56, f.down(18), p["headline"], size=11)
    f.page.text(56, f.down(14), f"{p['email']} | {p['phone']} | {p['location']}", size=9)
    if p["links"]:
        f.page.text(56, f.down(12), " | ".join(bare_link(u) for u in p["links"]), size=9)

    def heading(key: str) -> None:
        f.down(22)
        f.page.text(56, f.y, h[key].upper(), font="B", size=11)
        f.down(4)

    heading("summary")
    f.page.text(56, f.down(13), p["summary"])
    heading("experience")
    for job in p["experience"]:
        y = f.down(15)
        f.page.text(56, y, f"{job['title']}, {job['company']}, {job['location']}", font="B")
        f.page.right(540, y, span(job, "mon", lang=p["lang"]))
        for item in job["highlights"]:
            f.page.text(66, f.down(13), f"• {item}")
    heading("education")
    for e in p["education"]:
        y = f.down(15)
        f.page.text(56, y, f"{degree_text(e)}, {e['institution']}", font="B")
        f.page.right(540, y, f"{e['start']} – {e['end']}")
    heading("skills")
    f.page.text(56, f.down(13), ", ".join(p["skills"]))
    heading("languages")
    f.page.text(56, f.down(13), ", ".join(lang_line(p, n, lv) for n, lv in p["languages"]))
    if p["certifications"]:
        heading("certifications")
        for cert in p["certifications"]:
            f.page.text(56, f.down(13), cert_text(cert))
    return f.done()


def sidebar_pdf(p: dict) -> bytes:
    """A left sidebar (contact, skills, languages) beside the main column; the company on its own line
    in bold, then "Title | dates"."""
    h = heads(p, experience="Work History", summary="Profile", skills="Areas of Expertise")
    page = Page()
    page.text(210, 790, p["name"], font="B", size=22)
    page.text(210, 770, p["headline"], size=12)
    y = 730
    page.text(36, y, h["contact"].upper(), font="B", size=11)
    for line in [p["email"], p["phone"], p["location"], *(bare_link(u) for u in p["links"])]:
        y -= 13
        page.text(36, y, line, size=8)
    y -= 26
    page.text(36, y, h["skills"].upper(), font="B", size=11)
    for skill in p["skills"]:
        y -= 13
        page.text(36, y, skill, size=9)
    y -= 26
    page.text(36, y, h["languages"].upper(), font="B", size=11)
    for name, level in p["languages"]:
        y -= 13
        page.text(36, y, lang_line(p, name, level), size=9)
    if p["certifications"]:
        y -= 26
        page.text(36, y, h["certifications"].upper(), font="B", size=11)
        for cert in p["certifications"]:
            y -= 13
            page.text(36, y, cert[0], size=8)
            y -= 11
            page.text(36, y, f"{cert[1]}, {cert[2]}", size=8)
    y = 730
    page.text(210, y, h["summary"], font="B", size=13)
    y -= 15
    page.text(210, y, p["summary"], size=9)
    y -= 30
    page.text(210, y, h["experience"], font="B", size=13)
    for job in p["experience"]:
        y -= 18
        page.text(210, y, job["company"], font="B", size=10)
        y -= 13
        page.text(210, y, f"{job['title']} | {span(job, 'num', ' - ', p['lang'])} | {job['location']}", font="I", size=9)
        for item in job["highlights"]:
            y -= 12
            page.text(218, y, f"• {item}", size=8)
    y -= 30
    page.text(210, y, h["education"], font="B", size=13)
    for e in p["education"]:
        y -= 18
        page.text(210, y, e["institution"], font="B", size=10)
        y -= 13
        page.text(210, y, f"{degree_text(e, ', ')} | {e['start']} - {e['end']}", size=9)
    return write_pdf([page])


def datecol_pdf(p: dict) -> bytes:
    """A left column of dates beside each entry: title on the date's line, then company and city."""
    h = heads(p, experience="Professional Experience", skills="Strengths")
    f = Flow()
    f.page.text(150, f.y, p["name"], font="B", size=18)
    f.page.text(150, f.down(16), f"{p['location']} · {p['phone']} · {p['email']}", size=9)
    for url in p["links"]:
        f.page.text(150, f.down(12), bare_link(url), size=9)

    def heading(key: str) -> None:
        f.down(26)
        f.page.text(56, f.y, h[key], font="B", size=13)
        f.down(4)

    heading("summary")
    f.page.text(150, f.down(13), p["summary"], size=9)
    heading("experience")
    for job in p["experience"]:
        y = f.down(16)
        f.page.text(56, y, span(job, "dot", "\u00ad", p["lang"]), size=9)
        f.page.text(150, y, job["title"], font="B")
        f.page.text(150, f.down(12), f"{job['company']}, {job['location']}", font="I", size=9)
        for item in job["highlights"]:
            f.page.text(158, f.down(12), f"- {item}", size=9)
    heading("education")
    for e in p["education"]:
        y = f.down(16)
        f.page.text(56, y, f"{e['start']} – {e['end']}", size=9)
        f.page.text(150, y, e["institution"], font="B")
        f.page.text(150, f.down(12), degree_text(e), size=9)
    heading("skills")
    f.page.text(150, f.down(13), " · ".join(p["skills"]), size=9)
    heading("languages")
    for name, level in p["languages"]:
        f.page.text(150, f.down(12), lang_line(p, name, level), size=9)
    if p["certifications"]:
        heading("certifications")
        for cert in p["certifications"]:
            f.page.text(56, f.down(12), str(cert[2]), size=9)
            f.page.text(150, f.y, f"{cert[0]} ({cert[1]})", size=9)
    return f.done()


def spaceless_pdf(p: dict) -> bytes:
    """Words placed one by one without space characters (as some LaTeX and design tools write them),
    icon-font glyphs before the contact details, "Company | Title" entries, and the current job under
    its own heading before "Previous Experience"."""
    h = heads(p)
    f = Flow()
    f.page.text(56, f.y, p["name"], font="B", size=20, spaces=False)
    f.page.text(56, f.down(18), p["headline"], size=11, spaces=False)
    x = 56.0
    y = f.down(16)
    for icon, value in (("mail", p["email"]), ("phone", p["phone"]), ("pin", p["location"])):
        f.page.icon(x, y, icon, size=9)
        x = f.page.text(x + 12, y, value, size=9, spaces=False) + 14
    for url in p["links"]:
        y = f.down(12)
        f.page.icon(56, y, "link", size=9)
        f.page.text(68, y, bare_link(url), size=9, spaces=False)

    def heading(title: str) -> None:
        f.down(24)
        f.page.text(56, f.y, title.upper(), font="B", size=12, spaces=False)
        f.down(4)

    def job_lines(job: dict) -> None:
        y = f.down(15)
        f.page.text(56, y, f"{job['company']} | {job['title']}", font="B", spaces=False)
        f.page.right(540, y, job["location"], font="I", size=9)
        f.page.text(56, f.down(12), span(job, "full", " to ", p["lang"]), font="I", size=9, spaces=False)
        for item in job["highlights"]:
            f.page.text(66, f.down(12), f"• {item}", size=9, spaces=False)

    heading(h["summary"])
    f.page.text(56, f.down(13), p["summary"], spaces=False)
    if p["lang"] == "en":
        heading("Current Position")
        job_lines(p["experience"][0])
        heading("Previous Experience")
        for job in p["experience"][1:]:
            job_lines(job)
    else:
        heading(h["experience"])
        for job in p["experience"]:
            job_lines(job)
    heading(h["education"])
    for e in p["education"]:
        y = f.down(15)
        f.page.text(56, y, e["institution"], font="B", spaces=False)
        f.page.right(540, y, str(e["end"]), size=9)
        f.page.text(56, f.down(12), degree_text(e), size=9, spaces=False)
    heading(h["skills"])
    f.page.text(56, f.down(13), ", ".join(p["skills"]), spaces=False)
    heading(h["languages"])
    f.page.text(56, f.down(13), ", ".join(lang_line(p, n, lv) for n, lv in p["languages"]), spaces=False)
    if p["certifications"]:
        heading(h["certifications"])
        for cert in p["certifications"]:
            f.page.text(56, f.down(13), cert_text(cert), spaces=False)
    return f.done()


def multipage_pdf(p: dict) -> bytes:
    """Two pages with a running footer: title line, "Company, City" line, a dates line, long bullets."""
    h = heads(p, experience="Employment History", skills="Skills & Tools")
    f = Flow(footer=f"{p['name']} – Curriculum Vitae", top=780, bottom=70)
    f.page.text(56, f.y, p["name"], font="B", size=18)
    f.page.text(56, f.down(16), p["headline"], font="I", size=11)
    f.page.text(56, f.down(14), f"Email: {p['email']}", size=9)
    f.page.text(56, f.down(12), f"Phone: {p['phone']}", size=9)
    f.page.text(56, f.down(12), f"Address: {p['location']}", size=9)
    for url in p["links"]:
        f.page.text(56, f.down(12), url, size=9)

    def heading(title: str) -> None:
        f.down(26)
        f.page.text(56, f.y, title, font="B", size=14)
        f.down(6)

    heading(h["summary"])
    f.page.text(56, f.down(13), p["summary"])
    heading(h["experience"])
    filler = "Worked closely with colleagues across teams on planning, delivery and review of the work"
    for job in p["experience"]:
        f.page.text(56, f.down(16), job["title"], font="B", size=11)
        f.page.text(56, f.down(13), f"{job['company']}, {job['location']}")
        f.page.text(56, f.down(13), span(job, "num", " - ", p["lang"]), font="I", size=9)
        for item in [*job["highlights"], filler, filler.replace("Worked", "Collaborated")]:
            f.page.text(66, f.down(13), f"• {item}", size=9)
        for _ in range(14):
            f.down(13)  # white space that pushes later sections onto the next page
    heading(h["education"])
    for e in p["education"]:
        f.page.text(56, f.down(16), degree_text(e), font="B")
        f.page.text(56, f.down(13), f"{e['institution']} ({e['start']} – {e['end']})")
    heading(h["skills"])
    f.page.text(56, f.down(13), ", ".join(p["skills"]))
    heading(h["languages"])
    for name, level in p["languages"]:
        f.page.text(56, f.down(13), f"• {lang_line(p, name, level)}")
    if p["certifications"]:
        heading(h["certifications"])
        for cert in p["certifications"]:
            f.page.text(56, f.down(13), f"• {cert_text(cert)}")
    return f.done()


def _docx_bytes(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def paragraphs_docx(p: dict) -> bytes:
    """A Word document of headings and paragraphs: "Title at Company" with "(dates)", list bullets."""
    import docx

    h = heads(p, experience="Employment", summary="Professional Summary")
    d = docx.Document()
    d.add_heading(p["name"], level=0)
    d.add_paragraph(p["headline"])
    d.add_paragraph(f"{p['email']} • {p['phone']} • {p['location']}")
    if p["links"]:
        d.add_paragraph(" • ".join(p["links"]))
    d.add_heading(h["summary"], level=1)
    d.add_paragraph(p["summary"])
    d.add_heading(h["experience"], level=1)
    for job in p["experience"]:
        d.add_paragraph(f"{job['title']} at {job['company']}, {job['location']} ({span(job, 'mon', ' - ', p['lang'])})")
        for item in job["highlights"]:
            d.add_paragraph(item, style="List Bullet")
    d.add_heading(h["education"], level=1)
    for e in p["education"]:
        d.add_paragraph(f"{e['institution']} — {degree_text(e)}, {e['end']}")
    d.add_heading(h["skills"], level=1)
    d.add_paragraph(", ".join(p["skills"]))
    d.add_heading(h["languages"], level=1)
    for name, level in p["languages"]:
        d.add_paragraph(lang_line(p, name, level), style="List Bullet")
    if p["certifications"]:
        d.add_heading(h["certifications"], level=1)
        for cert in p["certifications"]:
            d.add_paragraph(f"{cert[0]} ({cert[1]}) {cert[2]}")
    return _docx_bytes(d)


def table_docx(p: dict) -> bytes:
    """A table-based Word resume: a dates cell beside each entry's cell (title, company and city,
    bullets), skills and languages as category rows."""
    import docx

    h = heads(p, experience="Experience", skills="Skills")
    d = docx.Document()
    d.add_paragraph(p["name"]).runs[0].bold = True
    d.add_paragraph(p["headline"])
    contact = d.add_table(rows=1, cols=3)
    contact.rows[0].cells[0].text = p["email"]
    contact.rows[0].cells[1].text = p["phone"]
    contact.rows[0].cells[2].text = p["location"]
    for url in p["links"]:
        d.add_paragraph(url)
    d.add_heading(h["experience"].upper(), level=2)
    table = d.add_table(rows=0, cols=2)
    for job in p["experience"]:
        left, right = table.add_row().cells
        left.text = span(job, "num", " – ", p["lang"])
        right.text = job["title"]
        right.add_paragraph(f"{job['company']} | {job['location']}")
        for item in job["highlights"]:
            right.add_paragraph(item, style="List Bullet")
    d.add_heading(h["education"].upper(), level=2)
    table = d.add_table(rows=0, cols=2)
    for e in p["education"]:
        left, right = table.add_row().cells
        left.text = f"{e['start']} – {e['end']}"
        right.text = e["institution"]
        right.add_paragraph(degree_text(e))
    d.add_heading(h["skills"].upper(), level=2)
    table = d.add_table(rows=0, cols=2)
    left, right = table.add_row().cells
    left.text = "Core" if p["lang"] == "en" else "Fachlich"
    right.text = ", ".join(p["skills"])
    d.add_heading(h["languages"].upper(), level=2)
    d.add_paragraph(", ".join(lang_line(p, n, lv) for n, lv in p["languages"]))
    if p["certifications"]:
        d.add_heading(h["certifications"].upper(), level=2)
        for cert in p["certifications"]:
            d.add_paragraph(cert_text(cert))
    return _docx_bytes(d)


def _textbox(paragraph, lines: list[str]) -> None:
    """A VML text box anchored in ``paragraph`` holding ``lines`` (how older Word templates draw a sidebar)."""
    from docx.oxml import parse_xml

    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:v="urn:schemas-microsoft-com:vml"'
    body = "".join(f"<w:p><w:r><w:t xml:space=\"preserve\">{_xml(line)}</w:t></w:r></w:p>" for line in lines)
    run = parse_xml(
        f'<w:r {ns}><w:pict><v:shape style="position:absolute;width:150pt;height:600pt">'
        f"<v:textbox><w:txbxContent>{body}</w:txbxContent></v:textbox></v:shape></w:pict></w:r>"
    )
    paragraph._p.append(run)


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def textbox_docx(p: dict) -> bytes:
    """A sidebar in a text box (contact, skills, languages), the body with "Company — Title" entries."""
    import docx

    h = heads(p, skills="Key Skills", experience="Career History")
    d = docx.Document()
    d.add_heading(p["name"], level=0)
    anchor = d.add_paragraph(p["headline"])
    side = [h["contact"], p["email"], p["phone"], p["location"], *p["links"], "", h["skills"], *p["skills"], "", h["languages"]]
    side += [lang_line(p, n, lv) for n, lv in p["languages"]]
    _textbox(anchor, side)
    d.add_heading(h["experience"], level=1)
    for job in p["experience"]:
        d.add_paragraph(f"{job['company']} — {job['title']}")
        d.add_paragraph(f"{job['location']}, {span(job, 'mon', ' – ', p['lang'])}")
        for item in job["highlights"]:
            d.add_paragraph(item, style="List Bullet")
    d.add_heading(h["education"], level=1)
    for e in p["education"]:
        d.add_paragraph(f"{degree_text(e)}, {e['institution']}, {e['start']}–{e['end']}")
    if p["certifications"]:
        d.add_heading(h["certifications"], level=1)
        for cert in p["certifications"]:
            d.add_paragraph(cert_text(cert))
    return _docx_bytes(d)


def bare_text(p: dict) -> bytes:
    """A bare-text CV: "Name:" fields, "Title - Company, City" entries with a dates line."""
    h = heads(p, experience="Work History")
    lines = [f"Name: {p['name']}", f"E-mail: {p['email']}", f"Tel: {p['phone']}", f"Location: {p['location']}"]
    lines += [f"Web: {u}" for u in p["links"]]
    lines += ["", h["summary"].upper(), p["summary"], "", h["experience"].upper()]
    for job in p["experience"]:
        lines += [f"{job['title']} - {job['company']}, {job['location']}", span(job, "num", " - ", p["lang"])]
        lines += [f"* {item}" for item in job["highlights"]]
        lines.append("")
    lines.append(h["education"].upper())
    for e in p["education"]:
        lines += [f"{e['institution']}, {e['start']}-{e['end']}", degree_text(e, ", ")]
    lines += ["", f"{h['skills'].upper()}: {', '.join(p['skills'])}"]
    lines += [f"{h['languages'].upper()}: {', '.join(lang_line(p, n, lv) for n, lv in p['languages'])}"]
    if p["certifications"]:
        lines += ["", h["certifications"].upper(), *(cert_text(c) for c in p["certifications"])]
    return ("\n".join(lines) + "\n").encode()


LAYOUTS = {
    "classic": ("pdf", classic_pdf),
    "sidebar": ("pdf", sidebar_pdf),
    "datecol": ("pdf", datecol_pdf),
    "spaceless": ("pdf", spaceless_pdf),
    "multipage": ("pdf", multipage_pdf),
    "paragraphs": ("docx", paragraphs_docx),
    "table": ("docx", table_docx),
    "textbox": ("docx", textbox_docx),
    "bare": ("txt", bare_text),
}


def plan() -> list[tuple[dict, str]]:
    """Each person in four layouts, rotating through all of them so every layout meets varied people."""
    names = list(LAYOUTS)
    out = []
    for i, person in enumerate(PEOPLE):
        for k in range(4):
            out.append((person, names[(i * 4 + k) % len(names)]))
    return out


def main() -> None:
    for old in HERE.glob("gen_*"):
        old.unlink()
    for person, layout in plan():
        ext, render = LAYOUTS[layout]
        stem = f"gen_{person['slug']}_{layout}"
        (HERE / f"{stem}.{ext}").write_bytes(render(person))
        (HERE / f"{stem}.json").write_text(json.dumps(facts(person), indent=2, ensure_ascii=False) + "\n")
    print(f"{len(plan())} resumes written to {HERE}")


if __name__ == "__main__":
    main()
