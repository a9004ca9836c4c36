import json

import pytest

from media_app.models import Media
from sessions_app.models import Session
from sessions_app.tests.factories import RESUME_TEXT, MediaFactory

pytestmark = pytest.mark.django_db

CONTEXT = {
    "currentRole": "Developer",
    "currentCompany": "Initech",
    "totalProductManagementExperience": "1 year",
    "totalWorkExperience": "6 years",
    "targetRole": "Backend engineer",
    "targetCompany": "Acme",
    "jobDescription": "Design Django services on PostgreSQL, with Celery for background work.",
    "jobDescriptionLink": "https://jobs.example.com/123",
}


def test_upload_creates_session_with_questions_from_context_and_resume(api_client, user):
    media = MediaFactory(owner=user)
    response = api_client.post(
        "/context/upload", {"assessmentArea": "Backend", "mediaId": str(media.id), "otherContext": CONTEXT}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"sessionId", "sessionQuestions"}
    questions = json.loads(body["sessionQuestions"])
    assert len(questions) >= 3 and all(q["text"] and q["id"] for q in questions)
    assert any("Backend engineer" in q["text"] for q in questions)

    session = Session.objects.get(pk=body["sessionId"])
    assert session.user == user and session.kind == "standard" and session.status == "created"
    assert session.context["target_role"] == "Backend engineer"
    assert session.context["job_description_link"] == "https://jobs.example.com/123"
    assert session.conversation.resume_text == RESUME_TEXT and session.conversation.resume["name"] == "Jane Doe"
    assert [q["id"] for q in session.conversation.plan["questions"]] == [q["id"] for q in questions]


def test_v2_creates_session_without_questions(api_client):
    response = api_client.post("/context/upload/v2", {"assessmentArea": "Product", "otherContext": CONTEXT}, format="json")
    assert response.status_code == 201
    assert set(response.json()) == {"sessionId"}
    session = Session.objects.get(pk=response.json()["sessionId"])
    assert session.conversation.plan is None and session.assessment_area == "Product"


def test_everything_is_optional(api_client):
    response = api_client.post("/context/upload", {}, format="json")
    assert response.status_code == 201
    assert json.loads(response.json()["sessionQuestions"])


@pytest.mark.parametrize(
    "body, field",
    [
        ({"otherContext": {"jobDescriptionLink": "not a url"}}, "jobDescriptionLink"),
        ({"otherContext": {"targetRole": "x" * 201}}, "targetRole"),
        ({"otherContext": {"jobDescription": "x" * 20001}}, "jobDescription"),
        ({"assessmentArea": "x" * 201}, "assessmentArea"),
        ({"mediaId": "not-a-uuid"}, "mediaId"),
        ({"otherContext": "a string"}, "otherContext"),
    ],
)
def test_invalid_fields_are_400(api_client, body, field):
    response = api_client.post("/context/upload", body, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    flat = json.dumps(error["details"])
    assert field in flat
    assert Session.objects.count() == 0


def test_other_users_media_is_not_found(api_client, other_user):
    media = MediaFactory(owner=other_user)
    response = api_client.post("/context/upload", {"mediaId": str(media.id)}, format="json")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "media_not_found"
    assert Session.objects.count() == 0


@pytest.mark.parametrize("state, code", [(Media.State.PARSING, "media_not_ready"), (Media.State.FAILED, "media_parse_failed")])
def test_unusable_media_is_409(api_client, user, state, code):
    media = MediaFactory(owner=user, state=state, text="")
    response = api_client.post("/context/upload/v2", {"mediaId": str(media.id)}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == code


def test_session_keeps_resume_after_media_is_deleted(api_client, user):
    media = MediaFactory(owner=user)
    session_id = api_client.post("/context/upload/v2", {"mediaId": str(media.id)}, format="json").json()["sessionId"]
    media.delete()
    body = api_client.get(f"/session/get/{session_id}").json()
    assert body["media"] is None
    assert body["resumeAttached"] is True
    assert Session.objects.get(pk=session_id).conversation.resume_text == RESUME_TEXT


def test_service_token_creates_for_named_user_and_user_token_cannot(service_client, api_client, user, other_user):
    response = service_client.post("/context/upload/v2", {"userId": str(user.id)}, format="json")
    assert response.status_code == 201
    assert Session.objects.get(pk=response.json()["sessionId"]).user == user
    response = api_client.post("/context/upload/v2", {"userId": str(other_user.id)}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "user_mismatch"


def test_requires_authentication(anon_client):
    response = anon_client.post("/context/upload", {}, format="json")
    assert response.status_code == 401
