"""Analysis: sufficiency, verbatim evidence, scores that move with answer quality."""

import pytest

from juggy.ai import Analysis, CompetencyScore, Evidence, Turn, get_engine
from juggy.ai.engine import recommendation_for
from juggy.ai.engine.evidence import verify_evidence
from juggy.ai.heuristics.text import normalise_space
from juggy.ai.tests.samples import BACKEND, ENTERPRISE, GOOD_ANSWERS, THIN_ANSWER
from juggy.ai.tests.test_interview import run


@pytest.fixture
def engine(settings):
    settings.AI_PROVIDER = "builtin"
    return get_engine()


def quotes_are_verbatim(analysis: Analysis, transcript: list[Turn]) -> None:
    for comp in analysis.competencies:
        for ev in comp.evidence:
            turn = transcript[ev.turn_index]
            assert turn.role == "candidate"
            assert normalise_space(ev.quote) in normalise_space(turn.text)


def test_too_short_transcript_is_not_scored(engine):
    plan = engine.plan(BACKEND)
    transcript = [Turn("interviewer", plan.questions[0].text), Turn("candidate", "Hi, I am Sam, a backend engineer.")]
    analysis = engine.analyse(BACKEND, plan, transcript)
    assert not analysis.sufficient and analysis.overall_score is None and analysis.recommendation is None
    assert analysis.competencies == [] and "Not enough to judge" in analysis.summary and "7 words" in analysis.summary


def test_good_interview_scores_higher_than_thin_one_with_verbatim_evidence(engine):
    plan, good_transcript, _ = run(engine, BACKEND, good=True)
    good = engine.analyse(BACKEND, plan, good_transcript)
    assert good.sufficient and good.provider == "builtin"
    quotes_are_verbatim(good, good_transcript)
    assert any(c.evidence for c in good.competencies)

    weak_answer = (
        "Well, um, I mean I guess I worked on some backend stuff, you know, like APIs and things, and it was "
        "basically fine, sort of, I don't remember the details really but we got it done eventually somehow."
    )
    transcript = [t if t.role == "interviewer" else Turn("candidate", weak_answer) for t in good_transcript]
    weak = engine.analyse(BACKEND, plan, transcript)
    assert weak.sufficient
    quotes_are_verbatim(weak, transcript)
    assert good.overall_score > weak.overall_score + 1
    by_key = {c.competency: c.score for c in weak.competencies}
    for comp in good.competencies:
        assert comp.score >= by_key[comp.competency]
        assert 1 <= comp.score <= 5 and comp.rationale
    assert good.recommendation in ("strong_hire", "hire") and weak.recommendation in ("no_hire", "lean_no_hire")
    assert any("filler" in s.lower() for s in weak.improvements)
    assert (good.strengths and not good.improvements) or len(good.improvements) < len(weak.improvements)


def test_scores_move_with_each_answer(engine):
    plan, transcript, _ = run(engine, BACKEND, good=True)
    base = engine.analyse(BACKEND, plan, transcript)
    # Replace only the behavioural answer with a thin one: only that competency should drop.
    behavioural = next(q for q in plan.questions if q.kind == "behavioural")
    idx = next(i for i, t in enumerate(transcript) if t.role == "interviewer" and behavioural.text in t.text) + 1
    changed = list(transcript)
    changed[idx] = Turn("candidate", THIN_ANSWER)
    worse = engine.analyse(BACKEND, plan, changed)
    before = {c.competency: c.score for c in base.competencies}
    after = {c.competency: c.score for c in worse.competencies}
    assert after[behavioural.competency] < before[behavioural.competency]
    assert after["role_knowledge"] == before["role_knowledge"]


def test_enterprise_analysis_scores_the_template_competencies(engine):
    plan, transcript, _ = run(engine, ENTERPRISE, good=True)
    analysis = engine.analyse(ENTERPRISE, plan, transcript)
    assert [c.competency for c in analysis.competencies] == ["leadership", "customer_focus"]
    assert [c.name for c in analysis.competencies] == ["Leadership", "Customer focus"]


def test_invented_and_misattributed_quotes():
    transcript = [
        Turn("interviewer", "Tell me about a project."),
        Turn("candidate", "I   rebuilt the billing\nservice in Go and cut costs by 30%."),
        Turn("interviewer", "What did you learn from the rollout?"),
        Turn("candidate", "We should have load tested earlier."),
    ]
    score = CompetencyScore(
        "experience",
        "Experience",
        4,
        "ok",
        [
            Evidence("I rebuilt the billing service in Go", 1),  # whitespace differs: kept
            Evidence("cut costs by 30%", 3),  # real, but in turn 1: kept with the right index
            Evidence("I single-handedly saved the company", 1),  # invented: dropped
            Evidence("What did you learn from the rollout?", 2),  # the interviewer's words: dropped
            Evidence("load", 3),  # too short to be evidence: dropped
        ],
    )
    assert verify_evidence([score], transcript) == 3
    assert [(e.quote, e.turn_index) for e in score.evidence] == [
        ("I rebuilt the billing service in Go", 1),
        ("cut costs by 30%", 1),
    ]


def test_recommendation_scale():
    assert [recommendation_for(s) for s in (5, 4.3, 4.0, 3.6, 3.2, 3.0, 2.5, 2.0, 1.0)] == [
        "strong_hire", "strong_hire", "hire", "hire", "lean_hire", "lean_hire", "lean_no_hire", "no_hire", "no_hire",
    ]


def test_analysis_round_trips_through_json(engine):
    plan, transcript, _ = run(engine, BACKEND, good=True)
    analysis = engine.analyse(BACKEND, plan, transcript)
    import json

    assert Analysis.from_dict(json.loads(json.dumps(analysis.to_dict()))) == analysis
    assert GOOD_ANSWERS  # samples import used by run()
