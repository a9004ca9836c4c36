"""The black-box walk of both API contracts (shared/reference), as a client written from them would.

One real server (daphne serving juggy.asgi on loopback), plain HTTP and WebSocket clients (aiohttp), no
Django test client: every endpoint and every WebSocket event the contracts name is exercised with the
contract's own field names and examples. Every response is recorded, and each one is then checked
against the OpenAPI document the same server publishes (its status must be documented for that
operation and its body must match the documented schema), so the schema describes what the code does.
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import aiohttp
import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.conf import settings as django_settings
from livekit import api as livekit_api
from openapi_schema_validator import OAS30Validator, oas30_format_checker

from juggy.accounts.services import credit_account_for_user, credits_grant, token_create
from juggy.ai.speech.espeak import EspeakTTS
from media_app.tests.documents import resume_pdf
from testsupport.live_server import daphne_url

pytestmark = pytest.mark.django_db(transaction=True)

VAPI_SECRET = "contract-walk-vapi-secret"
TIMEOUT = aiohttp.ClientTimeout(total=60)
WS_TIMEOUT = 15
ANSWER = (
    "In my last role I led the migration of our React frontend and NestJS API to a typed monorepo. "
    "I designed the module boundaries, wrote the shared DTO package and set up CI with tests, and as a "
    "result deploys went from weekly to daily and production incidents dropped by forty percent."
)

# Every endpoint the two contracts name (method, path with its parameters as the contract spells them).
CONTRACT_ENDPOINTS = {
    ("POST", "/media/upload"), ("POST", "/media/upload/v2"), ("GET", "/media/get-all"),
    ("DELETE", "/media/delete/{media_uuid}"),
    ("POST", "/context/upload"), ("POST", "/context/upload/v2"),
    ("POST", "/ent/session/link"), ("POST", "/session/link"),
    ("POST", "/v3/chat/completions"), ("POST", "/v2/chat/completions"),
    ("GET", "/session/analyse/{session_uuid}"), ("GET", "/session/get/{session_uuid}"),
    ("GET", "/session/get-all"), ("GET", "/session/get-all/v2"), ("GET", "/session/get-all/paginated"),
    ("GET", "/session/get-all/v3"), ("GET", "/session/get-all/v4"), ("GET", "/session/get-all/v5"),
    ("GET", "/session/get-all/v6"),
    ("GET", "/livekit/token"), ("POST", "/livekit/token"), ("POST", "/livekit/room"),
    ("GET", "/livekit/room/{roomName}"), ("DELETE", "/livekit/room/{roomName}"), ("GET", "/livekit/rooms"),
    ("POST", "/interview"), ("POST", "/interview/{sessionId}/start"), ("POST", "/interview/{sessionId}/response"),
    ("GET", "/interview/{sessionId}"), ("GET", "/interview/{sessionId}/transcript"),
    ("GET", "/interview/{sessionId}/summary"), ("POST", "/interview/{sessionId}/end"),
    ("POST", "/audio/synthesize"), ("POST", "/transcription/audio"), ("GET", "/health"),
}
CLIENT_EVENTS = {"joinInterview", "leaveInterview", "candidateResponse", "startInterview", "endInterview"}
SERVER_EVENTS = {"joinedInterview", "participantJoined", "participantLeft", "aiInterviewerMessage",
                 "interviewEnded", "error"}

REFERENCE = Path(django_settings.BASE_DIR).parent / "shared" / "reference"


def _template(path: str) -> str:
    """`/room/:roomName` and `/room/{roomName}` are one path; parameter names do not matter."""
    return re.sub(r"\{[^}]+\}|:[A-Za-z_]+", "{}", path.split("?")[0].rstrip("/") or "/")


class Walk:
    """An HTTP client that records (method, path template, status, content type, body) of every call."""

    def __init__(self, http: aiohttp.ClientSession, base: str):
        self.http, self.base, self.records = http, base, []

    async def call(self, method: str, template: str, *, token: str | None = None, expect: int | None = None,
                   raw: bool = False, **kwargs):
        path = template.format(**kwargs.pop("path", {}))
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        async with self.http.request(method, self.base + path, headers=headers, **kwargs) as response:
            content_type = response.headers.get("Content-Type", "").split(";")[0]
            payload = await response.read()
            body = json.loads(payload) if content_type.endswith("json") else payload
            self.records.append((method, template, response.status, content_type, body))
            if expect is not None:
                assert response.status == expect, (method, path, response.status, body)
            return (response, body) if raw else body


class Socket:
    """A WebSocket client that keeps every event it sent and received."""

    def __init__(self, ws, seen: set):
        self.ws, self.seen = ws, seen

    async def send(self, event: str, data: dict | None = None) -> None:
        self.seen.add(event)
        await self.ws.send_json({"event": event, "data": data or {}})

    async def expect(self, event: str) -> dict:
        while True:
            message = await asyncio.wait_for(self.ws.receive_json(), WS_TIMEOUT)
            self.seen.add(message["event"])
            if message["event"] == event:
                return message["data"]
            # Other clients' presence can interleave; nothing else may.
            assert message["event"] in {"participantJoined", "participantLeft"}, message


@pytest.fixture
def actors(make_user, settings):
    settings.VAPI_SECRET = VAPI_SECRET
    settings.SPEECH_PROVIDER = "builtin"
    settings.PUBLIC_BASE_URL = ""  # links must follow the host and port that served them
    from juggy.accounts.tests.factories import MembershipFactory, OrganisationFactory
    from sessions_app.tests.factories import TemplateFactory

    user = make_user(username="walker")
    credits_grant(account=credit_account_for_user(user), amount=100, idempotency_key="contract-walk")
    recruiter = make_user(username="recruiter", is_staff=True)
    org = OrganisationFactory(name="Walk Hiring")
    MembershipFactory(user=recruiter, organisation=org)
    return {
        "user": user,
        "token": token_create(user=user, name="walk")[1],
        "recruiter": token_create(user=recruiter, name="walk")[1],
        "template": str(TemplateFactory(organisation=org).pk),
    }


@pytest.fixture(scope="module")
def walk_result():
    return {}


def test_walk_both_contracts(actors, whisper_model, walk_result, live_worker):
    walk_result.update(async_to_sync(_walk)(daphne_url(), actors))


async def _walk(base: str, actors: dict) -> dict:
    seen_events: set[str] = set()
    async with aiohttp.ClientSession(timeout=TIMEOUT) as http:
        walk = Walk(http, base)
        await _platform_router(walk, actors)
        await _livekit_interviews(walk, actors, seen_events)
        await _contract_edges(walk, actors)
        schema = await walk.call("GET", "/api/schema", params={"format": "json"}, expect=200)
    return {"records": walk.records, "events": seen_events, "schema": schema}


async def until(fetch, done, *, seconds: float = 60):
    """Poll as a client does while a worker finishes (embedded mode: done at the first call)."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        body = await fetch()
        if done(body) or asyncio.get_running_loop().time() > deadline:
            return body
        await asyncio.sleep(0.3)


async def _chat(walk: Walk, version: str, call_id: str, answers: list[str]) -> list[dict]:
    """A VAPI-style conversation: the whole history each turn, streamed; returns every chunk."""
    messages, chunks = [{"role": "system", "content": "Configured in the VAPI dashboard."}], []
    for answer in [None, *answers]:
        if answer:
            messages.append({"role": "user", "content": answer})
        body = {"model": "gpt-4o", "messages": messages, "stream": True, "temperature": 0.7,
                "call": {"id": call_id, "status": "in-progress"}}
        response, raw = await walk.call("POST", f"/{version}/chat/completions", token=VAPI_SECRET, json=body,
                                        expect=200, raw=True)
        assert response.headers["Content-Type"].startswith("text/event-stream")
        events = [line.removeprefix("data: ") for line in raw.decode().split("\n\n") if line]
        assert events[-1] == "[DONE]"
        turn = [json.loads(e) for e in events[:-1]]
        chunks += turn
        text = "".join(c["choices"][0]["delta"].get("content") or "" for c in turn)
        assert text.strip()
        messages.append({"role": "assistant", "content": text})
    return chunks


async def _platform_router(walk: Walk, actors: dict) -> None:
    token, user_id = actors["token"], str(actors["user"].pk)

    def resume() -> aiohttp.FormData:
        form = aiohttp.FormData()
        form.add_field("file", resume_pdf(), filename="resume.pdf", content_type="application/pdf")
        form.add_field("user_id", user_id)  # the contract's snake_case form fields
        form.add_field("to_parse", "true")
        return form

    # Embedded mode parses before answering; with a worker the answer says it is queued.
    parsed = {"document parsed successfully", "document queued for parsing"}
    uploaded = await walk.call("POST", "/media/upload", token=token, data=resume(), expect=201)
    assert uploaded["message"] in parsed and uploaded["mediaId"]
    structured = await walk.call("POST", "/media/upload/v2", token=token, data=resume(), expect=201)
    assert structured["message"] in parsed and structured["structureState"] in ("pending", "done")
    detail = await until(lambda: walk.call("GET", "/media/{id}", token=token, path={"id": structured["mediaId"]}),
                         lambda body: body["structureState"] != "pending")
    assert (detail["state"], detail["structureState"]) == ("parsed", "done")
    media = await walk.call("GET", "/media/get-all", token=token, expect=200)
    assert {uploaded["mediaId"], structured["mediaId"]} <= {m["mediaId"] for m in media}

    context = {
        "assessmentArea": "Senior frontend engineer",
        "mediaId": structured["mediaId"],
        "otherContext": {
            "currentRole": "Frontend engineer", "currentCompany": "Initech",
            "totalProductManagementExperience": "0", "totalWorkExperience": "6 years",
            "targetRole": "Senior frontend engineer", "targetCompany": "Globex",
            "jobDescription": "Looking for someone experienced in NestJS and React",
            "jobDescriptionLink": "https://example.com/jobs/1",
        },
    }
    v1 = await walk.call("POST", "/context/upload", token=token, json=context)
    assert isinstance(v1["sessionId"], str) and isinstance(json.loads(v1["sessionQuestions"]), list)
    v2 = await walk.call("POST", "/context/upload/v2", token=token, json=context)
    assert set(v2) >= {"sessionId"}
    session_id = v2["sessionId"]

    linked = await walk.call("POST", "/session/link", token=token, json={"callId": "call-walk-v2", "sessionId": session_id},
                             expect=200)
    assert linked["message"] == f"linked callid call-walk-v2 to session ({session_id})"
    await _chat(walk, "v2", "call-walk-v2", [ANSWER, ANSWER])

    enterprise = await walk.call("POST", "/ent/session", token=actors["recruiter"], expect=201,
                                 json={"templateId": actors["template"], "candidate": {"name": "Ada"}})
    linked = await walk.call("POST", "/ent/session/link", token=actors["recruiter"], expect=200,
                             json={"callId": "call-walk-v3", "sessionId": enterprise["id"]})
    assert linked["message"] == f"linked callid call-walk-v3 to session ({enterprise['id']})"
    await _chat(walk, "v3", "call-walk-v3", [ANSWER])

    analysis = await until(lambda: walk.call("GET", "/session/analyse/{id}", token=token, path={"id": session_id}),
                           lambda body: body.get("status") == "done")
    assert isinstance(analysis["analysis"], str) and analysis["analysis"]
    detail = await walk.call("GET", "/session/get/{id}", token=token, path={"id": session_id}, expect=200)
    assert detail["id"] == session_id

    for version in ("", "/v2", "/v3", "/v4", "/v5", "/v6"):
        listed = await walk.call("GET", f"/session/get-all{version}", token=token, expect=200)
        # "A list of session objects": a client's .map() works on every version.
        assert isinstance(listed, list) and session_id in {s["id"] for s in listed}, version
    paginated = await walk.call("GET", "/session/get-all/paginated", token=token, params={"page": 1, "limit": 1},
                                expect=200)
    assert len(paginated["items"]) == 1 and paginated["total"] == 2
    response, first = await walk.call("GET", "/session/get-all/v6", token=token, params={"limit": 1}, raw=True)
    assert len(first) == 1 and response.headers["Link"].endswith('rel="next"') and response.headers["X-Next-Cursor"]

    deleted = await walk.call("DELETE", "/media/delete/{id}", token=token, path={"id": uploaded["mediaId"]}, expect=200)
    assert deleted == {"message": "media deleted successfully"}


async def _livekit_interviews(walk: Walk, actors: dict, seen: set) -> None:
    token = actors["token"]
    room = await walk.call("POST", "/livekit/room", token=token, expect=201,
                           json={"name": "interview-room-123", "emptyTimeout": 10, "maxParticipants": 2})
    assert room["name"] == "interview-room-123"
    by_query = await walk.call("GET", "/livekit/token", token=token, expect=200,
                               params={"identity": "candidate123", "room": "interview-room-123", "name": "John Doe"})
    by_body = await walk.call("POST", "/livekit/token", token=token, expect=200,
                              json={"identity": "candidate123", "roomName": "interview-room-123", "name": "John Doe"})
    verifier = livekit_api.TokenVerifier(*await sync_to_async(_livekit_pair)())
    for issued in (by_query, by_body):
        claims = verifier.verify(issued["token"])
        assert (claims.identity, claims.video.room, claims.name) == ("candidate123", "interview-room-123", "John Doe")
    info = await walk.call("GET", "/livekit/room/{name}", token=token, path={"name": "interview-room-123"}, expect=200)
    assert info["name"] == "interview-room-123"
    rooms = await walk.call("GET", "/livekit/rooms", token=token, expect=200)
    assert "interview-room-123" in {r["name"] for r in rooms}

    # The REST flow of the contract's "Testing Flow".
    created = await walk.call("POST", "/interview", token=token, expect=201, json={
        "roomName": "interview-room-123", "candidateId": "candidate123",
        "jobDescription": "Looking for someone experienced in NestJS and React"})
    sid = {"id": created["sessionId"]}
    await walk.call("POST", "/interview/{id}/start", token=token, path=sid, expect=200)
    await walk.call("POST", "/interview/{id}/response", token=token, path=sid, json={"response": ANSWER}, expect=200)
    status = await walk.call("GET", "/interview/{id}", token=token, path=sid, expect=200)
    assert status["status"] == "in_progress"
    transcript = await walk.call("GET", "/interview/{id}/transcript", token=token, path=sid, expect=200)
    assert ANSWER in json.dumps(transcript)
    await walk.call("POST", "/interview/{id}/end", token=token, path=sid, expect=200)
    summary = await until(lambda: walk.call("GET", "/interview/{id}/summary", token=token, path=sid),
                          lambda body: body.get("status") != "pending")
    assert summary["summary"]

    # The WebSocket events, at the contract's root URL: the owner authenticates on the handshake's
    # Authorization header (no Origin: not a browser), the candidate with ?token= as a browser would.
    second = await walk.call("POST", "/interview", token=token, expect=201, json={
        "roomName": "interview-room-456", "candidateId": "candidate456",
        "jobDescription": "Looking for someone experienced in NestJS and React"})
    ws_base = walk.base.replace("http://", "ws://")
    async with walk.http.ws_connect(f"{ws_base}/", headers={"Authorization": f"Bearer {token}"}) as owner_ws, \
            walk.http.ws_connect(f"{ws_base}/?token={second['candidateToken']}", origin=walk.base) as candidate_ws:
        owner, candidate = Socket(owner_ws, seen), Socket(candidate_ws, seen)
        await owner.send("joinInterview", {"sessionId": second["sessionId"]})
        assert (await owner.expect("joinedInterview"))["role"] == "owner"
        await candidate.send("joinInterview", {"sessionId": second["sessionId"]})
        assert (await candidate.expect("joinedInterview"))["role"] == "candidate"
        assert (await owner.expect("participantJoined"))["role"] == "candidate"
        await candidate.send("startInterview")
        opening = await candidate.expect("aiInterviewerMessage")
        assert opening["text"] and (await owner.expect("aiInterviewerMessage")) == opening
        await candidate.send("candidateResponse", {"response": ANSWER})
        assert (await owner.expect("aiInterviewerMessage"))["inReplyTo"]["text"] == ANSWER
        await candidate.send("endInterview")
        assert "Goodbye" in (await owner.expect("aiInterviewerMessage"))["text"]  # the closing line
        assert (await owner.expect("interviewEnded"))["reason"] == "ended_by_candidate"
        await candidate.send("leaveInterview")
        assert (await owner.expect("participantLeft"))["role"] == "candidate"
        await owner.send("noSuchEvent")
        assert (await owner.expect("error"))["code"] == "unknown_event"

    # Speech: the audio URL works on the host and port that served it.
    spoken = await walk.call("POST", "/audio/synthesize", token=token, expect=200,
                             json={"text": "Hello, I'm your AI interviewer today.", "voice": "alloy"})
    assert spoken["audioUrl"].startswith(walk.base + "/")
    async with walk.http.get(spoken["audioUrl"]) as audio:
        assert audio.status == 200 and len(await audio.read()) > 1000
    form = aiohttp.FormData()
    wav = await sync_to_async(EspeakTTS().synthesize)(text=ANSWER[:120], voice="alloy", fmt="wav")
    form.add_field("file", wav.audio, filename="answer.wav", content_type="audio/wav")
    heard = await walk.call("POST", "/transcription/audio", token=token, data=form, expect=200)
    assert "migration" in heard["text"].lower()

    await walk.call("DELETE", "/livekit/room/{name}", token=token, path={"name": "interview-room-456"})
    health = await walk.call("GET", "/health", expect=200)
    assert health["status"] == "ok"


def _livekit_pair() -> tuple[str, str]:
    from livekit_app.client import credentials

    return credentials()


async def _contract_edges(walk: Walk, actors: dict) -> None:
    """What a client written from the contract runs into: unknown routes are a 404 whatever the method
    (never a CSRF failure), and a VAPI base URL pasted with a trailing slash still works."""
    token = actors["token"]
    for method, path in [("DELETE", "/media/delete/not-a-uuid"), ("POST", "/interview/interview456/start"),
                         ("PUT", "/no/such/route"), ("POST", "/no/such/route")]:
        async with walk.http.request(method, walk.base + path, headers={"Authorization": f"Bearer {token}"}) as r:
            body = await r.json()
            assert (r.status, body["error"]["code"]) == (404, "not_found"), (method, path, body)
    body = {"model": "gpt-4o", "messages": [{"role": "user", "content": "Hello?"}], "stream": False,
            "call": {"id": "call-walk-v2"}}
    async with walk.http.post(walk.base + "/v2//chat/completions", json=body,
                              headers={"Authorization": f"Bearer {VAPI_SECRET}"}) as r:
        assert r.status == 200 and (await r.json())["object"] == "chat.completion"


# --- what the walk covered, and the schema it was checked against ------------------------------------


def test_the_walk_covers_every_endpoint_and_event(walk_result):
    if not walk_result:
        pytest.skip("the walk did not run")
    walked = {(m, _template(t)) for m, t, *_ in walk_result["records"]}
    missing = sorted((m, p) for m, p in CONTRACT_ENDPOINTS if (m, _template(p)) not in walked)
    assert missing == []
    assert walk_result["events"] >= CLIENT_EVENTS | SERVER_EVENTS


def test_the_contract_lists_are_the_contract_documents():
    """CONTRACT_ENDPOINTS and the event sets above are what shared/reference names, no less."""
    if not REFERENCE.is_dir():
        pytest.skip(f"the contract documents are not beside the repository ({REFERENCE})")
    text = "\n".join(p.read_text() for p in sorted(REFERENCE.glob("*.md")))
    named = {(m, _template(p)) for m, p in re.findall(r"^(?:### )?(GET|POST|PUT|PATCH|DELETE) (/\S*)", text, re.M)}
    assert named == {(m, _template(p)) for m, p in CONTRACT_ENDPOINTS}
    events = set(re.findall(r"^- `(\w+)`:", text, re.M))
    assert events == CLIENT_EVENTS | SERVER_EVENTS


def _nullable_references(node):
    """drf-spectacular writes a nullable nested object as `{allOf: [{$ref}], nullable: true}`, which
    client generators read as "this object or null"; strict OpenAPI 3.0.3 ignores `nullable` without
    `type`. Read it as the generators (and the schema's authors) do."""
    if isinstance(node, list):
        return [_nullable_references(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {k: _nullable_references(v) for k, v in node.items()}
    if node.get("nullable") and "type" not in node and {"allOf", "oneOf", "anyOf"} & set(node):
        rest = {k: v for k, v in node.items() if k != "nullable"}
        return {"anyOf": [{"type": "object", "nullable": True, "enum": [None]}, rest]}
    return node


def _validator(schema: dict, component: dict) -> OAS30Validator:
    # $refs (#/components/...) resolve against the whole document.
    document = _nullable_references({**component, "components": schema["components"]})
    return OAS30Validator(document, format_checker=oas30_format_checker)


def test_every_recorded_response_matches_the_published_schema(walk_result):
    if not walk_result:
        pytest.skip("the walk did not run")
    schema = walk_result["schema"]
    operations = {_template(p): item for p, item in schema["paths"].items()}
    problems, checked = [], 0
    for method, template, status, content_type, body in walk_result["records"]:
        if template == "/api/schema":
            continue
        operation = operations[_template(template)][method.lower()]
        response = operation["responses"].get(str(status))
        if response is None:
            problems.append(f"{method} {template}: status {status} is not documented")
            continue
        documented = response.get("content", {})
        if content_type == "text/event-stream":
            chunk = _validator(schema, {"$ref": "#/components/schemas/ChatCompletionChunk"})
            events = [e.removeprefix("data: ") for e in body.decode().split("\n\n") if e and e != "data: [DONE]"]
            problems += [f"{method} {template} chunk: {e.message}" for ev in events for e in chunk.iter_errors(json.loads(ev))]
        elif content_type == "application/json":
            if content_type not in documented:
                problems.append(f"{method} {template} {status}: JSON body not documented")
                continue
            validator = _validator(schema, documented[content_type]["schema"])
            problems += [f"{method} {template} {status} at {list(e.absolute_path)}: {e.message}"
                         for e in validator.iter_errors(body)]
        checked += 1
    assert problems == []
    assert checked >= len(CONTRACT_ENDPOINTS)

