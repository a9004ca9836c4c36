"""VAPI's custom-LLM endpoints and its server webhook.

Plain async Django views, not DRF: the bodies are OpenAI's and VAPI's own formats (snake_case chat
completions, camelCase server messages) and must pass through untouched by the camelCase renderer and
parsers. Errors before the stream starts are raised as DomainError and rendered in the one error shape by
JsonExceptionMiddleware; once streaming, every failure is spoken instead (see live.py).
"""

from __future__ import annotations

from contextlib import aclosing
from dataclasses import dataclass

from django.http import JsonResponse, StreamingHttpResponse
from django.views.decorators.csrf import csrf_exempt

from conversations.db import db_call
from juggy.errors import MethodNotAllowed
from juggy.versioning import Version
from sessions_app.vapi.auth import vapi_authenticate
from sessions_app.vapi.live import LiveTurn, live_turn_start
from sessions_app.vapi.payload import ChatRequest, ServerMessage, parse_json_object
from sessions_app.vapi.services import vapi_event_handle
from sessions_app.vapi.sse import DONE, Completion


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


# Documented by schema.add_vapi_paths (these are plain Django views, which drf-spectacular does not see).
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


def _require_post(request) -> None:
    if request.method != "POST":
        raise MethodNotAllowed(f"{request.method} is not allowed here; use POST.")


async def _events(turn: LiveTurn, completion: Completion):
    yield completion.role()
    async with aclosing(turn.pieces()) as pieces:
        async for piece in pieces:
            if piece:
                yield completion.text(piece)
    yield completion.finish("stop")
    yield DONE


@csrf_exempt  # server-to-server, authenticated by secret or token, never by a browser cookie
async def chat_completions(request, version: ChatVersion):
    """POST /v2/chat/completions (standard sessions) and /v3/chat/completions (enterprise); the url gives
    the CHAT_VERSIONS row."""
    _require_post(request)
    await vapi_authenticate(request)
    chat = ChatRequest.parse(parse_json_object(request.body))
    turn = await live_turn_start(chat, version.serves, request.path)
    completion = Completion(model=chat.model)
    if not chat.stream:
        text = "".join([piece async for piece in turn.pieces()])
        return JsonResponse(completion.message(text))
    response = StreamingHttpResponse(_events(turn, completion), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response


@csrf_exempt
async def webhook(request):
    """POST /vapi/webhook: VAPI server messages (status-update, end-of-call-report; others ignored)."""
    _require_post(request)
    await vapi_authenticate(request)
    message = ServerMessage.parse(parse_json_object(request.body))
    outcome = await db_call(vapi_event_handle)(message=message)
    return JsonResponse({"received": True, "type": message.type, "outcome": outcome})
