import pytest

from conversations import services as conversations
from conversations.models import Conversation
from juggy.accounts.tests.factories import MembershipFactory
from sessions_app import services
from sessions_app.models import Candidate, Session
from sessions_app.tests.factories import CandidateFactory, MediaFactory, SessionFactory, TemplateFactory

pytestmark = pytest.mark.django_db

TEMPLATE = {
    "name": "Backend screen",
    "role": "Backend engineer",
    "jobDescription": "Django, PostgreSQL, Celery.",
    "competencies": [
        {"key": "system_design", "name": "System design", "rubric": {"1": "vague", "5": "clear trade-offs"}},
        {"key": "testing", "name": "Testing"},
    ],
    "questionBank": ["How do you test a Celery task?", "Design a rate limiter."],
    "maxQuestions": 6,
}


def test_recruiter_creates_and_lists_templates(recruiter_client, other_recruiter_client, org):
    response = recruiter_client.post("/ent/templates", TEMPLATE, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["organisation"]["id"] == str(org.pk) and body["questionBank"] == TEMPLATE["questionBank"]
    assert body["competencies"][0]["rubric"] == {"1": "vague", "5": "clear trade-offs"}
    assert [t["id"] for t in recruiter_client.get("/ent/templates").json()] == [body["id"]]
    assert other_recruiter_client.get("/ent/templates").json() == []


@pytest.mark.parametrize(
    "change",
    [
        {"name": ""},
        {"competencies": [{"key": "a b", "name": "x"}]},
        {"competencies": [{"key": "a", "name": "x", "rubric": {"9": "?"}}]},
        {"competencies": [{"key": "a", "name": "x"}, {"key": "a", "name": "y"}]},
        {"questionBank": ["q"] * 51},
        {"maxQuestions": 0},
    ],
)
def test_invalid_template_is_400(recruiter_client, change):
    response = recruiter_client.post("/ent/templates", {**TEMPLATE, **change}, format="json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid"


def test_template_needs_organisation_membership(api_client, recruiter_client, recruiter, other_org, org):
    assert api_client.post("/ent/templates", TEMPLATE, format="json").status_code == 403
    response = recruiter_client.post("/ent/templates", {**TEMPLATE, "organisationId": str(other_org.pk)}, format="json")
    assert response.status_code == 404
    MembershipFactory(user=recruiter, organisation=other_org)
    response = recruiter_client.post("/ent/templates", TEMPLATE, format="json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "organisation_required"
    response = recruiter_client.post("/ent/templates", {**TEMPLATE, "organisationId": str(org.pk)}, format="json")
    assert response.status_code == 201


def test_create_enterprise_session_with_new_candidate_then_reuse_them(recruiter_client, recruiter, org):
    template = TemplateFactory(organisation=org)
    body = {"templateId": str(template.pk), "candidate": {"name": "Ada", "email": "ada@example.com"},
            "generateQuestions": True}
    response = recruiter_client.post("/ent/session", body, format="json")
    assert response.status_code == 201
    data = response.json()
    assert data["kind"] == "enterprise" and data["organisation"]["id"] == str(org.pk)
    assert data["template"]["id"] == str(template.pk) and data["candidate"]["name"] == "Ada"
    assert template.question_bank[0] in [q["text"] for q in data["questions"]]
    session = Session.objects.get(pk=data["id"])
    assert session.user == recruiter
    assert services.session_credit_account(session=session).organisation == org

    again = recruiter_client.post(
        "/ent/session", {"templateId": str(template.pk), "candidate": {"name": "Ada L.", "email": "ADA@example.com"}},
        format="json",
    )
    assert again.status_code == 201 and again.json()["candidate"]["id"] == data["candidate"]["id"]
    assert again.json()["questions"] == []  # planned at the first turn
    assert Candidate.objects.count() == 1


def test_enterprise_session_errors(recruiter_client, other_recruiter_client, recruiter, org, other_org, other_user):
    template = TemplateFactory(organisation=org)
    foreign_candidate = CandidateFactory(organisation=other_org)

    def create(client=recruiter_client, **body):
        return client.post("/ent/session", {"templateId": str(template.pk), **body}, format="json")

    assert create(other_recruiter_client, candidate={"name": "X"}).status_code == 404
    assert create(candidateId=str(foreign_candidate.pk)).status_code == 404
    response = create()
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid"
    both = create(candidateId=str(CandidateFactory(organisation=org).pk), candidate={"name": "Y"})
    assert both.status_code == 400
    media = MediaFactory(owner=other_user)
    assert create(candidate={"name": "Z"}, mediaId=str(media.pk)).json()["error"]["code"] == "media_not_found"
    template.is_active = False
    template.save()
    archived = create(candidate={"name": "W"})
    assert archived.status_code == 409 and archived.json()["error"]["code"] == "template_inactive"
    assert Candidate.objects.filter(name__in=["W", "Z"]).count() == 0  # nothing half-created


def test_enterprise_job_context_uses_the_template(recruiter, org):
    template = TemplateFactory(organisation=org, max_questions=5)
    session = services.session_create_enterprise(
        user=recruiter, template=template, candidate=CandidateFactory(organisation=org, name="Ada")
    )
    context = conversations.job_context(Session.objects.get(pk=session.pk).conversation)
    assert context.mode == "enterprise" and context.target_company == "Acme Hiring"
    assert context.fixed_questions == template.question_bank and context.max_questions == 5
    assert [c.key for c in context.competencies] == ["system_design", "collaboration"]
    assert context.competencies[0].rubric == {1: "No structure", 5: "Clear trade-offs"}
    assert context.candidate_name == "Ada"


def test_plan_is_generated_once(user, monkeypatch):
    session = SessionFactory(user=user)
    plan = conversations.ensure_plan(session.conversation)
    stored = Session.objects.get(pk=session.pk)
    assert stored.conversation.plan == plan.to_dict()

    from juggy.ai.engine import InterviewEngine

    monkeypatch.setattr(InterviewEngine, "plan", lambda *a, **k: pytest.fail("planned twice"))
    assert conversations.ensure_plan(stored.conversation).to_dict() == plan.to_dict()


def test_concurrent_first_plan_keeps_the_first_writer(user):
    session = SessionFactory(user=user)
    stale_copy = Session.objects.select_related("conversation").get(pk=session.pk)
    winner = conversations.ensure_plan(session.conversation)
    Conversation.objects.filter(session=session).update(plan={**winner.to_dict(), "version": "winner"})
    # A request that read the row before the plan was written generates, loses the race, adopts.
    adopted = conversations.ensure_plan(stale_copy.conversation)
    assert adopted.version == "winner"
