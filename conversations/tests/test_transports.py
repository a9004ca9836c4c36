"""One conversation core behind every transport.

The same candidate, answering the same way, through VAPI (SSE, the real `openai` client against a live
server), REST and the WebSocket, leaves the same transcript and the same analysis shape. And while the
engine thinks, no database transaction is open.
"""

from __future__ import annotations

import json

import openai
import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.db import connection

from conversations import tasks
from conversations.models import Conversation, Turn
from juggy.accounts.services import credit_account_for_user, credits_grant, token_create
from juggy.ai import get_engine
from juggy.asgi import application
from sessions_app.tests.factories import GOOD_ANSWERS
from testsupport.live_server import daphne_url

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "vapi-test-secret"
ANSWERS = [
    *GOOD_ANSWERS,
    "I would start from the failure modes: what happens when the queue backs up, how we retry without "
    "duplicating a charge, and which metrics tell us first. Then I would load test it at twice our peak.",
    "Sorry, something came up and I would like to stop the interview here.",
]


def _analysed(conversation: Conversation) -> Conversation:
    """The analysis, run by a worker when the broker is real (production mode) or already in eager mode."""
    conversation.refresh_from_db()
    if conversation.analysis_status != Conversation.AnalysisStatus.DONE:
        tasks.conversation_analyse.apply(args=[str(conversation.pk), str(conversation.analysis_run_id)])
        conversation.refresh_from_db()
    return conversation


def _shape(conversation: Conversation) -> dict:
    turns = list(Turn.objects.filter(conversation=conversation).order_by("index"))
    return {
        "status": conversation.status,
        "end_reason": conversation.end_reason,
        "speakers": [t.speaker for t in turns],
        "answers": [t.text for t in turns if t.speaker == "candidate"],
        "questions": [t.question_id for t in turns if t.speaker == "interviewer"],
        "analysis_keys": sorted(conversation.analysis or {}),
        "competencies": sorted(c["competency"] for c in (conversation.analysis or {}).get("competencies") or []),
    }


def _by_rest(api_client) -> Conversation:
    body = {"roomName": "rest-room", "candidateId": "c1", "candidateName": "Jane Doe",
            "jobDescription": "Backend engineer: Django, PostgreSQL, Celery.", "settings": {"mode": "practice"}}
    sid = api_client.post("/interview", body, format="json").json()["sessionId"]
    api_client.post(f"/interview/{sid}/start")
    for answer in ANSWERS:
        reply = api_client.post(f"/interview/{sid}/response", {"response": answer}, format="json").json()
    assert reply["finished"] is True  # the candidate asked to stop; the interviewer closed
    return Conversation.objects.get(interview=sid)


def _by_websocket(api_client, token: str) -> Conversation:
    body = {"roomName": "ws-room", "candidateId": "c2", "candidateName": "Jane Doe",
            "jobDescription": "Backend engineer: Django, PostgreSQL, Celery.", "settings": {"mode": "practice"}}
    sid = api_client.post("/interview", body, format="json").json()["sessionId"]

    async def talk():
        socket = WebsocketCommunicator(application, "/ws/interview", headers=[(b"origin", b"http://127.0.0.1")])
        assert (await socket.connect())[0]

        async def expect(event: str) -> dict:
            while True:
                message = json.loads(await socket.receive_from(timeout=10))
                assert message["event"] != "error", message
                if message["event"] == event:
                    return message["data"]

        async def send(event: str, data: dict | None = None):
            await socket.send_to(text_data=json.dumps({"event": event, "data": data or {}}))

        await send("joinInterview", {"interviewId": sid, "token": token})
        await expect("joinedInterview")
        await send("startInterview")
        await expect("aiInterviewerMessage")
        for answer in ANSWERS:
            await send("candidateResponse", {"response": answer})
            reply = await expect("aiInterviewerMessage")
        assert reply["progress"]["finished"] is True
        await expect("interviewEnded")
        await socket.disconnect()

    async_to_sync(talk)()
    return Conversation.objects.get(interview=sid)


def _by_vapi(api_client, user) -> Conversation:
    credits_grant(account=credit_account_for_user(user), amount=100, idempotency_key="grant-transports")
    body = {"assessmentArea": "Backend engineer: Django, PostgreSQL, Celery.",
            "otherContext": {"targetRole": "Backend engineer", "jobDescription": "Django, PostgreSQL, Celery."}}
    session_id = api_client.post("/context/upload/v2", body, format="json").json()["sessionId"]
    assert api_client.post("/session/link", {"callId": "call-transports", "sessionId": session_id},
                           format="json").status_code == 200
    client = openai.OpenAI(base_url=f"{daphne_url()}/v2", api_key=SECRET, max_retries=0, timeout=20)
    messages = [{"role": "system", "content": "You are an interviewer."}]
    call = {"call": {"id": "call-transports", "status": "in-progress"}}
    for answer in [None, *ANSWERS]:
        if answer is not None:
            messages.append({"role": "user", "content": answer})
        chunks = client.chat.completions.create(model="gpt-4o", messages=messages, stream=True, extra_body=call)
        text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
        messages.append({"role": "assistant", "content": text})
    # The closing line ends the conversation at once; no webhook is needed for that.
    assert get_engine().end_call_phrase in text
    return Conversation.objects.get(session=session_id)


def test_every_transport_makes_the_same_conversation(api_client, user, settings):
    settings.VAPI_SECRET = SECRET
    settings.VAPI_CREDITS_PER_MINUTE = 1
    _, token = token_create(user=user, name="ws")
    rest = _shape(_analysed(_by_rest(api_client)))
    websocket = _shape(_analysed(_by_websocket(api_client, token)))
    vapi = _shape(_analysed(_by_vapi(api_client, user)))

    assert rest["status"] == websocket["status"] == vapi["status"] == "ended"
    assert rest["end_reason"] == websocket["end_reason"] == vapi["end_reason"] == "ended_by_candidate"
    assert rest["speakers"] == websocket["speakers"] == vapi["speakers"]
    assert rest["answers"] == websocket["answers"] == vapi["answers"]
    assert len(rest["questions"]) == len(vapi["questions"])
    assert rest["analysis_keys"] == websocket["analysis_keys"] == vapi["analysis_keys"]
    assert "competencies" in rest["analysis_keys"] and rest["competencies"]
    assert rest["competencies"] == websocket["competencies"]


def test_no_transaction_is_open_while_the_engine_runs(api_client, monkeypatch):
    """Engine calls may be network round trips to a model: none of them may hold a transaction open."""
    engine_class = type(get_engine())
    seen: list[tuple[str, bool]] = []
    for name in ("plan", "opening", "turn", "closing", "analyse"):
        original = getattr(engine_class, name)

        def spy(self, *args, _name=name, _original=original, **kwargs):
            seen.append((_name, connection.in_atomic_block))
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(engine_class, name, spy)
    conversation = _analysed(_by_rest(api_client))
    assert conversation.analysis_status == "done"
    assert {name for name, _ in seen} >= {"plan", "opening", "turn", "analyse"}
    assert [name for name, in_transaction in seen if in_transaction] == []


def test_an_engine_failure_beyond_retry_fails_the_conversation_and_keeps_the_answer(api_client, monkeypatch):
    from juggy.ai import AIError, ProviderError

    body = {"roomName": "fail-room", "candidateId": "c3", "jobDescription": "Backend engineer"}
    sid = api_client.post("/interview", body, format="json").json()["sessionId"]
    api_client.post(f"/interview/{sid}/start")
    engine_class = type(get_engine())

    def unavailable(self, *args, **kwargs):
        raise ProviderError("rate limited", transient=True)

    monkeypatch.setattr(engine_class, "turn", unavailable)
    response = api_client.post(f"/interview/{sid}/response", {"response": ANSWERS[0]}, format="json")
    assert response.status_code == 503 and response.json()["error"]["code"] == "interviewer_unavailable"
    # A transient failure leaves the interview as it was: the client may send the answer again.
    assert api_client.get(f"/interview/{sid}").json()["status"] == "in_progress"

    def broken(self, *args, **kwargs):
        raise AIError("the model answered nonsense")

    monkeypatch.setattr(engine_class, "turn", broken)
    response = api_client.post(f"/interview/{sid}/response", {"response": ANSWERS[0]}, format="json")
    assert response.status_code == 503
    assert api_client.get(f"/interview/{sid}").json()["status"] == "failed"
    messages = api_client.get(f"/interview/{sid}/transcript").json()["messages"]
    assert [m["role"] for m in messages] == ["interviewer", "candidate"] and messages[1]["text"] == ANSWERS[0]
