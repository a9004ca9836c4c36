"""Real documents for the tests and the benchmark: text PDFs written as PDF syntax (pypdf cannot lay out
text), DOCX files through python-docx, and hostile PDFs."""

from __future__ import annotations

import io
import zlib

RESUME_LINES = [
    "JANE DOE",
    "Senior Backend Engineer",
    "jane.doe@example.com | +44 20 7946 0958 | London, UK",
    "linkedin.com/in/janedoe | https://github.com/janedoe",
    "",
    "PROFESSIONAL SUMMARY",
    "Backend engineer with eight years of experience building distributed systems in Python and Go. I enjoy",
    "turning slow, fragile services into fast, observable ones.",
    "",
    "EXPERIENCE",
    "Senior Software Engineer, Acme Payments Ltd    Jan 2020 - Present",
    "- Led the migration of the ledger to PostgreSQL, cutting p99 latency by 40%",
    "- Mentored four engineers and ran the on-call rotation for the payments",
    "team",
    "Software Engineer | Globex Corporation | Berlin, Germany",
    "03/2016 - 12/2019",
    "- Built Kafka pipelines processing 2M events a day",
    "- Introduced CI/CD with GitHub Actions across twelve services",
    "",
    "EDUCATION",
    "University of Manchester",
    "BSc in Computer Science, 2012 - 2015",
    "",
    "SKILLS",
    "Languages: Python, Go, SQL",
    "Infrastructure: Docker, Kubernetes, AWS; Terraform",
    "",
    "CERTIFICATIONS",
    "AWS Certified Solutions Architect - Amazon Web Services, 2021",
    "",
    "LANGUAGES",
    "English (native), German (B2)",
]


def _pdf_string(text: str) -> bytes:
    data = text.encode("cp1252", "replace")
    return b"(" + data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _content_stream(lines: list[str]) -> bytes:
    ops = [b"BT", b"/F1 10 Tf", b"13 TL", b"56 790 Td"]
    for line in lines:
        ops.append(_pdf_string(line) + b" Tj T*")
    ops.append(b"ET")
    return b"\n".join(ops)


def make_pdf(pages: list[list[str]], *, compress: bool = False, extra_objects: list[bytes] | None = None) -> bytes:
    """A valid PDF 1.4 with one page per list of lines, set in Helvetica (a standard Type1 font)."""
    objects: list[bytes] = []  # objects[n - 1] is object number n

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in once the page tree exists
    pages_obj = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    kids = []
    for lines in pages:
        stream = _content_stream(lines)
        if compress:
            stream = zlib.compress(stream)
            content = add(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream")
        else:
            content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> >> "
                b"/Contents %d 0 R >>" % (pages_obj, font, content)
            )
        )
    for extra in extra_objects or []:
        add(extra)
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_obj
    objects[pages_obj - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )

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


def resume_pdf() -> bytes:
    return make_pdf([RESUME_LINES])


def multipage_pdf(count: int, *, lines_per_page: int = 45) -> bytes:
    pages = []
    for n in range(1, count + 1):
        lines = [f"Section {n}: delivery of the payments platform"]
        lines += [
            f"Line {i} of page {n}: designed, built and operated services handling millions of requests."
            for i in range(1, lines_per_page)
        ]
        lines.append(f"Page {n} of {count}")
        pages.append(lines)
    return make_pdf(pages, compress=True)


def encrypted_pdf(password: str = "s3cret") -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(resume_pdf())))
    writer.encrypt(user_password=password, owner_password=password, algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def flate_bomb_pdf(inflated_bytes: int = 1024 * 1024 * 1024) -> bytes:
    """One page whose content stream inflates from about a megabyte to ``inflated_bytes``."""
    compressor = zlib.compressobj(9)
    chunk = b" " * (4 * 1024 * 1024)
    parts = [compressor.compress(b"BT /F1 10 Tf 56 790 Td (boom) Tj ET\n")]
    for _ in range(inflated_bytes // len(chunk)):
        parts.append(compressor.compress(chunk))
    parts.append(compressor.flush())
    stream = b"".join(parts)
    pdf = make_pdf([["placeholder"]])
    # Swap the page's plain content stream for the compressed bomb.
    plain = _content_stream(["placeholder"])
    old = b"<< /Length %d >>\nstream\n" % len(plain) + plain
    new = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream
    pdf = pdf.replace(old, new)
    return _fix_xref(pdf)


def _fix_xref(pdf: bytes) -> bytes:
    """Recompute the xref table after objects changed size."""
    import re

    body_end = pdf.index(b"xref\n")
    body = pdf[:body_end]
    offsets = [m.start() for m in re.finditer(rb"(?m)^\d+ 0 obj\n", body)]
    count = len(offsets)
    out = bytearray(body)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (count + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (count + 1, body_end)
    return bytes(out)


def resume_docx() -> bytes:
    import docx

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "Maria Garcia"
    document.add_paragraph("Product Manager")
    document.add_paragraph("maria@garcia.dev | (415) 555-0132 | Austin, TX | www.mariagarcia.dev")
    document.add_heading("Summary", level=1)
    document.add_paragraph("Product manager who ships billing and growth products with small, data-informed teams.")
    document.add_heading("Work History", level=1)
    document.add_paragraph("Initech Inc.")
    document.add_paragraph("Senior Product Manager    June 2018 to Present")
    document.add_paragraph("Grew paid conversion by 12% with a redesigned checkout", style="List Bullet")
    document.add_paragraph("Ran discovery interviews with forty customers", style="List Bullet")
    document.add_paragraph("Data Analyst at Hooli (Sept 2015 - 2018)")
    document.add_paragraph("Built Tableau dashboards used by 300 people", style="List Bullet")
    document.add_heading("Education", level=1)
    document.add_paragraph("MBA, Harvard Business School, 2015")
    document.add_heading("Skills", level=1)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Product strategy, A/B testing"
    table.rows[0].cells[1].text = "SQL, Amplitude"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
