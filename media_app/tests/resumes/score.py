"""Score structured resumes against the labelled corpus beside this file (used by bench/resume_accuracy.py
and by the test that pins the accuracy floor).

A fact is one field of one resume: the name, the email, an experience entry's company, one skill. Each
resume's JSON lists the facts a careful reader takes from it. Predicted entries are aligned with the
expected ones (best agreement on company, title and start); then, per field:

- true positive: the expected value was found (compared case-, accent-form- and punctuation-insensitively;
  phones by digits, links without scheme and "www.");
- false negative: an expected value missing or wrong; false positive: a predicted value that is wrong or
  not expected (a category label left in the skills, a referee's email, an invented entry).

Fact accuracy is true positives over expected facts; precision, recall and F1 are given per field and per
field group.
"""

from __future__ import annotations

import json
import re
import time
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
FORMATS = {".pdf": "pdf", ".docx": "docx", ".txt": "text"}

GROUPS = {
    "contact": ["name", "email", "phone", "location"],
    "experience": [f"experience.{f}" for f in ("title", "company", "location", "start_date", "end_date", "is_current")],
    "education": [f"education.{f}" for f in ("institution", "degree", "field_of_study", "end_date")],
    "skills": ["skills"],
    "other": ["languages", "certifications", "links"],
}
ENTRY_FIELDS = {
    "experience": ("title", "company", "location", "start_date", "end_date", "is_current"),
    "education": ("institution", "degree", "field_of_study", "end_date"),
}


def norm(value, kind: str = "") -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return str(value)
    text = unicodedata.normalize("NFKC", str(value)).casefold()
    if kind == "phone":
        return re.sub(r"\D", "", text).lstrip("0") or None
    if kind == "link":
        text = re.sub(r"^(?:https?://)?(?:www\.)?", "", text).rstrip("/")
    text = re.sub(r"[^\w+#/@.]+", " ", text)
    return re.sub(r"\s+", " ", text).strip(" .") or None


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Score:
    fields: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    misses: list[str] = field(default_factory=list)

    def scalar(self, name: str, expected, predicted, kind: str = "", where: str = "") -> None:
        e, p = norm(expected, kind), norm(predicted, kind)
        c = self.fields[name]
        if e is not None and e == p:
            c.tp += 1
            return
        if e is not None:
            c.fn += 1
        if p is not None:
            c.fp += 1
        if e is not None or p is not None:
            self.misses.append(f"{where}{name}: expected {expected!r}, got {predicted!r}")

    def items(self, name: str, expected: list, predicted: list, kind: str = "", where: str = "") -> None:
        e = {norm(v, kind) for v in expected} - {None}
        p = {norm(v, kind) for v in predicted} - {None}
        c = self.fields[name]
        c.tp += len(e & p)
        c.fn += len(e - p)
        c.fp += len(p - e)
        if e != p:
            self.misses.append(f"{where}{name}: missing {sorted(e - p)}, extra {sorted(p - e)}")

    def entries(self, section: str, expected: list[dict], predicted: list[dict], where: str = "") -> None:
        names = ENTRY_FIELDS[section]
        free = list(range(len(predicted)))
        for exp in expected:
            best, best_agree = None, 0
            for i in free:
                agree = sum(norm(exp.get(f)) is not None and norm(exp.get(f)) == norm(predicted[i].get(f)) for f in names[:4])
                if agree > best_agree:
                    best, best_agree = i, agree
            got = {}
            if best is not None:
                free.remove(best)
                got = predicted[best]
            for f in names:
                self.scalar(f"{section}.{f}", exp.get(f), got.get(f), where=f"{where}{section}[{exp.get(names[1])}] ")
        for i in free:
            for f in names:
                if f != "is_current":
                    self.scalar(f"{section}.{f}", None, predicted[i].get(f), where=f"{where}{section}[extra] ")

    def group(self, name: str) -> Counts:
        total = Counts()
        for f in GROUPS[name]:
            total.add(self.fields[f])
        return total

    def total(self) -> Counts:
        total = Counts()
        for c in self.fields.values():
            total.add(c)
        return total


def score_resume(score: Score, expected: dict, resume: dict, where: str = "") -> None:
    contact = resume.get("contact") or {}
    score.scalar("name", expected["name"], resume.get("name"), where=where)
    score.scalar("email", expected["email"], contact.get("email"), where=where)
    score.scalar("phone", expected["phone"], contact.get("phone"), kind="phone", where=where)
    score.scalar("location", expected["location"], contact.get("location"), where=where)
    score.entries("experience", expected["experience"], resume.get("experience") or [], where=where)
    score.entries("education", expected["education"], resume.get("education") or [], where=where)
    score.items("skills", expected["skills"], resume.get("skills") or [], where=where)
    score.items("languages", expected["languages"], [x["language"] for x in resume.get("languages") or []], where=where)
    score.items("certifications", expected["certifications"], [x["name"] for x in resume.get("certifications") or []], where=where)
    score.items("links", expected["links"], [x["url"] for x in resume.get("links") or []], kind="link", where=where)


def corpus() -> list[tuple[Path, str]]:
    """(document, format) for every labelled resume: a document with a JSON of the same stem beside it."""
    out = []
    for path in sorted(HERE.iterdir()):
        if path.suffix in FORMATS and path.with_suffix(".json").exists():
            out.append((path, FORMATS[path.suffix]))
    return out


@dataclass
class Run:
    score: Score
    documents: int
    pages: int
    extract_seconds: float
    structure_seconds: float


def run_corpus(structure=None) -> Run:
    """Extract (in-process, as the sandboxed child does) and structure every resume of the corpus."""
    from juggy.ai.resume import parse_resume
    from media_app.extraction import extract

    structure = structure or parse_resume
    score = Score()
    pages = 0
    extract_seconds = structure_seconds = 0.0
    documents = corpus()
    for path, doc_format in documents:
        started = time.perf_counter()
        text, page_count = extract(doc_format, path.read_bytes(), max_pages=50)
        extracted = time.perf_counter()
        resume = structure(text)
        structure_seconds += time.perf_counter() - extracted
        extract_seconds += extracted - started
        pages += page_count or 1
        score_resume(score, json.loads(path.with_suffix(".json").read_text()), resume, where=f"{path.name}: ")
    return Run(score, len(documents), pages, extract_seconds, structure_seconds)
