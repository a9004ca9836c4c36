import pytest

from sessions_app.tests.factories import SessionFactory, add_interview

pytestmark = pytest.mark.django_db


def test_detail_has_context_questions_transcript_and_analysis(api_client, user):
    session = SessionFactory(
        user=user,
        plan={"questions": [{"id": "q1", "text": "Why this role?", "competency": "motivation", "kind": "introduction"}]},
        credits_used=7,
        duration_seconds=312.5,
        call_id="call-9",
        analysis={"sufficient": True, "overall_score": 4.0, "recommendation": "hire", "summary": "Solid.",
                  "strengths": ["Clear"], "improvements": [], "competencies": [], "provider": "builtin", "model": "m"},
        analysis_status="done",
        analysis_score=4.0,
    )
    add_interview(session)
    response = api_client.get(f"/session/get/{session.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(session.pk) and body["kind"] == "standard"
    assert body["context"]["targetRole"] == "Backend engineer" and body["targetCompany"] == "Acme"
    assert body["questions"] == [{"id": "q1", "text": "Why this role?", "competency": "motivation", "kind": "introduction"}]
    assert body["creditsUsed"] == 7 and body["durationSeconds"] == 312.5 and body["callId"] == "call-9"
    assert [t["index"] for t in body["transcript"]] == [0, 1, 2, 3]
    assert body["transcript"][1]["role"] == "candidate" and body["turnCount"] == 4
    assert body["analysis"]["status"] == "done" and body["analysis"]["score"] == 4.0
    assert body["analysis"]["result"]["recommendation"] == "hire"
    assert "Overall score: 4.0 / 5" in body["analysis"]["report"]
    assert body["recommendation"] == "hire"


def test_detail_query_count_does_not_grow_with_turns(api_client, user, django_assert_max_num_queries):
    session = SessionFactory(user=user)
    add_interview(session, answers=["answer"] * 30)
    api_client.get(f"/session/get/{session.pk}")  # token last_used write happens once
    with django_assert_max_num_queries(3):
        assert api_client.get(f"/session/get/{session.pk}").status_code == 200


def test_other_users_session_is_404(other_client, user):
    session = SessionFactory(user=user)
    response = other_client.get(f"/session/get/{session.pk}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "session_not_found"


def test_malformed_id_is_json_404(api_client):
    response = api_client.get("/session/get/not-a-uuid")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_recruiters_see_their_organisations_sessions_only(recruiter_client, other_recruiter_client, recruiter, org, user):
    enterprise = SessionFactory(user=recruiter, enterprise=True, organisation=org)
    assert recruiter_client.get(f"/session/get/{enterprise.pk}").json()["organisation"]["name"] == "Acme Hiring"
    assert other_recruiter_client.get(f"/session/get/{enterprise.pk}").status_code == 404
    practice = SessionFactory(user=user)
    assert recruiter_client.get(f"/session/get/{practice.pk}").status_code == 404
