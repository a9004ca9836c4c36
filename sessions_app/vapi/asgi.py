"""VAPI's chat-completion routes (`/v2/chat/completions`, `/v3/chat/completions`), served as plain ASGI
ahead of Django's handler (juggy/asgi.py routes them here).

Why not a Django view: every turn of every live call comes through here, and Django's ASGI handler
costs a turn more than the turn's own work. Each MiddlewareMixin middleware hook runs in a thread
(`sync_to_async`: ~15 thread hops a request), the request signals close connections in another, and
none of it serves this route: it is server to server, authenticated by the VAPI secret, with no
cookie, session, CSRF, CORS or page. What this adapter keeps of that path: the one error shape and
its logging (`juggy.errors.escaped_error`), Django's Host check (`HttpRequest.get_host`), slash
tolerance, 405 for other methods, the route's body limit (juggy.middleware.BodyLimitMiddleware sits
outside it), and disconnect handling: when the caller hangs up, the turn is cancelled, so what was
said so far is stored (conversations.streaming).

The turn itself is `sessions_app.vapi.live`; this module only speaks HTTP.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from contextlib import aclosing
from dataclasses import dataclass
from http import HTTPStatus

from django.http import HttpRequest

from juggy.errors import MethodNotAllowed, escaped_error
from juggy.versioning import Version
from sessions_app.vapi.auth import vapi_authenticate
from sessions_app.vapi.live import LiveTurn, live_turn_start
from sessions_app.vapi.payload import ChatRequest, parse_json_object
from sessions_app.vapi.sse import DONE, Completion

logger = logging.getLogger("juggy.vapi")
request_logger = logging.getLogger("django.request")  # where Django logs its 4xx and 5xx answers


def _chat_description(version: str, billing: str) -> str:
    return (
        f"OpenAI-compatible chat completions for VAPI: configure `https://<host>/{version}` as the "
        "assistant's custom-LLM URL. Authenticate with the VAPI secret (`Authorization: Bearer` or the "
        "VAPI_SECRET_HEADER header) or a service token. The interviewer's reply streams as SSE; every turn "
        "is stored once, in order, in the session's transcript. An unknown call, a session of the other "
        f"kind or a cancelled session gets a spoken apology in the same format. {billing}"
    )


@dataclass(frozen=True)
class ChatVersion(Version):
    serves: str = "standard"  # the Session.Kind this URL conducts


# Documented by schema.add_vapi_paths (drf-spectacular sees no route that Django does not serve).
CHAT_VERSIONS = (
    ChatVersion(
        "v2/chat/completions",
        "vapi-chat-standard",
        "Live interview turn for standard sessions (VAPI custom LLM)",
        _chat_description(
            "v2",
            "Charges the user one credit (VAPI_CREDITS_PER_MINUTE) per started minute of the call, idempotently "
            "per call and minute; when the credits run out the interviewer closes politely and ends the call.",
        ),
        tags=("live interview",),
        operation_id="vapi_chat_completions_v2",
        serves="standard",
    ),
    ChatVersion(
        "v3/chat/completions",
        "vapi-chat-enterprise",
        "Live interview turn for enterprise sessions (VAPI custom LLM)",
        _chat_description(
            "v3",
            "Enterprise assessments: the template drives the questions; no user credits; no feedback to the "
            "candidate.",
        ),
        tags=("live interview",),
        operation_id="vapi_chat_completions_v3",
        serves="enterprise",
    ),
)

_ROUTES = {f"/{version.path}": version for version in CHAT_VERSIONS}
_SLASHES = re.compile(r"/{2,}")

_SSE_HEADERS = [
    (b"content-type", b"text/event-stream"),
    (b"cache-control", b"no-cache"),
    (b"x-accel-buffering", b"no"),  # nginx: pass each event on at once
    (b"x-content-type-options", b"nosniff"),
]


def chat_version(path: str) -> ChatVersion | None:
    """The row a request path serves, with the slashes juggy.middleware tolerates elsewhere: VAPI joins
    `<base URL>/chat/completions`, so a base URL pasted as `https://host/v2/` gives `/v2//chat/completions`."""
    if not path.startswith(("/v2", "/v3")):
        return None
    if path not in _ROUTES:
        path = _SLASHES.sub("/", path).rstrip("/")
    return _ROUTES.get(path)


class ChatCompletionsRouter:
    """ASGI: the chat-completion routes to `chat_serve`, every other request to `app` (Django)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and (version := chat_version(scope["path"])) is not None:
            return await chat_serve(version, scope, receive, send)
        return await self.app(scope, receive, send)


async def chat_serve(version: ChatVersion, scope, receive, send) -> None:
    method, path = scope["method"], scope["path"]
    try:
        if method != "POST":
            raise MethodNotAllowed(f"{method} is not allowed here; use POST.")
        headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]}
        _host_check(scope, headers)
        await vapi_authenticate(headers)
        body = await _body(receive)
        if body is None:
            return  # the caller left before sending its request
        chat = ChatRequest.parse(parse_json_object(body))
        turn = await live_turn_start(chat, version.serves, path)
        completion = Completion(model=chat.model)
        if not chat.stream:
            text = "".join([piece async for piece in turn.pieces()])
            return await _send_json(send, 200, completion.message(text))
    except Exception as exc:  # the last line of defence: every error leaves in the one shape
        status, body, extra = escaped_error(exc, method, path)
        level = logging.ERROR if status >= 500 else logging.WARNING
        request_logger.log(level, "%s: %s", HTTPStatus(status).phrase, path, extra={"status_code": status})
        return await _send_json(send, status, body, extra)
    await _stream(turn, completion, receive, send)


def _host_check(scope, headers: dict[str, str]) -> None:
    """Django's own Host rule (ALLOWED_HOSTS, X-Forwarded-Host behind a trusted proxy): raises
    DisallowedHost (400) as any Django route would."""
    request = HttpRequest()
    server = scope.get("server") or ("", "")
    request.META = {"SERVER_NAME": server[0], "SERVER_PORT": str(server[1] or "")}
    for name in ("host", "x-forwarded-host", "x-forwarded-port"):
        if name in headers:
            request.META[f"HTTP_{name.upper().replace('-', '_')}"] = headers[name]
    request.get_host()


async def _body(receive) -> bytes | None:
    """The whole request body (bounded before it gets here by BodyLimitMiddleware); None on a disconnect."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def _send_json(send, status: int, payload: dict, headers: dict[str, str] | None = None) -> None:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"x-content-type-options", b"nosniff"),
            *((k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()),
        ],
    })
    await send({"type": "http.response.body", "body": body})


async def _events(turn: LiveTurn, completion: Completion):
    yield completion.role()
    async with aclosing(turn.pieces()) as pieces:
        async for piece in pieces:
            if piece:
                yield completion.text(piece)
    yield completion.finish("stop")
    yield DONE


async def _stream(turn: LiveTurn, completion: Completion, receive, send) -> None:
    """Stream the reply as SSE while listening for the caller hanging up: then the reply is cancelled
    (its generators close, which stops the upstream model and stores what was said)."""

    async def speak():
        await send({"type": "http.response.start", "status": 200, "headers": _SSE_HEADERS})
        async with aclosing(_events(turn, completion)) as events:
            async for event in events:
                await send({"type": "http.response.body", "body": event, "more_body": True})
        await send({"type": "http.response.body", "body": b""})

    async def hang_up():
        while (await receive())["type"] != "http.disconnect":
            pass

    speaking, listening = asyncio.create_task(speak()), asyncio.create_task(hang_up())
    try:
        await asyncio.wait((speaking, listening), return_when=asyncio.FIRST_COMPLETED)
    finally:
        # The server may cancel us too (daphne, once the connection is gone): neither task outlives this.
        listening.cancel()
        speaking.cancel()
        try:
            await speaking
        except asyncio.CancelledError:
            pass
        except Exception:
            # Past the first byte there is no status left to send: the stream just ends (the turn
            # itself speaks its own failures: see conversations.streaming).
            logger.exception("%s: the stream failed after it started", turn.request.call_id or "a call")
