"""Built-in planning: different jobs get different interviews, drawn from the job and the resume."""

from dataclasses import replace

from juggy.ai import Plan
from juggy.ai.engine.builtin import BuiltinInterviewEngine
from juggy.ai.heuristics.extract import build_profile
from juggy.ai.providers.builtin import BuiltinProvider
from juggy.ai.tests.samples import BACKEND, ENTERPRISE, NURSE, PRODUCT

engine = BuiltinInterviewEngine(BuiltinProvider())


def texts(plan: Plan) -> str:
    return " ".join(q.text for q in plan.questions)


def test_plans_differ_by_job_and_probe_the_fields_skills():
    backend, product, nurse = (engine.plan(c) for c in (BACKEND, PRODUCT, NURSE))
    assert build_profile(BACKEND).field == "software"
    assert build_profile(PRODUCT).field == "product"
    assert build_profile(NURSE).field == "healthcare"
    technical = {
        name: [q.text for q in plan.questions if q.kind == "technical"]
        for name, plan in (("backend", backend), ("product", product), ("nurse", nurse))
    }
    assert any(term in " ".join(technical["backend"]) for term in ("Django", "FastAPI", "PostgreSQL", "Kafka"))
    assert "roadmap" in " ".join(technical["product"]) or "user research" in " ".join(technical["product"])
    assert "patient" in " ".join(technical["nurse"])
    assert "Kafka" in backend.keywords and "Amplitude" in product.keywords and "Epic" in nurse.keywords
    assert "Epic" not in backend.keywords and "Kafka" not in nurse.keywords
    situational = [next(q.text for q in p.questions if q.kind == "situational") for p in (backend, product, nurse)]
    assert len(set(situational)) == 3
    assert "release" in situational[0] and "usage" in situational[1] and "patients deteriorate" in situational[2]


def test_plan_uses_the_resume():
    backend = engine.plan(BACKEND)
    background = [q for q in backend.questions if q.kind == "background"]
    # The most interview-worthy highlight (the one with a metric and job terms) is quoted, with the employer.
    assert "Cut checkout API p99 latency by 40%" in background[0].text and "Globex" in background[0].text
    assert any("Python" in q.text or "PostgreSQL" in q.text for q in background[1:])
    nurse = engine.plan(NURSE)
    assert "sepsis screening checklist" in texts(nurse) and "City General Hospital" in texts(nurse)
    product = engine.plan(PRODUCT)  # plain-text resume, no structure
    assert "30 customer interviews" in texts(product) or "activation from 41% to 55%" in texts(product)

    no_resume = engine.plan(replace(BACKEND, resume=None, experience=""))
    assert "Globex" not in texts(no_resume)


def test_plan_shape_and_ids():
    plan = engine.plan(BACKEND)
    kinds = [q.kind for q in plan.questions]
    assert kinds[0] == "introduction" and kinds[-1] == "close"
    assert {"background", "technical", "behavioural", "situational", "candidate_questions"} <= set(kinds)
    assert [q.id for q in plan.questions] == [f"q{i + 1}" for i in range(len(plan.questions))]
    assert all(q.competency for q in plan.questions)
    assert Plan.from_dict(plan.to_dict()) == plan


def test_seniority_changes_the_behavioural_question():
    senior = engine.plan(BACKEND)  # 7 years
    junior = engine.plan(replace(BACKEND, experience="1 year", resume={**BACKEND.resume, "summary": ""}))
    b_senior = next(q.text for q in senior.questions if q.kind == "behavioural")
    b_junior = next(q.text for q in junior.questions if q.kind == "behavioural")
    assert "less experienced colleague" in b_senior and b_junior != b_senior


def test_max_questions_keeps_introduction_and_close():
    plan = engine.plan(replace(BACKEND, max_questions=4))
    assert len(plan.questions) == 4
    assert plan.questions[0].kind == "introduction" and plan.questions[-1].kind == "close"
    assert "technical" in [q.kind for q in plan.questions]


def test_enterprise_plan_asks_fixed_questions_verbatim_tagged_with_template_competencies():
    plan = engine.plan(ENTERPRISE)
    asked = [q.text for q in plan.questions]
    for fixed in ENTERPRISE.fixed_questions:
        assert fixed in asked
    by_text = {q.text: q.competency for q in plan.questions}
    assert by_text[ENTERPRISE.fixed_questions[0]] == "leadership"
    assert by_text[ENTERPRISE.fixed_questions[1]] == "customer_focus"
    assert {q.competency for q in plan.questions} <= {"leadership", "customer_focus"}

    generated = engine.plan(replace(ENTERPRISE, fixed_questions=None))
    assert [q.competency for q in generated.questions if q.kind == "behavioural"] == ["leadership", "customer_focus"]


def test_job_context_round_trips_through_json():
    import json

    from juggy.ai import JobContext

    assert JobContext.from_dict(json.loads(json.dumps(ENTERPRISE.to_dict()))) == ENTERPRISE
    assert JobContext.from_dict({"job_description": "x", "unknown_key": 1}).job_description == "x"


def test_resume_with_nulls_from_the_resume_structurer():
    resume = {
        "name": None,
        "headline": None,
        "summary": None,
        "skills": ["Python"],
        "experience": [{"title": None, "company": "Initech", "start_date": None, "end_date": None, "is_current": True, "highlights": []}],
    }
    plan = engine.plan(replace(BACKEND, resume=resume))
    assert "most recent position at Initech" in texts(plan)
    assert "None" not in texts(plan)
