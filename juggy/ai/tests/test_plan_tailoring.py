# ruff: noqa: RUF001 - resumes use en dashes in date ranges
"""Plans tailored from the real story: the job's must-haves are asked, the resume's current employer, role
and a concrete achievement are named, and a weak resume never leads to invented facts."""

from dataclasses import replace

from juggy.ai import JobContext
from juggy.ai.engine.builtin import BuiltinInterviewEngine
from juggy.ai.heuristics.extract import build_profile, must_haves
from juggy.ai.providers.builtin import BuiltinProvider
from juggy.ai.resume import parse_resume

engine = BuiltinInterviewEngine(BuiltinProvider())

JOB = JobContext(
    target_role="Senior Backend Engineer",
    target_company="Northwind",
    job_description=(
        "Northwind builds logistics software used by 400 warehouses.\n"
        "Requirements:\n"
        "- 5+ years building backend services in Java or Go\n"
        "- Experience with Kafka and PostgreSQL in production\n"
        "- Kubernetes and Terraform\n"
        "You will own the order-routing services and mentor two engineers."
    ),
)

# Amazon is listed first but ended; the current job is Google.
MERCER = """DANIEL MERCER
Boston, MA | daniel.mercer@example.com

EXPERIENCE
Amazon | Software Development Engineer III | Seattle, WA | Jul. 2016 – Feb. 2021
• Built the inventory reconciliation pipeline in Java and DynamoDB
Google | Staff Software Engineer | Cambridge, MA | Mar. 2021 – Present
• Designed the quota service that protects Spanner from overload, serving 2M requests per second
• Attended weekly planning meetings

SKILLS
Java, Go, Kafka, Kubernetes
"""

OKAFOR = """Ngozi Okafor
Lagos, Nigeria | ngozi@example.ng

Work History
Senior Data Engineer, Paystack, Lagos, Nigeria    Jan 2020 - Present
- Moved settlement reporting from nightly batches to Kafka streams, cutting reconciliation from 6 hours to 10 minutes
- Ran the PostgreSQL upgrade for 3 TB of payment data with zero downtime

Skills: Python, PostgreSQL, Kafka, Airflow
"""


def plan_for(resume_text: str | None):
    if resume_text is None:
        return engine.plan(JOB)
    return engine.plan(replace(JOB, resume=parse_resume(resume_text), resume_text=resume_text))


def texts(plan, kind=None) -> str:
    return " ".join(q.text for q in plan.questions if kind is None or q.kind == kind)


def test_must_haves_come_from_the_requirements_not_the_company_blurb():
    assert must_haves(JOB.job_description) == ["Java", "Go", "Kafka", "PostgreSQL", "Kubernetes", "Terraform"]
    assert build_profile(JOB).must_haves[:4] == ["Java", "Go", "Kafka", "PostgreSQL"]


def test_every_plan_asks_about_the_jobs_must_haves():
    for resume in (MERCER, OKAFOR, None):
        asked = texts(plan_for(resume))
        covered = [m for m in ("Java", "Go", "Kafka", "PostgreSQL", "Kubernetes") if m in asked]
        assert len(covered) >= 4, (resume and resume[:20], asked)
        assert "Kafka" in asked and "PostgreSQL" in asked


def test_the_current_employer_role_and_a_concrete_achievement_are_named():
    background = texts(plan_for(MERCER), "background")
    assert "Staff Software Engineer at Google" in background
    assert "quota service" in background and "2M requests per second" in background
    assert "Amazon" not in background  # the previous job, even though it is listed first


def test_contrasting_candidates_get_different_resume_questions():
    mercer, okafor = plan_for(MERCER), plan_for(OKAFOR)
    a, b = texts(mercer, "background"), texts(okafor, "background")
    assert a != b
    assert "Paystack" in b and "Senior Data Engineer" in b and "Kafka streams" in b
    assert "Paystack" not in a and "Google" not in b
    # The same job: the questions that come from the job alone are shared.
    assert texts(mercer, "situational") == texts(okafor, "situational")


def test_without_a_resume_the_questions_come_from_the_job_and_invent_nothing():
    plan = plan_for(None)
    background = texts(plan, "background")
    assert "your resume" not in texts(plan).lower()
    assert "Senior Backend Engineer" in background
    weak = engine.plan(replace(JOB, resume=parse_resume("Ngozi Okafor\nngozi@example.ng\n")))
    assert "your resume" not in texts(weak).lower() and "None" not in texts(weak)
