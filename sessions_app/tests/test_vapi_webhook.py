"""POST /vapi/webhook: VAPI server messages move the session and store the call's report, once."""

from __future__ import annotations

import pytest
from django.test import Client

from conversations.models import Conversation, Turn
from sessions_app.models import Session
from sessions_app.tests.factories import GOOD_ANSWERS, SessionFactory, TurnFactory

# transaction=True: the views reach the database through channels' database_sync_to_async, which closes
# connections between calls (CONN_MAX_AGE=0), and so cannot run inside a test's wrapping transaction.
pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "vapi-test-secret"


@pytest.fixture(autouse=True)
def _vapi_settings(settings):
    settings.VAPI_SECRET = SECRET


@pytest.fixture
def session(user):
    return SessionFactory(user=user, call_id="call-1", status=Session.Status.LINKED)


def post(body, headers=None):
    headers = {"Authorization": f"Bearer {SECRET}"} if headers is None else headers
    return Client().post("/vapi/webhook", body, content_type="application/json", headers=headers)


def status_update(status, call_id="call-1", **extra):
    return {"message": {"type": "status-update", "status": status, "call": {"id": call_id}, **extra}}


def report(call_id="call-1", **extra):
    body = {
        "type": "end-of-call-report",
        "endedReason": "customer-ended-call",
        "startedAt": "2026-03-01T10:00:00.000Z",
        "endedAt": "2026-03-01T10:07:30.000Z",
        "call": {"id": call_id, "orgId": "org-1"},
        "artifact": {
            "messages": [
                {"role": "system", "message": "You are an interviewer.", "time": 1},
                {"role": "bot", "message": "Tell me about yourself.", "time": 2, "secondsFromStart": 0.5},
                {"role": "user", "message": GOOD_ANSWERS[0], "time": 3},
                {"role": "bot", "message": "Tell me about a disagreement.", "time": 4},
                {"role": "user", "message": GOOD_ANSWERS[1], "time": 5},
                {"role": "tool_calls", "toolCalls": [], "time": 6},
            ],
            "transcript": "AI: Tell me about yourself.\nUser: ...",
            "recordingUrl": "https://storage.vapi.ai/call-1-mono.wav",
            "stereoRecordingUrl": "https://storage.vapi.ai/call-1-stereo.wav",
        },
        "analysis": {"summary": "ignored"},
    }
    body.update(extra)
    return {"message": body}


def turns(session):
    return list(Turn.objects.filter(conversation__session=session).order_by("index").values_list("speaker", "text"))


def test_needs_the_secret(session):
    for headers in ({}, {"Authorization": "Bearer nope"}, {"X-Vapi-Secret": "nope"}):
        response = post(status_update("in-progress"), headers)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"
    assert post(status_update("in-progress"), {"X-Vapi-Secret": SECRET}).status_code == 200
    session.refresh_from_db()
    assert session.status == Session.Status.IN_PROGRESS


@pytest.mark.parametrize(
    ("body", "code"),
    [(b"nope", "malformed_request"), (b"{}", "invalid"), (b'{"message": "x"}', "invalid")],
)
def test_bad_bodies_are_400(body, code):
    response = Client().post(
        "/vapi/webhook", body, content_type="application/json", headers={"Authorization": f"Bearer {SECRET}"}
    )
    assert response.status_code == 400 and response.json()["error"]["code"] == code


def test_status_moves_forward_only(session):
    response = post(status_update("in-progress"))
    assert response.status_code == 200 and response.json()["outcome"] == "updated"
    session.refresh_from_db()
    assert session.status == Session.Status.IN_PROGRESS and session.call_status == "in-progress"
    started = session.conversation.started_at
    assert started is not None

    assert post(status_update("in-progress")).json()["outcome"] == "unchanged"  # redelivery
    assert post(status_update("ringing")).json()["outcome"] == "unchanged"  # late, out of order
    session.refresh_from_db()
    assert session.status == Session.Status.IN_PROGRESS and session.conversation.started_at == started

    assert post(status_update("ended", endedReason="assistant-ended-call")).json()["outcome"] == "updated"
    session.refresh_from_db()
    assert session.status == Session.Status.COMPLETED and session.ended_reason == "assistant-ended-call"
    assert post(status_update("in-progress")).json()["outcome"] == "unchanged"  # never reopened
    session.refresh_from_db()
    assert session.status == Session.Status.COMPLETED


def test_call_ending_in_an_error_fails_the_session(session):
    post(status_update("ended", endedReason="pipeline-error-openai-llm-failed"))
    session.refresh_from_db()
    assert session.status == Session.Status.FAILED


def test_end_of_call_report_stores_everything_once(session, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(report())
    assert response.status_code == 200 and response.json()["outcome"] == "stored"
    session.refresh_from_db()
    assert turns(session) == [
        ("interviewer", "Tell me about yourself."),
        ("candidate", GOOD_ANSWERS[0]),
        ("interviewer", "Tell me about a disagreement."),
        ("candidate", GOOD_ANSWERS[1]),
    ]
    assert session.status == Session.Status.COMPLETED
    assert session.ended_reason == "customer-ended-call"
    assert session.recording_urls == {
        "mono": "https://storage.vapi.ai/call-1-mono.wav",
        "stereo": "https://storage.vapi.ai/call-1-stereo.wav",
    }
    assert session.conversation.started_at.isoformat() == "2026-03-01T10:00:00+00:00"
    assert session.duration_seconds == 450
    assert session.conversation.analysis_status != Conversation.AnalysisStatus.NONE
    requested, analysis_status = session.conversation.analysis_requested_at, session.conversation.analysis_status

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = post(report())  # redelivery
    assert again.status_code == 200
    session.refresh_from_db()
    assert len(turns(session)) == 4
    assert session.conversation.analysis_requested_at == requested and session.conversation.analysis_status == analysis_status
    assert callbacks == []  # no second analysis queued


def test_report_completes_our_transcript_without_duplicating_it(session):
    TurnFactory(session=session, index=0, role="interviewer", text="Tell me about yourself.", question_id="q1", source="vapi")
    TurnFactory(session=session, index=1, role="candidate", text="I have spent six years", source="vapi")
    TurnFactory(session=session, index=2, role="interviewer", text="Tell me about a disagreement.", question_id="q2", source="vapi")
    post(report())
    rows = list(session.conversation.turns.order_by("index"))
    assert [(t.speaker, t.text) for t in rows] == turns(session)
    # Ours kept (with their question ids), VAPI's final transcription of the answer, the last answer added.
    assert [t.question_id for t in rows[:3]] == ["q1", "", "q2"]
    assert rows[1].text == GOOD_ANSWERS[0]
    assert (rows[3].speaker, rows[3].text, rows[3].transport) == ("candidate", GOOD_ANSWERS[1], "report")


def test_report_with_only_the_plain_transcript(session):
    body = report()
    body["message"]["artifact"] = {"transcript": "AI: Hello, shall we start?\nUser: Yes.\nLet's go.\nAI: Great."}
    post(body)
    assert turns(session) == [("interviewer", "Hello, shall we start?"), ("candidate", "Yes. Let's go."), ("interviewer", "Great.")]
    session.refresh_from_db()
    assert session.conversation.analysis_requested_at is not None  # queued (and, with eager Celery, already run)


def test_report_without_answers_queues_no_analysis(session):
    body = report()
    body["message"]["artifact"] = {"messages": [{"role": "bot", "message": "Hello?"}]}
    body["message"]["endedReason"] = "silence-timed-out"
    assert post(body).json()["outcome"] == "stored"
    session.refresh_from_db()
    assert session.conversation.analysis_status == Conversation.AnalysisStatus.NONE
    assert session.status == Session.Status.COMPLETED and turns(session) == [("interviewer", "Hello?")]


def test_report_found_by_metadata(user):
    session = SessionFactory(user=user)
    body = report(call_id="call-9")
    body["message"]["call"]["metadata"] = {"sessionId": str(session.pk)}
    assert post(body).json()["outcome"] == "stored"
    session.refresh_from_db()
    assert session.call_id == "call-9" and len(turns(session)) == 4


def test_unknown_call_and_unknown_types_are_acknowledged(session):
    assert post(report(call_id="nobody")).json() == {"received": True, "type": "end-of-call-report", "outcome": "unknown_session"}
    for kind in ("speech-update", "conversation-update", "transcript", "hang", ""):
        response = post({"message": {"type": kind, "call": {"id": "call-1"}}})
        assert response.status_code == 200 and response.json()["outcome"] == "ignored"
    session.refresh_from_db()
    assert session.status == Session.Status.LINKED and not session.conversation.turns.exists()


def test_openapi_schema_documents_the_vapi_endpoints():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path_, operation in (
        ("/v2/chat/completions", "vapi_chat_completions_v2"),
        ("/v3/chat/completions", "vapi_chat_completions_v3"),
        ("/vapi/webhook", "vapi_webhook"),
    ):
        post_ = schema["paths"][path_]["post"]
        assert post_["operationId"] == operation
        assert set(post_["responses"]) == {"200", "400", "401", "403", "405"}
    chat = schema["paths"]["/v2/chat/completions"]["post"]["responses"]["200"]["content"]
    assert set(chat) == {"text/event-stream", "application/json"}
    assert schema["components"]["schemas"]["ChatCompletionRequest"]["required"] == ["messages"]


def test_answers_only_the_report_brings_are_analysed_too(session):
    """The closing line ended the conversation and queued its analysis; the report then brings the
    candidate's last words, which we never saw: the analysis runs again on the whole transcript."""
    TurnFactory(session=session, index=0, role="interviewer", text="Tell me about yourself.", source="vapi")
    TurnFactory(session=session, index=1, role="candidate", text=GOOD_ANSWERS[0], source="vapi")
    TurnFactory(session=session, index=2, role="interviewer", text="Tell me about a disagreement.", source="vapi")
    Conversation.objects.filter(session=session).update(
        status="ended", analysis_status="done", analysis={"summary": "one answer only"}
    )
    first_run = Conversation.objects.get(session=session).analysis_run_id
    post(report())
    conversation = Conversation.objects.get(session=session)
    assert conversation.analysis_run_id != first_run  # a new run, on both answers
    assert conversation.analysis_status in ("pending", "running", "done")
