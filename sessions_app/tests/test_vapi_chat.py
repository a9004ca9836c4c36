"""VAPI custom-LLM endpoints, tested as VAPI uses them: the real `openai` client streaming from a live
daphne server (see testsupport/live_server.py), with VAPI-shaped request bodies."""

from __future__ import annotations

import http.client
import json
import threading
import time
from datetime import timedelta
from urllib.parse import urlsplit

import openai
import pytest
from django.db import OperationalError
from django.utils import timezone

from conversations.models import Conversation, Turn
from conversations.services import job_context
from juggy.accounts.models import LedgerEntry
from juggy.accounts.services import credit_account_for_user, credits_grant, token_create
from juggy.ai.config import AIConfig
from juggy.ai.engine import engine_for
from sessions_app.models import Session
from sessions_app.tests.factories import GOOD_ANSWERS, SessionFactory
from sessions_app.vapi import outbound
from testsupport.live_server import daphne_stop, daphne_url
from testsupport.openai_server import Reply

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "vapi-test-secret"
SYSTEM = {"role": "system", "content": "You are a helpful assistant configured in the VAPI dashboard."}


@pytest.fixture(scope="session")
def live_url():
    yield daphne_url()
    daphne_stop()


@pytest.fixture(autouse=True)
def _vapi_settings(settings):
    settings.VAPI_SECRET = SECRET
    settings.VAPI_OUTBOUND_ENABLED = False
    settings.VAPI_CREDITS_PER_MINUTE = 1


@pytest.fixture
def client(live_url):
    return openai.OpenAI(base_url=f"{live_url}/v2", api_key=SECRET, max_retries=0, timeout=20)


@pytest.fixture
def enterprise_client(live_url):
    return openai.OpenAI(base_url=f"{live_url}/v3", api_key=SECRET, max_retries=0, timeout=20)


def fund(user, amount=100):
    credits_grant(account=credit_account_for_user(user), amount=amount, idempotency_key=f"grant-{user.pk}-{amount}")


@pytest.fixture
def session(user):
    fund(user)
    return SessionFactory(user=user, call_id="call-1", status=Session.Status.LINKED)


def call_body(call_id="call-1", **call):
    return {"call": {"id": call_id, "orgId": "org-1", "type": "webCall", "status": "in-progress", **call}}


def stream(client, messages, extra=None, **kwargs):
    """One VAPI turn through the openai client: (text, chunks)."""
    chunks = list(
        client.chat.completions.create(
            model="gpt-4o", messages=[SYSTEM, *messages], stream=True, extra_body=extra, **kwargs
        )
    )
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    return text, chunks


def history(turns):
    return [{"role": "assistant" if t.role == "interviewer" else "user", "content": t.text} for t in turns]


def stored(session):
    return list(Turn.objects.filter(conversation__session=session).order_by("index").values_list("index", "speaker", "text"))


def raw_post(live_url, path_, body, headers=None):
    """(status, headers, body bytes) of a POST, for what the openai client hides (headers, raw SSE)."""
    parts = urlsplit(live_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=20)
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    conn.request("POST", path_, body=data, headers={"Content-Type": "application/json", **(headers or {})})
    response = conn.getresponse()
    result = response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    conn.close()
    return result


# --- streaming and the wire format -----------------------------------------------------------------


def test_opening_streams_as_chat_completion_chunks(client, session):
    text, chunks = stream(client, [], call_body())

    assert chunks[0].object == "chat.completion.chunk"
    assert chunks[0].choices[0].delta.role == "assistant"
    assert len({c.id for c in chunks}) == 1
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert all(c.choices[0].finish_reason is None for c in chunks[:-1])
    assert "?" in text  # the opening ends with the first question

    session.refresh_from_db()
    assert stored(session) == [(0, "interviewer", text)]
    turn = session.conversation.turns.get()
    assert turn.question_id == session.conversation.plan["questions"][0]["id"] and turn.transport == "vapi"
    assert session.status == Session.Status.IN_PROGRESS and session.conversation.started_at is not None
    assert session.conversation.state["started"] is True and session.conversation.state["turn_count"] == 1


def test_sse_headers_and_done_marker(live_url, session):
    status, headers, body = raw_post(
        live_url,
        "/v2/chat/completions",
        {"model": "gpt-4o", "stream": True, "messages": [SYSTEM], **call_body()},
        {"Authorization": f"Bearer {SECRET}"},
    )
    assert status == 200
    assert headers["content-type"].startswith("text/event-stream")
    assert headers["cache-control"] == "no-cache"
    assert headers["x-accel-buffering"] == "no"
    events = [e for e in body.decode().split("\n\n") if e]
    assert all(e.startswith("data: ") for e in events)
    assert events[-1] == "data: [DONE]"
    last = json.loads(events[-2][len("data: "):])
    assert last["choices"][0]["finish_reason"] == "stop" and last["choices"][0]["delta"] == {}


def test_stream_false_returns_one_chat_completion(client, session):
    completion = client.chat.completions.create(
        model="gpt-4o", messages=[SYSTEM], stream=False, extra_body=call_body()
    )
    assert completion.object == "chat.completion"
    assert completion.choices[0].message.role == "assistant"
    assert completion.choices[0].finish_reason == "stop"
    assert completion.choices[0].message.content == session.conversation.turns.get().text


def test_session_found_by_metadata_without_call(client, user):
    fund(user)
    session = SessionFactory(user=user)
    text, _ = stream(client, [], metadata={"sessionId": str(session.pk)})
    assert stored(session) == [(0, "interviewer", text)]
    session.refresh_from_db()
    assert session.call_id is None  # nothing to link without a call


def test_metadata_session_is_linked_to_the_call(client, user):
    fund(user)
    session = SessionFactory(user=user)
    extra = {"call": {"id": "call-new", "assistantOverrides": {"metadata": {"sessionId": str(session.pk)}}}}
    stream(client, [], extra)
    session.refresh_from_db()
    assert session.call_id == "call-new"
    # From now on the call alone finds it.
    text, _ = stream(client, [], {"call": {"id": "call-new"}})
    assert text == session.conversation.turns.get(index=0).text


def test_old_style_call_id(client, session):
    text, _ = stream(client, [], {"call": {"callId": "call-1"}, "customer": {"number": "+15550100"}, "phoneNumber": {}})
    assert stored(session) == [(0, "interviewer", text)]


@pytest.mark.parametrize(
    "extra",
    [
        {"call": {"id": "no-such-call"}},
        {"metadata": {"sessionId": "not-a-uuid"}},
        {"metadata": {"sessionId": "00000000-0000-0000-0000-000000000000"}},
        None,
    ],
    ids=["unknown-call", "bad-session-id", "unknown-session", "nothing"],
)
def test_unknown_call_gets_a_spoken_apology(client, session, extra, caplog):
    text, chunks = stream(client, [{"role": "user", "content": "Hello?"}], extra)
    assert "can't find the interview" in text and text.endswith("Goodbye.")
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert not Turn.objects.exists()
    assert any("apology" in r.getMessage() and r.name == "juggy.vapi" for r in caplog.records)


def test_wrong_kind_gets_an_apology(enterprise_client, client, user, session):
    text, _ = stream(enterprise_client, [], call_body())  # a standard session on /v3
    assert "can't find the interview" in text
    SessionFactory(enterprise=True, call_id="call-ent")
    text, _ = stream(client, [], call_body("call-ent"))  # an enterprise session on /v2
    assert "can't find the interview" in text
    assert not Turn.objects.exists()


def test_database_trouble_before_the_reply_gets_an_apology(client, session, monkeypatch, caplog):
    def locked(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr("sessions_app.vapi.services.vapi_turn_prepare", locked)
    text, chunks = stream(client, [], call_body())
    assert "not available right now" in text and text.endswith("Goodbye.")
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert any(r.levelname == "ERROR" and r.name == "juggy.vapi" for r in caplog.records)


def test_cancelled_session_gets_an_apology(client, session):
    Conversation.objects.filter(session=session).update(status=Session.Status.CANCELLED)
    text, _ = stream(client, [], call_body())
    assert "can't find the interview" in text
    assert not session.conversation.turns.exists()


# --- authentication and bad requests ---------------------------------------------------------------


def test_auth_failures_are_401_in_the_error_shape(live_url, session, settings):
    body = {"model": "m", "messages": [SYSTEM], "stream": True, **call_body()}
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"X-Vapi-Secret": "wrong"}, {"Authorization": "Basic x"}):
        status, hdrs, raw = raw_post(live_url, "/v2/chat/completions", body, headers)
        assert status == 401, headers
        assert hdrs["content-type"] == "application/json"
        error = json.loads(raw)["error"]
        assert error["code"] == "not_authenticated" and error["message"] and "details" in error
    with pytest.raises(openai.AuthenticationError):
        openai.OpenAI(base_url=f"{live_url}/v2", api_key="wrong", max_retries=0).chat.completions.create(
            model="m", messages=[SYSTEM], stream=True
        )
    # With no secret configured, nothing matches it, not even an empty value.
    settings.VAPI_SECRET = ""
    status, _, _ = raw_post(live_url, "/v2/chat/completions", body, {"Authorization": "Bearer ", "X-Vapi-Secret": ""})
    assert status == 401
    assert not session.conversation.turns.exists()


def test_legacy_secret_header_and_service_token(live_url, session, settings, make_user, user):
    body = {"model": "m", "messages": [SYSTEM], "stream": False, **call_body()}
    status, _, raw = raw_post(live_url, "/v2/chat/completions", body, {"X-Vapi-Secret": SECRET})
    assert status == 200 and json.loads(raw)["object"] == "chat.completion"

    settings.VAPI_SECRET_HEADER = "X-Custom-Secret"
    status, _, _ = raw_post(live_url, "/v2/chat/completions", body, {"X-Custom-Secret": SECRET})
    assert status == 200

    settings.VAPI_SECRET = ""  # service tokens work without a VAPI secret
    _, service_key = token_create(user=make_user(username="svc"), is_service=True)
    status, _, _ = raw_post(live_url, "/v2/chat/completions", body, {"Authorization": f"Bearer {service_key}"})
    assert status == 200
    _, user_key = token_create(user=user)
    status, _, raw = raw_post(live_url, "/v2/chat/completions", body, {"Authorization": f"Bearer {user_key}"})
    assert status == 403 and json.loads(raw)["error"]["code"] == "service_token_required"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"{not json", "malformed_request"),
        (b"[1, 2]", "malformed_request"),
        (json.dumps({"model": "m", "stream": True}).encode(), "invalid"),
        (json.dumps({"model": "m", "messages": []}).encode(), "invalid"),
        (json.dumps({"model": "m", "messages": ["hi"]}).encode(), "invalid"),
    ],
)
def test_bad_bodies_are_400(live_url, session, body, code):
    status, _, raw = raw_post(live_url, "/v2/chat/completions", body, {"Authorization": f"Bearer {SECRET}"})
    assert status == 400
    assert json.loads(raw)["error"]["code"] == code
    assert not session.conversation.turns.exists()


def test_get_is_405(live_url):
    parts = urlsplit(live_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.request("GET", "/v2/chat/completions", headers={"Authorization": f"Bearer {SECRET}"})
    response = conn.getresponse()
    assert response.status == 405 and json.loads(response.read())["error"]["code"] == "method_not_allowed"
    conn.close()


# --- the transcript --------------------------------------------------------------------------------


def test_ten_turn_call_stores_every_turn_once_and_in_order(client, session):
    answers = [*GOOD_ANSWERS, "I am not sure.", "Yes, I used Django REST framework and Celery for that."] * 3
    messages: list[dict] = []
    said: list[tuple[str, str]] = []
    for turn in range(10):
        text, _ = stream(client, messages, call_body())
        messages.append({"role": "assistant", "content": text})
        said.append(("interviewer", text))
        if turn == 4:
            # VAPI retries a request (e.g. a timeout on its side): the same reply, nothing stored twice.
            again, _ = stream(client, messages[:-1], call_body())
            assert again == text
        messages.append({"role": "user", "content": answers[turn]})
        said.append(("candidate", answers[turn]))
    stream(client, messages, call_body())

    rows = stored(session)
    assert [(r, t) for _, r, t in rows[:-1]] == said
    assert [i for i, _, _ in rows] == list(range(len(said) + 1))
    session.refresh_from_db()
    assert session.conversation.state["turn_count"] == 11


def test_vapi_first_message_and_revised_transcription(client, session):
    first = {"role": "assistant", "content": "Hi, this is the Acme interview line. Ready to start?"}
    text, _ = stream(client, [first, {"role": "user", "content": "Yes I'm redy."}], call_body())
    # The next request carries VAPI's corrected transcription of the same answer.
    conversation = [first, {"role": "user", "content": "Yes, I'm ready."}, {"role": "assistant", "content": text}]
    stream(client, [*conversation, {"role": "user", "content": GOOD_ANSWERS[0]}], call_body())
    rows = stored(session)
    assert [(r, t) for _, r, t in rows[:4]] == [
        ("interviewer", first["content"]),
        ("candidate", "Yes, I'm ready."),
        ("interviewer", text),
        ("candidate", GOOD_ANSWERS[0]),
    ]
    assert len(rows) == 5


def test_interrupted_reply_missing_from_vapi_history(client, session):
    opening, _ = stream(client, [], call_body())
    reply, _ = stream(client, [{"role": "assistant", "content": opening}, {"role": "user", "content": "Sure."}], call_body())
    # The candidate talked over that reply before it was spoken: VAPI's history never got it.
    history_ = [
        {"role": "assistant", "content": opening},
        {"role": "user", "content": "Sure."},
        {"role": "user", "content": GOOD_ANSWERS[0]},
    ]
    stream(client, history_, call_body())
    roles = [(i, r) for i, r, _ in stored(session)]
    assert roles == [(0, "interviewer"), (1, "candidate"), (2, "interviewer"), (3, "candidate"), (4, "interviewer")]
    assert stored(session)[2][2] == reply


# --- credits -----------------------------------------------------------------------------------------


def test_credits_run_out_mid_interview(client, user):
    fund(user, 2)
    session = SessionFactory(user=user, call_id="call-1", status=Session.Status.LINKED)
    account = credit_account_for_user(user)
    opening, _ = stream(client, [], call_body())
    messages = [{"role": "assistant", "content": opening}, {"role": "user", "content": GOOD_ANSWERS[0]}]

    # Second minute: still covered.
    Conversation.objects.filter(session=session).update(started_at=timezone.now() - timedelta(seconds=70))
    second, _ = stream(client, messages, call_body())
    account.refresh_from_db()
    assert account.balance == 0

    # Third minute: nothing left, so the interviewer wraps up and ends the call.
    Conversation.objects.filter(session=session).update(started_at=timezone.now() - timedelta(seconds=130))
    messages += [{"role": "assistant", "content": second}, {"role": "user", "content": GOOD_ANSWERS[1]}]
    closing, _ = stream(client, messages, call_body())
    assert "end of the time available" in closing and closing.endswith("Goodbye.")
    session.refresh_from_db()
    assert session.conversation.state["finished"] is True
    assert session.conversation.turns.order_by("-index").first().text == closing
    assert session.credits_used == 2

    # VAPI retries that request: the same closing, no further charge attempts that could double-bill.
    again, _ = stream(client, messages, call_body())
    assert again == closing
    charges = LedgerEntry.objects.filter(account=account, kind=LedgerEntry.Kind.CHARGE)
    assert sorted(charges.values_list("idempotency_key", flat=True)) == [
        f"vapi:session-{session.pk}:minute:0", f"vapi:session-{session.pk}:minute:1"]


def test_no_credits_at_all_closes_at_once(client, user):
    session = SessionFactory(user=user, call_id="call-1")
    text, _ = stream(client, [], call_body())
    assert "end of the time available" in text
    assert session.conversation.turns.get().text == text


def test_enterprise_interview_charges_no_credits(enterprise_client, org):
    session = SessionFactory(enterprise=True, organisation=org, call_id="call-ent")
    text, _ = stream(enterprise_client, [], call_body("call-ent"))
    assert session.template.question_bank[0] in text or "?" in text
    assert not LedgerEntry.objects.exists()
    session.refresh_from_db()
    assert session.credits_used == 0 and stored(session) == [(0, "interviewer", text)]


# --- the model failing, and ending the call --------------------------------------------------------


def test_upstream_failure_mid_stream_closes_gracefully(client, session, openai_settings):
    # The plan exists already (made by the built-in engine), so the model is only asked for the turn.
    session.conversation.plan = engine_for(AIConfig()).plan(job_context(session.conversation)).to_dict()
    session.conversation.save(update_fields=["plan"])
    openai_settings.script(Reply(text="Welcome to your practice interview for the backend role today", cut_after=3))

    text, chunks = stream(client, [], call_body())

    assert text.startswith("Welcome to your ")
    assert "technical problem" in text and text.endswith("Goodbye.")
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert openai_settings.events[0][0] == "stream_cut"
    session.refresh_from_db()
    assert stored(session) == [(0, "interviewer", text)]
    assert session.conversation.state["finished"] is True


def test_caller_hanging_up_mid_reply_keeps_what_was_said(live_url, session, openai_settings):
    session.conversation.plan = engine_for(AIConfig()).plan(job_context(session.conversation)).to_dict()
    session.conversation.save(update_fields=["plan"])
    words = [f"word{i}" for i in range(40)]
    openai_settings.script(Reply(text=" ".join(words), token_delay=0.1))
    parts = urlsplit(live_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=20)
    body = {"model": "m", "stream": True, "messages": [SYSTEM], **call_body()}
    conn.request("POST", "/v2/chat/completions", json.dumps(body), {"Authorization": f"Bearer {SECRET}", "Content-Type": "application/json"})
    response = conn.getresponse()
    received = b""
    while b"word2" not in received:
        received += response.read1(1024)
    conn.sock.shutdown(2)  # the caller hangs up
    conn.close()

    assert openai_settings.wait_for("client_closed")  # the upstream generation was stopped too
    deadline = time.monotonic() + 5
    while not session.conversation.turns.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    text = session.conversation.turns.get().text
    assert text.startswith("word0 word1 word2") and len(text.split()) < len(words)
    session.refresh_from_db()
    assert session.conversation.state["started"] is True and session.conversation.state["turn_count"] == 1


def test_end_call_posted_to_control_url(client, user, openai_server, settings, monkeypatch):
    monkeypatch.setattr(outbound, "SPEECH_MARGIN_SECONDS", 0)
    monkeypatch.setattr(outbound, "SECONDS_PER_WORD", 0)
    settings.VAPI_OUTBOUND_ENABLED = True
    session = SessionFactory(user=user, call_id="call-1")  # no credits: the closing comes at once
    # The loopback OpenAI server stands in for VAPI's control endpoint: it records what it is sent.
    control = f"{openai_server.url}/chat/completions"

    text, _ = stream(client, [], call_body(monitor={"controlUrl": control, "listenUrl": "wss://x"}))

    assert text.endswith("Goodbye.")
    deadline = time.monotonic() + 5
    while not openai_server.requests and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [r.body for r in openai_server.requests] == [{"type": "end-call"}]
    assert session.conversation.turns.count() == 1


def test_no_end_call_without_outbound_enabled(client, user, openai_server):
    SessionFactory(user=user, call_id="call-1")
    stream(client, [], call_body(monitor={"controlUrl": f"{openai_server.url}/chat/completions"}))
    time.sleep(0.3)
    assert openai_server.requests == []


# --- concurrency (PostgreSQL: SQLite's in-memory test database locks whole tables) -----------------


@pytest.mark.production
def test_concurrent_calls_for_different_sessions(client, make_user):
    sessions = []
    for i in range(6):
        owner = make_user(username=f"cand{i}")
        fund(owner)
        sessions.append(SessionFactory(user=owner, call_id=f"call-{i}"))
    errors: list[BaseException] = []
    said: dict[int, list[str]] = {}

    def run(i):
        try:
            messages: list[dict] = []
            for turn in range(3):
                text, _ = stream(client, messages, call_body(f"call-{i}"))
                messages += [{"role": "assistant", "content": text}, {"role": "user", "content": f"{GOOD_ANSWERS[turn % 2]} ({i})"}]
            said[i] = [m["content"] for m in messages]
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    for i, session in enumerate(sessions):
        # Each call's turns went to its own session (the last candidate answer has no reply yet).
        assert [t for _, _, t in stored(session)][:5] == said[i][:5]


@pytest.mark.production
def test_concurrent_twin_requests_store_one_reply(client, session):
    opening, _ = stream(client, [], call_body())
    messages = [{"role": "assistant", "content": opening}, {"role": "user", "content": GOOD_ANSWERS[0]}]
    replies: list[str] = []
    threads = [threading.Thread(target=lambda: replies.append(stream(client, messages, call_body())[0])) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(replies) == 4
    rows = stored(session)
    assert [r for _, r, _ in rows] == ["interviewer", "candidate", "interviewer"]
    assert rows[2][2] in replies


# --- the route ahead of Django's handler (sessions_app/vapi/asgi.py) ---------------------------------


def test_a_host_outside_allowed_hosts_is_a_400(live_url, session):
    status, _, raw = raw_post(live_url, "/v2/chat/completions", {"messages": [SYSTEM], **call_body()},
                              {"Authorization": f"Bearer {SECRET}", "Host": "evil.example"})
    assert status == 400 and json.loads(raw)["error"]["code"] == "bad_request"
    assert not session.conversation.turns.exists()


def test_a_bug_before_the_stream_is_a_500_in_the_error_shape_and_logged(live_url, session, monkeypatch, caplog):
    from sessions_app.vapi import asgi

    async def broken(*args):
        raise RuntimeError("a bug")

    monkeypatch.setattr(asgi, "live_turn_start", broken)
    status, headers, raw = raw_post(live_url, "/v2/chat/completions", {"messages": [SYSTEM], **call_body()},
                                    {"Authorization": f"Bearer {SECRET}"})
    assert status == 500 and headers["content-type"] == "application/json"
    assert json.loads(raw)["error"]["code"] == "server_error"
    assert "Unhandled error on POST /v2/chat/completions" in caplog.text


@pytest.mark.parametrize("path_", ["/v2/chat/completions/", "/v2//chat/completions", "/v3//chat/completions/"])
def test_slashes_are_tolerated(live_url, path_, session):
    status, headers, raw = raw_post(live_url, path_, {"messages": [SYSTEM], "stream": True, **call_body()},
                                    {"Authorization": f"Bearer {SECRET}"})
    assert status == 200 and headers["content-type"] == "text/event-stream" and raw.endswith(b"data: [DONE]\n\n")


def test_a_turn_runs_no_django_middleware(client, session, monkeypatch):
    # The chat completions are served ahead of Django's handler: no request signal, no middleware hook.
    from django.core.signals import request_started

    seen = []

    def receiver(**kwargs):
        seen.append(kwargs)

    request_started.connect(receiver)
    try:
        text, _ = stream(client, [], call_body())
    finally:
        request_started.disconnect(receiver)
    assert text and seen == []
