"""Resume structuring accuracy (not a test): per-field precision, recall and F1 over the labelled corpus
in media_app/tests/resumes/, the total fact accuracy, and the time per document and per page.

    .venv/bin/python bench/resume_accuracy.py [--misses]

Each resume goes through what production runs: layout-aware extraction (media_app.extraction.extract,
in-process here) and the built-in structurer (juggy.ai.resume.parse_resume). The anchor, in the same
run, is the same structurer over pypdf's plain text (no layout reading), the extraction before this
work. Targets: >= 95 % of facts, >= 90 % F1 on every field group, structuring well under a second a page.
"""

import argparse
import os
import sys
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "juggy.settings")
os.environ.setdefault("DEBUG", "1")

import django

django.setup()

from media_app.tests.resumes.score import GROUPS, run_corpus  # noqa: E402


def report(title: str, run, *, misses: bool) -> None:
    score = run.score
    total = score.total()
    print(f"\n== {title}: {run.documents} resumes, {run.pages} pages")
    print(f"{'field':32} {'precision':>9} {'recall':>7} {'F1':>6} {'tp':>5} {'fp':>4} {'fn':>4}")
    for group, names in GROUPS.items():
        for name in names:
            c = score.fields[name]
            print(f"  {name:30} {c.precision:9.1%} {c.recall:7.1%} {c.f1:6.1%} {c.tp:5} {c.fp:4} {c.fn:4}")
        g = score.group(group)
        print(f"{'[' + group + ']':32} {g.precision:9.1%} {g.recall:7.1%} {g.f1:6.1%} {g.tp:5} {g.fp:4} {g.fn:4}")
    print(
        f"fact accuracy {total.recall:.1%} ({total.tp}/{total.tp + total.fn} facts), precision {total.precision:.1%}, "
        f"F1 {total.f1:.1%}"
    )
    print(
        f"time: extraction {run.extract_seconds / run.documents * 1000:.1f} ms/document, structuring "
        f"{run.structure_seconds / run.documents * 1000:.1f} ms/document ({run.structure_seconds / run.pages * 1000:.1f} ms/page)"
    )
    if misses:
        for line in score.misses:
            print("  miss:", line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list every wrong or missing fact")
    args = parser.parse_args()
    report("layout-aware extraction + built-in structurer", run_corpus(), misses=args.misses)
    # Anchor: the same structurer over pypdf's plain text, as before layout reading.
    with mock.patch("media_app.layout.pdf_pages_text", side_effect=RuntimeError("anchor: no layout reading")):
        report("anchor: pypdf plain text + built-in structurer", run_corpus(), misses=False)


if __name__ == "__main__":
    main()
