"""Transitions, validation, ownership and the candidate token over HTTP."""

import uuid

import pytest

from interviews_app.models import Interview
from interviews_app.tests.conftest import ANSWER
from livekit_app.services import room_pass_issue

pytestmark = pytest.mark.django_db


def _code(response) -> str:
    return response.json()["error"]["code"]


# --- transitions ------------------------------------------------------------------------------------
def test_answer_before_start_is_409(api_client, create_interview):
    sid = create_interview()["sessionId"]
    response = api_client.post(f"/interview/{sid}/response", {"response": ANSWER}, format="json")
    assert response.status_code == 409 and _code(response) == "interview_not_started"
    assert Interview.objects.get(pk=sid).conversation.turn_count == 0


def test_start_twice_is_409(api_client, create_interview):
    sid = create_interview()["sessionId"]
    assert api_client.post(f"/interview/{sid}/start").status_code == 200
    again = api_client.post(f"/interview/{sid}/start")
    assert again.status_code == 409 and _code(again) == "interview_already_started"
    assert Interview.objects.get(pk=sid).conversation.turn_count == 1  # one opening line, not two


def test_ended_interview_refuses_everything(api_client, create_interview):
    sid = create_interview()["sessionId"]
    api_client.post(f"/interview/{sid}/start")
    assert api_client.post(f"/interview/{sid}/end").status_code == 200
    for path, body in (("response", {"response": ANSWER}), ("start", None), ("end", None)):
        response = api_client.post(f"/interview/{sid}/{path}", body, format="json")
        assert response.status_code == 409 and _code(response) == "interview_ended", path
    closing = api_client.get(f"/interview/{sid}/transcript").json()["messages"][-1]
    assert closing["role"] == "interviewer" and "end of the interview" in closing["text"]


def test_end_before_start_has_no_closing_line_and_no_summary(api_client, create_interview):
    sid = create_interview()["sessionId"]
    ended = api_client.post(f"/interview/{sid}/end").json()
    assert ended["status"] == "ended" and ended["startedAt"] is None and ended["durationSeconds"] is None
    assert api_client.get(f"/interview/{sid}/transcript").json()["messages"] == []
    assert ended["summaryStatus"] == "none"


def test_summary_before_end_is_409(api_client, create_interview):
    sid = create_interview()["sessionId"]
    api_client.post(f"/interview/{sid}/start")
    response = api_client.get(f"/interview/{sid}/summary")
    assert response.status_code == 409 and _code(response) == "interview_not_ended"


def test_summary_pending_is_202_until_the_task_runs(
    api_client, create_interview, django_capture_on_commit_callbacks, monkeypatch
):
    from conversations import tasks

    queued = []
    # Held back, not run.
    monkeypatch.setattr(tasks.conversation_analyse, "delay_on_commit", lambda *args: queued.append(args))
    sid = create_interview()["sessionId"]
    api_client.post(f"/interview/{sid}/start")
    with django_capture_on_commit_callbacks(execute=True):
        api_client.post(f"/interview/{sid}/end")
        pending = api_client.get(f"/interview/{sid}/summary")
        again = api_client.get(f"/interview/{sid}/summary")
    assert pending.status_code == again.status_code == 202
    assert pending.json() == {"sessionId": sid, "status": "pending", "previousError": ""}
    assert len(queued) == 1  # queued once; the second GET found it pending and queued nothing
    tasks.conversation_analyse.run(*queued[0])
    tasks.conversation_analyse.run(*queued[0])  # a redelivery finds its run done
    done = api_client.get(f"/interview/{sid}/summary")
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert len(queued) == 1


def test_failed_summary_is_queued_again(eager_celery, api_client, create_interview, django_capture_on_commit_callbacks, monkeypatch):
    from juggy.ai import AIError, get_engine

    sid = create_interview()["sessionId"]
    api_client.post(f"/interview/{sid}/start")
    api_client.post(f"/interview/{sid}/response", {"response": "I built our billing API."}, format="json")
    engine = get_engine()

    def broken(*args, **kwargs):
        raise AIError("analysis exploded")

    monkeypatch.setattr(engine, "analyse", broken)
    with django_capture_on_commit_callbacks(execute=True):
        api_client.post(f"/interview/{sid}/end")
    interview = Interview.objects.get(pk=sid)
    assert interview.summary_status == "failed" and "exploded" in interview.conversation.analysis_error
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        # Queued again; the test's outer transaction runs the (eager) task only after the response.
        retried = api_client.get(f"/interview/{sid}/summary")
    assert retried.status_code == 202 and retried.json()["previousError"] == "analysis exploded"
    done = api_client.get(f"/interview/{sid}/summary")
    assert done.status_code == 200 and done.json()["status"] == "done"


# --- validation ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"candidateId": "c1", "jobDescription": "x"}, "roomName"),
        ({"roomName": "bad name!", "candidateId": "c1", "jobDescription": "x"}, "roomName"),
        ({"roomName": "r1", "jobDescription": "x"}, "candidateId"),
        ({"roomName": "r1", "candidateId": "c1"}, "jobDescription"),
        ({"roomName": "r1", "candidateId": "c1", "jobDescription": "   "}, "jobDescription"),
        ({"roomName": "r1", "candidateId": "c1", "jobDescription": "x", "mediaId": "nope"}, "mediaId"),
        ({"roomName": "r1", "candidateId": "c1", "jobDescription": "x", "settings": {"mode": "chaos"}}, "settings"),
        ({"roomName": "r1", "candidateId": "c1", "jobDescription": "x", "settings": {"maxQuestions": 99}}, "settings"),
    ],
)
def test_create_validation(api_client, body, field):
    response = api_client.post("/interview", body, format="json")
    assert response.status_code == 400, response.content
    assert _code(response) == "invalid" and field in response.json()["error"]["details"]


def test_create_with_settings_and_resume(api_client, user, create_interview):
    from media_app.models import Media

    media = Media.objects.create(
        owner=user, file="uploads/x.pdf", content_type="application/pdf", size=10,
        text="Jane Roe. Senior engineer. Built GraphQL gateways in Go and Kafka pipelines.",
    )
    body = create_interview(mediaId=str(media.id), settings={"maxQuestions": 4, "mode": "practice", "targetRole": "Staff engineer"})
    assert body["mediaId"] == str(media.id)
    assert body["settings"] == {"maxQuestions": 4, "mode": "practice", "targetRole": "Staff engineer"}
    assert body["progress"]["totalQuestions"] == 4
    interview = Interview.objects.get(pk=body["sessionId"])
    assert "Kafka" in interview.conversation.resume_text  # a snapshot, kept if the media changes


@pytest.mark.parametrize(("state", "code"), [("pending", "media_not_ready"), ("failed", "media_parse_failed")])
def test_create_with_an_unusable_resume_is_409(api_client, user, state, code):
    """The same rule as sessions: a resume still being parsed, or that failed, is not silently left out."""
    from media_app.models import Media

    media = Media.objects.create(owner=user, file="uploads/x.pdf", content_type="application/pdf", size=10, state=state)
    body = {"roomName": "r1", "candidateId": "c1", "jobDescription": "Backend engineer", "mediaId": str(media.id)}
    response = api_client.post("/interview", body, format="json")
    assert response.status_code == 409 and _code(response) == code
    assert not Interview.objects.exists()


def test_create_with_someone_elses_media_is_404(api_client, other_user):
    from media_app.models import Media

    media = Media.objects.create(owner=other_user, file="uploads/y.pdf", content_type="application/pdf", size=1)
    response = api_client.post(
        "/interview", {"roomName": "r1", "candidateId": "c1", "jobDescription": "x", "mediaId": str(media.id)}, format="json"
    )
    assert response.status_code == 404 and _code(response) == "media_not_found"


def test_a_room_name_another_user_took_is_still_yours(api_client, other_client, user, create_interview,
                                                      candidate_client):
    """Issue 15: another user creating a room of the name first does not make your interview a 409."""
    from django.conf import settings
    from livekit import api

    from livekit_app.models import Participant, Room

    squatted = other_client.post("/livekit/room", {"name": "interview-room-123"}, format="json")
    assert squatted.status_code == 201
    body = create_interview()
    assert body["room"]["name"] == "interview-room-123"
    interview = Interview.objects.select_related("room").get(pk=body["sessionId"])
    assert interview.room.owner == user and interview.room.livekit_name != "interview-room-123"
    assert [r["name"] for r in api_client.get("/livekit/rooms").json()] == ["interview-room-123"]
    assert [r["id"] for r in other_client.get("/livekit/rooms").json()] == [squatted.json()["id"]]
    # The candidate's pass and the owner's token both join the owner's room on the LiveKit server.
    verifier = api.TokenVerifier(settings.LIVEKIT_LOCAL_API_KEY, settings.LIVEKIT_LOCAL_API_SECRET)
    minted = [candidate_client(body["candidateToken"]).get("/livekit/token").json(),
              api_client.get("/livekit/token", {"identity": "c", "room": "interview-room-123"}).json()]
    assert {(m["roomName"], verifier.verify(m["token"]).video.room) for m in minted} == {
        ("interview-room-123", interview.room.livekit_name)}
    # Someone in the other user's room is not in this interview.
    Participant.objects.create(room=Room.objects.get(pk=squatted.json()["id"]), identity="candidate123")
    assert api_client.get(f"/interview/{interview.id}").json()["participants"] == []


@pytest.mark.parametrize("body", [{}, {"response": ""}, {"response": "   "}, {"response": "x" * 8001}, {"response": ["a"]}])
def test_response_validation(api_client, create_interview, body):
    sid = create_interview()["sessionId"]
    api_client.post(f"/interview/{sid}/start")
    response = api_client.post(f"/interview/{sid}/response", body, format="json")
    assert response.status_code == 400 and _code(response) == "invalid"
    assert Interview.objects.get(pk=sid).conversation.turn_count == 1


def test_malformed_json_is_400(api_client, create_interview):
    sid = create_interview()["sessionId"]
    response = api_client.post(f"/interview/{sid}/response", "{not json", content_type="application/json")
    assert response.status_code == 400 and _code(response) == "malformed_request"


# --- ownership and tokens ----------------------------------------------------------------------------
def test_other_users_get_404_everywhere(api_client, other_client, create_interview):
    sid = create_interview()["sessionId"]
    api_client.post(f"/interview/{sid}/start")
    for method, path in [("get", ""), ("get", "/transcript"), ("get", "/summary"), ("post", "/start"),
                         ("post", "/response"), ("post", "/end")]:
        response = getattr(other_client, method)(f"/interview/{sid}{path}", {"response": "hi"}, format="json")
        assert response.status_code == 404 and _code(response) == "interview_not_found", path
    assert Interview.objects.get(pk=sid).status == "in_progress"


def test_unknown_interview_is_404_and_anonymous_is_401(api_client, anon_client):
    assert api_client.get(f"/interview/{uuid.uuid4()}").status_code == 404
    response = anon_client.get(f"/interview/{uuid.uuid4()}")
    assert response.status_code == 401 and response["WWW-Authenticate"]
    assert anon_client.post("/interview", {}, format="json").status_code == 401


def test_service_token_acts_for_any_user(service_client, user, api_client, create_interview):
    body = create_interview(client=service_client, userId=str(user.id))
    interview = Interview.objects.get(pk=body["sessionId"])
    assert interview.owner == user
    assert api_client.get(f"/interview/{interview.id}").status_code == 200
    assert service_client.post(f"/interview/{interview.id}/start").status_code == 200


def test_user_token_naming_another_user_is_403(api_client, other_user):
    response = api_client.post(
        "/interview", {"roomName": "r1", "candidateId": "c1", "jobDescription": "x", "userId": str(other_user.id)},
        format="json",
    )
    assert response.status_code == 403 and _code(response) == "user_mismatch"


def test_candidate_token_rules(api_client, create_interview, candidate_client):
    body = create_interview()
    sid, candidate = body["sessionId"], candidate_client(body["candidateToken"])
    assert candidate.get(f"/interview/{sid}").status_code == 200
    assert candidate.post(f"/interview/{sid}/start").status_code == 200
    answer = candidate.post(f"/interview/{sid}/response", {"response": ANSWER}, format="json")
    assert answer.status_code == 200 and answer.json()["message"]["index"] == 2
    assert len(candidate.get(f"/interview/{sid}/transcript").json()["messages"]) == 3
    # The summary is the recruiter's.
    summary = candidate.get(f"/interview/{sid}/summary")
    assert summary.status_code == 403 and _code(summary) == "candidate_forbidden"
    # Not an account token: nothing else accepts it.
    assert candidate.post("/interview", {"roomName": "r2", "candidateId": "c", "jobDescription": "x"}, format="json").status_code == 401
    ended = candidate.post(f"/interview/{sid}/end")
    assert ended.status_code == 200 and ended.json()["endReason"] == "ended_by_candidate"


def test_candidate_token_of_another_interview_is_404(api_client, create_interview, candidate_client):
    first = create_interview()
    second = create_interview(roomName="other-room")
    stranger = candidate_client(second["candidateToken"])
    response = stranger.get(f"/interview/{first['sessionId']}")
    assert response.status_code == 404 and _code(response) == "interview_not_found"
    # A room pass for the right room but without the interview scope opens nothing either.
    room_id = Interview.objects.get(pk=first["sessionId"]).room_id
    bare = candidate_client(room_pass_issue(room_name="interview-room-123", room_id=room_id, identity="candidate123"))
    assert bare.get(f"/interview/{first['sessionId']}").status_code == 404


def test_forged_candidate_token_is_401(create_interview, candidate_client):
    body = create_interview()
    forged = candidate_client(body["candidateToken"][:-3] + "abc")
    response = forged.get(f"/interview/{body['sessionId']}")
    assert response.status_code == 401


def test_detail_shows_participants_and_query_count_is_constant(api_client, create_interview, django_assert_num_queries):
    from interviews_app.models import InterviewConnection
    from livekit_app.models import Participant, Room

    sid = create_interview()["sessionId"]
    room = Room.objects.get(name="interview-room-123")
    Participant.objects.create(room=room, identity="candidate123", name="John Doe")
    InterviewConnection.objects.create(interview_id=sid, channel_name="c1", identity="alice", role="owner")
    # token lookup, interview, websocket clients, room participants
    with django_assert_num_queries(4):
        detail = api_client.get(f"/interview/{sid}").json()
    people = {(p["identity"], p["via"], p["role"]) for p in detail["participants"]}
    assert people == {("alice", "websocket", "owner"), ("candidate123", "livekit", "candidate")}
    for n in range(5):
        InterviewConnection.objects.create(interview_id=sid, channel_name=f"x{n}", identity=f"viewer{n}", role="owner")
    with django_assert_num_queries(4):
        assert len(api_client.get(f"/interview/{sid}").json()["participants"]) == 7


def test_transcript_query_count_is_constant(api_client, create_interview, django_assert_num_queries):
    sid = create_interview()["sessionId"]
    api_client.post(f"/interview/{sid}/start")
    for _ in range(3):
        api_client.post(f"/interview/{sid}/response", {"response": ANSWER}, format="json")
    with django_assert_num_queries(3):  # token, interview, messages
        assert len(api_client.get(f"/interview/{sid}/transcript").json()["messages"]) == 7
