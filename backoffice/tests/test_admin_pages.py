"""The recruiter's pages: the dashboard, the list (columns, filters, search, CSV), the audit trail, and
what each role may do; nothing of another organisation anywhere."""

from __future__ import annotations

import csv
import io

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from backoffice.models import AuditEvent
from backoffice.tests.conftest import NAME, browser_client
from conversations.models import Review
from sessions_app.tests.factories import SessionFactory, TemplateFactory, add_interview

pytestmark = pytest.mark.django_db(transaction=True)

SESSIONS = reverse("admin:sessions_app_session_changelist")
SCORED = {
    "sufficient": True, "overall_score": 4.0, "recommendation": "hire", "summary": "Solid.", "strengths": [],
    "improvements": [], "provider": "builtin", "model": "builtin",
    "competencies": [{"competency": "system_design", "name": "System design", "score": 4, "rationale": "Clear.",
                      "evidence": [{"quote": "cut the p95 latency", "turn_index": 1}]}],
}


@pytest.fixture
def rows(recruiter, other_recruiter, org, other_org, user):
    """Mine: a scored assessment (ended) and an unscored one; theirs: one of another organisation."""
    data = TemplateFactory(organisation=org, name="Data screen", role="Data engineer")
    scored = SessionFactory(user=recruiter, enterprise=True, organisation=org, candidate__name="Ada Lovelace",
                            candidate__organisation=org, analysis=SCORED, analysis_status="done", analysis_score=4.0,
                            status="ended")
    add_interview(scored)
    waiting = SessionFactory(user=recruiter, enterprise=True, organisation=org, template=data,
                             candidate__name="Grace Hopper", candidate__organisation=org)
    theirs = SessionFactory(user=other_recruiter, enterprise=True, organisation=other_org,
                            candidate__name="Bob Theirs", candidate__organisation=other_org, analysis=SCORED,
                            analysis_status="done", analysis_score=4.0, status="ended")
    return scored, waiting, theirs


def test_dashboard_shows_the_organisations_week(recruiter, rows, django_assert_max_num_queries):
    client = browser_client(recruiter)
    with django_assert_max_num_queries(30):  # aggregates and a capped list: independent of the rows
        page = client.get(reverse("admin:index"))
    html = page.content.decode()
    assert page.status_code == 200 and "Acme Hiring" in html and "Globex" not in html
    context = page.context
    assert context["jg_this_week"] == 2 and context["jg_waiting_review"] == 1 and context["jg_total"] == 2
    assert {r["role"]: r["count"] for r in context["jg_by_role"]} == {"Backend engineer": 1}
    assert [r["name"] for r in context["jg_latest"]] == ["Ada Lovelace"] and "Bob Theirs" not in html
    assert context["jg_latest"][0]["recommendation"] == "Hire"
    # Section labels, not app names (a recruiter has only the interview sections).
    assert "Interviews" in html and "Sessions_app" not in html and "Sessions_App" not in html


def test_superuser_dashboard_names_the_sections(make_user, rows):
    root = make_user(username="root", is_staff=True, is_superuser=True)
    html = browser_client(root).get(reverse("admin:index")).content.decode()
    for label in ("Interviews", "Live interviews", "Resumes", "Rooms", "Accounts", "Audit and erasure",
                  "Voice interviews", "API tokens"):
        assert label in html, label


def test_list_columns_filters_search(recruiter, org, rows, django_assert_num_queries):
    scored, waiting, _ = rows
    client = browser_client(recruiter)
    client.get(SESSIONS)
    with CaptureQueriesContext(connection) as few:
        client.get(SESSIONS)
    for n in range(3):  # more rows, same number of queries
        SessionFactory(user=recruiter, enterprise=True, organisation=org, candidate__name=f"Extra {n}",
                       candidate__organisation=org, analysis=SCORED, analysis_status="done", status="ended")
    with django_assert_num_queries(len(few.captured_queries)):
        html = client.get(SESSIONS).content.decode()
    for text in ("Ada Lovelace", "Grace Hopper", "Backend engineer", "Data engineer", "Acme Hiring", "4.0", "Hire",
                 "Waiting for review", "Not analysed"):
        assert text in html, text
    assert "Bob Theirs" not in html

    def names(query: str) -> set[str]:
        page = client.get(f"{SESSIONS}?{query}").content.decode()
        return {n for n in ("Ada Lovelace", "Grace Hopper", "Bob Theirs") if n in page}

    assert names("review=pending") == {"Ada Lovelace"}
    assert names("review=not_analysed") == {"Grace Hopper"}
    assert names("recommendation=hire") == {"Ada Lovelace"}
    assert names(f"template={waiting.template_id}") == {"Grace Hopper"}
    assert names("status=completed") == {"Ada Lovelace"}
    assert names("q=Data+engineer") == {"Grace Hopper"}
    assert names("q=ada") == {"Ada Lovelace"}
    assert names("q=Bob") == set()
    today = scored.created_at.date().isoformat()
    assert names(f"created_at_from={today}&created_at_to={today}") == {"Ada Lovelace", "Grace Hopper"}
    assert names("created_at_to=2000-01-01") == set()

    Review.objects.create(conversation=scored.conversation, decision="overridden", recommendation="no_hire",
                          reason="r", reviewed_at=scored.created_at, competency_scores={"system_design": 2})
    assert names("recommendation=no_hire") == {"Ada Lovelace"} and names("recommendation=hire") == set()
    assert names("review=overridden") == {"Ada Lovelace"}


def test_csv_export_has_the_recruiters_columns_and_is_audited(recruiter, rows):
    scored, waiting, theirs = rows
    response = browser_client(recruiter).post(SESSIONS, {
        "action": "export_csv", "_selected_action": [str(scored.pk), str(waiting.pk), str(theirs.pk)]})
    table = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r["candidate"] for r in table] == ["Grace Hopper", "Ada Lovelace"] or \
        sorted(r["candidate"] for r in table) == ["Ada Lovelace", "Grace Hopper"]
    ada = next(r for r in table if r["candidate"] == "Ada Lovelace")
    assert (ada["role"], ada["company"], ada["recommendation"], ada["review_state"]) == (
        "Backend engineer", "Acme Hiring", "hire", "pending")
    event = AuditEvent.objects.get(action="exported")
    assert event.actor == recruiter and event.details["count"] == 2 and str(theirs.pk) not in event.details["ids"]


def test_audit_trail_is_read_only_scoped_and_filterable(recruiter, other_recruiter, rows):
    scored, _, theirs = rows
    browser_client(recruiter).get(reverse("admin:sessions_app_session_change", args=[scored.pk]))
    browser_client(other_recruiter).get(reverse("admin:sessions_app_session_change", args=[theirs.pk]))
    viewed = AuditEvent.objects.get(action="viewed", actor=recruiter)
    assert viewed.candidate == scored.candidate and viewed.object_id == str(scored.pk)

    client = browser_client(recruiter)
    trail = reverse("admin:backoffice_auditevent_changelist")
    html = client.get(trail).content.decode()
    assert "Ada Lovelace" in html and "Bob Theirs" not in html

    def shown(query: str) -> list[str]:
        return [e.candidate_label for e in client.get(f"{trail}?{query}").context["cl"].result_list]

    assert shown(f"actor={recruiter.pk}") == ["Ada Lovelace"]
    assert shown(f"candidate={scored.candidate_id}") == ["Ada Lovelace"]
    assert shown("action=exported") == []
    detail = reverse("admin:backoffice_auditevent_change", args=[viewed.pk])
    assert client.get(detail).status_code == 200
    client.post(detail, {"actor_name": "someone else"})
    assert AuditEvent.objects.get(pk=viewed.pk).actor_name == "rita"
    assert client.post(reverse("admin:backoffice_auditevent_delete", args=[viewed.pk]), {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:backoffice_auditevent_add")).status_code == 403


def test_changes_are_in_the_change_log(org_admin, org):
    client = browser_client(org_admin)
    client.post(reverse("admin:sessions_app_assessmenttemplate_add"), {
        "organisation": str(org.pk), "name": "Audited", "role": "SRE", "job_description": "", "competencies": "[]",
        "question_bank": "[]", "max_questions": "", "is_active": "on"})
    entry = LogEntry.objects.get(object_repr__startswith="Audited")
    assert entry.actor == org_admin and entry.action == LogEntry.Action.CREATE


def test_roles_recruiters_read_templates_admins_manage_them(recruiter, org_admin, org):
    add = reverse("admin:sessions_app_assessmenttemplate_add")
    assert browser_client(recruiter).get(add).status_code == 403
    assert browser_client(org_admin).get(add).status_code == 200
    template = TemplateFactory(organisation=org)
    change = reverse("admin:sessions_app_assessmenttemplate_change", args=[template.pk])
    page = browser_client(recruiter).get(change)
    assert page.status_code == 200 and 'name="name"' not in page.content.decode()  # read-only for recruiters


def test_the_interview_page_reads_like_a_document(recruiter, template, assessment):
    session = assessment(recruiter, template)
    html = browser_client(recruiter).get(reverse("admin:sessions_app_session_change", args=[session.pk])).content.decode()
    assert "Staff backend engineer" in html and "Quokkaford Logistics" in html  # resume entries, not JSON
    assert "&quot;experience&quot;" not in html and "job_description" not in html
    assert 'class="jg-mark jg-mark-question">Question 1' in html
    evidence = session.conversation.analysis["competencies"][0]["evidence"]
    if evidence:
        index = evidence[0]["turn_index"]
        assert f'href="#turn-{index}"' in html and f'id="turn-{index}"' in html
    assert NAME in html


def test_organisation_admins_manage_their_members_only(org_admin, recruiter, other_recruiter, make_user, org):
    from juggy.accounts.models import Membership

    newcomer = make_user(username="nina", email="nina@example.org", is_staff=True)
    members = reverse("admin:accounts_membership_changelist")
    assert browser_client(recruiter).get(members).status_code == 403  # recruiters do not manage members
    client = browser_client(org_admin)
    listed = {m.user.username for m in client.get(members).context["cl"].result_list}
    assert listed == {"rita", "adele"}
    added = client.post(reverse("admin:accounts_membership_add"),
                        {"account": "NINA@example.org", "organisation": str(org.pk), "role": "recruiter"})
    assert added.status_code == 302 and Membership.objects.filter(user=newcomer, organisation=org).exists()
    theirs = Membership.objects.get(user=other_recruiter)
    assert client.get(reverse("admin:accounts_membership_change", args=[theirs.pk])).status_code == 302
    rita = Membership.objects.get(user=recruiter)
    client.post(reverse("admin:accounts_membership_change", args=[rita.pk]), {"organisation": str(org.pk), "role": "admin"})
    assert Membership.objects.get(pk=rita.pk).role == "admin"
