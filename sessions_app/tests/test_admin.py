import csv
import io

import pytest
from django.test import Client

from sessions_app.models import AssessmentTemplate, Session
from sessions_app.tests.factories import CandidateFactory, SessionFactory, TemplateFactory, add_interview

pytestmark = pytest.mark.django_db

SCORED = {
    "sufficient": True, "overall_score": 3.5, "recommendation": "lean_hire", "summary": "Good depth.",
    "strengths": ["Concrete examples"], "improvements": ["Quantify impact"],
    "competencies": [{"competency": "system_design", "name": "System design", "score": 4,
                      "rationale": "Explained trade-offs.", "evidence": [{"quote": "cut the p95 latency", "turn_index": 1}]}],
    "provider": "builtin", "model": "builtin",
}


def mine_year() -> int:
    from django.utils import timezone

    return timezone.now().year


def admin_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def sessions(recruiter, other_recruiter, org, other_org, user):
    mine = SessionFactory(user=recruiter, enterprise=True, organisation=org, candidate__name="Ada Mine",
                          candidate__organisation=org, analysis=SCORED, analysis_status="done", analysis_score=3.5)
    add_interview(mine)
    theirs = SessionFactory(user=other_recruiter, enterprise=True, organisation=other_org,
                            candidate__name="Bob Theirs", candidate__organisation=other_org)
    practice = SessionFactory(user=user)
    return mine, theirs, practice


def test_recruiter_sees_only_their_organisation(recruiter, sessions):
    mine, theirs, practice = sessions
    client = admin_client(recruiter)
    page = client.get("/admin/sessions_app/session/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ada Mine" in html and "Bob Theirs" not in html and str(practice.pk) not in html
    assert "Globex Hiring" not in html  # not even in the organisation filter
    assert client.get(f"/admin/sessions_app/session/{theirs.pk}/change/").status_code == 302  # redirected away
    assert client.get(f"/admin/sessions_app/session/{practice.pk}/change/").status_code == 302
    templates = client.get("/admin/sessions_app/assessmenttemplate/").content.decode()
    assert mine.template.name in templates and theirs.template.name not in templates
    candidates = client.get("/admin/sessions_app/candidate/").content.decode()
    assert "Ada Mine" in candidates and "Bob Theirs" not in candidates


def test_session_page_shows_transcript_and_readable_scorecard(recruiter, sessions):
    mine = sessions[0]
    html = admin_client(recruiter).get(f"/admin/sessions_app/session/{mine.pk}/change/").content.decode()
    assert "cut the p95 latency" in html and "System design" in html and "4/5" in html
    assert "3.5 / 5" in html and "lean_hire" in html
    assert mine.conversation.turns.filter(speaker="candidate").first().text[:40] in html


def test_filters_and_search(recruiter, sessions, org):
    client = admin_client(recruiter)
    for query in ("kind__exact=enterprise", "status=created", f"organisation={org.pk}",
                  f"created_at__year={mine_year()}", "q=Ada"):
        html = client.get(f"/admin/sessions_app/session/?{query}").content.decode()
        assert "Ada Mine" in html, query
    assert "Ada Mine" not in client.get("/admin/sessions_app/session/?q=nobody").content.decode()


def test_superuser_sees_everything(make_user, sessions):
    admin = make_user(username="root", is_staff=True, is_superuser=True)
    html = admin_client(admin).get("/admin/sessions_app/session/").content.decode()
    assert "Ada Mine" in html and "Bob Theirs" in html


def test_staff_without_organisation_sees_nothing(make_user, sessions):
    staff = make_user(username="staffer", is_staff=True)
    assert admin_client(staff).get("/admin/sessions_app/session/").status_code == 403


def test_export_csv(recruiter, sessions):
    mine, theirs, _ = sessions
    response = admin_client(recruiter).post(
        "/admin/sessions_app/session/",
        {"action": "export_csv", "_selected_action": [str(mine.pk), str(theirs.pk)]},
    )
    assert response.status_code == 200 and response["Content-Type"] == "text/csv"
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 1  # the other organisation's session is not exported even if posted
    assert rows[0]["id"] == str(mine.pk) and rows[0]["candidate"] == "Ada Mine"
    assert rows[0]["analysis_score"] == "3.5" and rows[0]["recommendation"] == "lean_hire"


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("eager_celery")
def test_rerun_action_queues_analysis_and_skips_empty(recruiter, org):
    with_turns = SessionFactory(user=recruiter, enterprise=True, organisation=org, candidate__organisation=org)
    add_interview(with_turns)
    empty = SessionFactory(user=recruiter, enterprise=True, organisation=org, candidate__organisation=org)
    response = admin_client(recruiter).post(
        "/admin/sessions_app/session/",
        {"action": "rerun_analysis", "_selected_action": [str(with_turns.pk), str(empty.pk)]},
        follow=True,
    )
    html = response.content.decode()
    assert "Analysis requested for 1 session" in html and "nothing to analyse" in html
    assert Session.objects.get(pk=with_turns.pk).conversation.analysis_status == "done"
    assert Session.objects.get(pk=empty.pk).conversation.analysis_status == "none"


def test_organisation_admin_adds_template_and_session_in_admin(recruiter, org, other_org):
    recruiter.memberships.update(role="admin")  # templates are the organisation admins' (docs/backoffice.md)
    client = admin_client(recruiter)
    response = client.post("/admin/sessions_app/assessmenttemplate/add/", {
        "organisation": str(org.pk), "name": "Data screen", "role": "Data engineer", "job_description": "",
        "competencies": '[{"key": "sql", "name": "SQL"}]', "question_bank": '["Explain a window function."]',
        "max_questions": "", "is_active": "on",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    template = AssessmentTemplate.objects.get(name="Data screen")
    assert template.created_by == recruiter and template.competencies[0]["key"] == "sql"

    bad = client.post("/admin/sessions_app/assessmenttemplate/add/", {
        "organisation": str(other_org.pk), "name": "X", "role": "Y", "competencies": "[]", "question_bank": "[]",
        "is_active": "on",
    })
    assert bad.status_code == 200 and not AssessmentTemplate.objects.filter(name="X").exists()

    candidate = CandidateFactory(organisation=org)
    response = client.post("/admin/sessions_app/session/add/", {"template": str(template.pk), "candidate": str(candidate.pk)})
    assert response.status_code == 302
    session = Session.objects.get(template=template)
    assert session.kind == "enterprise" and session.organisation == org and session.user == recruiter

    foreign = CandidateFactory(organisation=other_org)
    response = client.post("/admin/sessions_app/session/add/", {"template": str(template.pk), "candidate": str(foreign.pk)})
    assert response.status_code == 200 and Session.objects.filter(candidate=foreign).count() == 0


def test_template_with_bad_competencies_is_rejected(recruiter, org):
    recruiter.memberships.update(role="admin")
    response = admin_client(recruiter).post("/admin/sessions_app/assessmenttemplate/add/", {
        "organisation": str(org.pk), "name": "Bad", "role": "R", "competencies": '[{"name": "no key"}]',
        "question_bank": "[]", "is_active": "on",
    })
    assert response.status_code == 200 and "Invalid competencies" in response.content.decode()
    assert TemplateFactory._meta.model.objects.filter(name="Bad").count() == 0
