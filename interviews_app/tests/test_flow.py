"""The contract's Testing Flow, end to end over HTTP, exactly as written."""

import pytest
from django.conf import settings
from livekit import api

from interviews_app.models import Interview
from interviews_app.tests.conftest import ANSWER
from interviews_app.tests.factories import JOB_DESCRIPTION

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("eager_celery")]

ROOM = "interview-room-123"


def test_testing_flow(api_client, candidate_client):
    # 1. Create a room with /livekit/room
    room = api_client.post("/livekit/room", {"name": ROOM, "emptyTimeout": 10, "maxParticipants": 2}, format="json")
    assert room.status_code == 201, room.content

    # 2. Generate a token with /livekit/token
    minted = api_client.get("/livekit/token", {"identity": "candidate123", "room": ROOM, "name": "John Doe"})
    assert minted.status_code == 200, minted.content

    # 3. Create an interview session with /interview
    created = api_client.post(
        "/interview", {"roomName": ROOM, "candidateId": "candidate123", "jobDescription": JOB_DESCRIPTION}, format="json"
    )
    assert created.status_code == 201, created.content
    body = created.json()
    session_id = body["sessionId"]
    assert body["interviewId"] == session_id
    assert body["status"] == "created"
    assert body["room"]["name"] == ROOM
    assert body["progress"] == {"currentQuestion": 0, "totalQuestions": 8, "followUpsAsked": 0, "messages": 0, "finished": False}
    assert body["candidateToken"].startswith("jgp_")

    # 4. Connect to the LiveKit room using the token: no LiveKit server runs here, so check that the
    # token is one a LiveKit server with our key accepts for this room; the candidate's own pass
    # gets one too.
    grants = api.TokenVerifier(settings.LIVEKIT_LOCAL_API_KEY, settings.LIVEKIT_LOCAL_API_SECRET).verify(minted.json()["token"])
    assert grants.identity == "candidate123" and grants.video.room == ROOM and grants.video.room_join
    by_pass = candidate_client(body["candidateToken"]).get("/livekit/token", {"identity": "candidate123", "room": ROOM})
    assert by_pass.status_code == 200, by_pass.content

    # 5. Start the interview with /interview/:sessionId/start
    started = api_client.post(f"/interview/{session_id}/start")
    assert started.status_code == 200, started.content
    opening = started.json()
    assert opening["status"] == "in_progress"
    assert opening["message"]["role"] == "interviewer" and opening["message"]["index"] == 0
    assert "introduce yourself" in opening["message"]["text"]
    assert opening["candidateMessage"] is None
    assert opening["progress"]["currentQuestion"] == 1

    # 6. Send candidate responses with /interview/:sessionId/response
    for number in (2, 3, 4):
        answered = api_client.post(f"/interview/{session_id}/response", {"response": ANSWER}, format="json")
        assert answered.status_code == 200, answered.content
        turn = answered.json()
        assert turn["candidateMessage"]["text"] == ANSWER and turn["candidateMessage"]["source"] == "rest"
        assert turn["message"]["role"] == "interviewer" and turn["message"]["text"]
        assert turn["progress"]["currentQuestion"] == number
        assert turn["finished"] is False

    # 7. End the interview with /interview/:sessionId/end
    ended = api_client.post(f"/interview/{session_id}/end")
    assert ended.status_code == 200, ended.content
    assert ended.json()["status"] == "ended" and ended.json()["endReason"] == "ended_by_owner"

    # 8. Get interview summary with /interview/:sessionId/summary (eager Celery: ready at once)
    summary = api_client.get(f"/interview/{session_id}/summary")
    assert summary.status_code == 200, summary.content
    result = summary.json()
    assert result["status"] == "done"
    assert result["summary"]["sufficient"] is True
    assert 1 <= result["summary"]["overallScore"] <= 5
    assert result["summary"]["recommendation"]
    assert result["summary"]["competencies"]

    transcript = api_client.get(f"/interview/{session_id}/transcript").json()
    roles = [m["role"] for m in transcript["messages"]]
    assert roles == ["interviewer", "candidate"] * 3 + ["interviewer", "interviewer"]  # ... closing line
    assert [m["index"] for m in transcript["messages"]] == list(range(8))
    assert transcript["status"] == "ended"


def test_interview_runs_to_its_end_and_ends_itself(api_client, create_interview):
    session_id = create_interview()["sessionId"]
    api_client.post(f"/interview/{session_id}/start")
    turns = []
    for _ in range(20):
        turn = api_client.post(f"/interview/{session_id}/response", {"response": ANSWER}, format="json").json()
        turns.append(turn)
        if turn["finished"]:
            break
    assert turns[-1]["finished"] is True and turns[-1]["status"] == "ended"
    assert len(turns) == 8  # one answer per planned question
    assert settings.INTERVIEW_END_CALL_PHRASE in turns[-1]["message"]["text"]

    detail = api_client.get(f"/interview/{session_id}").json()
    assert detail["status"] == "ended" and detail["endReason"] == "completed"
    assert detail["progress"]["finished"] is True
    assert detail["durationSeconds"] >= 0 and detail["startedAt"] and detail["endedAt"]
    # Ending queued the summary; with eager Celery it is already there.
    assert detail["summaryStatus"] == "done"
    assert api_client.get(f"/interview/{session_id}/summary").status_code == 200
    # It ended itself: ending again is a conflict, answering again too.
    again = api_client.post(f"/interview/{session_id}/end")
    assert again.status_code == 409 and again.json()["error"]["code"] == "interview_ended"
    late = api_client.post(f"/interview/{session_id}/response", {"response": ANSWER}, format="json")
    assert late.status_code == 409 and late.json()["error"]["code"] == "interview_ended"


def test_summary_is_made_once(api_client, create_interview, monkeypatch):
    session_id = create_interview()["sessionId"]
    api_client.post(f"/interview/{session_id}/start")
    api_client.post(f"/interview/{session_id}/response", {"response": ANSWER}, format="json")
    from conversations import tasks

    runs = []
    real = tasks.services.analysis_run
    monkeypatch.setattr(tasks.services, "analysis_run", lambda **kw: runs.append(kw) or real(**kw))
    api_client.post(f"/interview/{session_id}/end")
    first = api_client.get(f"/interview/{session_id}/summary")
    second = api_client.get(f"/interview/{session_id}/summary")
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert len(runs) == 1
    # One answer is not enough to judge: the summary says so instead of scoring.
    assert first.json()["summary"]["sufficient"] is False and first.json()["summary"]["overallScore"] is None
    assert Interview.objects.get(pk=session_id).summary_status == "done"
