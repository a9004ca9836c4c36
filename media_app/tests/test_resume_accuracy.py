# ruff: noqa: RUF001 - resumes use en dashes in date ranges
"""The labelled resume corpus (media_app/tests/resumes): extraction + the built-in structurer keep at
least the accuracy measured by bench/resume_accuracy.py, and the layout reader keeps each layout's facts
where a reader sees them."""

import pytest

from juggy.ai.resume import parse_resume
from media_app.extraction import extract
from media_app.tests.resumes.score import GROUPS, HERE, corpus, run_corpus

# Measured 99.9 % of facts (1408/1410) and >= 99.7 % F1 per group; the floor leaves room for honest
# trade-offs, not for regressions.
FACT_ACCURACY_FLOOR = 0.97
GROUP_F1_FLOOR = 0.95


@pytest.fixture(scope="module")
def run():
    return run_corpus()


def test_corpus_is_large_and_varied():
    documents = corpus()
    assert len(documents) >= 40
    assert {fmt for _, fmt in documents} == {"pdf", "docx", "text"}
    assert sum(path.name.startswith("hand_") for path, _ in documents) >= 3


def test_fact_accuracy_floor(run):
    total = run.score.total()
    assert total.recall >= FACT_ACCURACY_FLOOR, run.score.misses
    assert total.precision >= FACT_ACCURACY_FLOOR, run.score.misses


@pytest.mark.parametrize("group", list(GROUPS))
def test_every_field_group_floor(run, group):
    assert run.score.group(group).f1 >= GROUP_F1_FLOOR, [m for m in run.score.misses if group in m or group == "contact"]


def _text(name):
    path = HERE / name
    return extract({".pdf": "pdf", ".docx": "docx", ".txt": "text"}[path.suffix], path.read_bytes(), max_pages=10)[0]


def test_sidebar_is_read_column_by_column_with_the_name_first():
    lines = [line for line in _text("gen_aurelie_sidebar.pdf").splitlines() if line]
    assert lines[0] == "Aurélie Dubois"
    # The sidebar's skills are not interleaved with the main column's entries.
    skills = lines.index("AREAS OF EXPERTISE")
    assert lines[skills + 1 : skills + 6] == ["Product strategy", "A/B testing", "SQL", "Amplitude", "Roadmapping"]
    assert "Senior Product Manager | 01/2020 - Current | Paris, France" in lines


def test_left_date_column_stays_with_its_entry_and_soft_hyphen_is_a_range():
    text = _text("gen_aurelie_datecol.pdf")
    assert "Jan. 2020 – Present | Senior Product Manager" in text  # "Jan. 2020\u00adPresent" in the PDF
    entry = parse_resume(text)["experience"][0]
    assert (entry["company"], entry["start_date"], entry["is_current"]) == ("Criteo", "2020-01", True)


def test_spaceless_words_icons_and_running_footer():
    text = _text("gen_hannah_spaceless.pdf")
    assert "Computational biologist working on protein structure prediction." in text
    assert "h.obrien@example.ac.uk | +44 131 496 0123 | Edinburgh, UK" in text  # icon glyphs dropped
    assert not any("\ue000" <= ch <= "\uf8ff" for ch in text)
    for name in [p.name for p, _ in corpus() if p.name.endswith("_multipage.pdf")]:
        multipage = _text(name)
        assert "Curriculum Vitae" not in multipage and "Page 1 of" not in multipage


def test_docx_text_box_and_table_cells_in_reading_order():
    textbox = _text("gen_chen_textbox.docx").splitlines()
    # The sidebar text box, right after the paragraph it is anchored in.
    assert textbox[:4] == ["Chen Wei", "Frontend Engineer", "Contact", "chen.wei@example.com"]  # the sidebar text box, right after the paragraph it is anchored in
    table = _text("gen_chen_table.docx")
    assert "08/2021 – Current | Frontend Engineer" in table.splitlines()


def test_referee_email_and_last_updated_line_are_not_the_candidates():
    resume = parse_resume(_text("hand_latex_twocol.txt"))
    assert resume["name"] == "Daniel Mercer"
    assert resume["contact"]["email"] == "daniel.mercer@example.com"
    assert resume["contact"]["location"] == "Boston, MA"
    assert resume["education"][0]["degree"] == "Master of Engineering"  # not "Cambridge, MA, USA"
    assert "DevOps" not in resume["skills"] and "AWS" in resume["skills"]
    assert resume["experience"][0]["company"] == "Google"
