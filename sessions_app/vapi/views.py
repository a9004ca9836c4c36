"""VAPI's custom-LLM endpoints and its server webhook.

Plain async Django views, not DRF: the bodies are OpenAI's and VAPI's own formats (snake_case chat
completions, camelCase server messages) and must pass through untouched by the camelCase renderer and
parsers. Errors before the stream starts are raised as ApiError and rendered in the one error shape by
JsonExceptionMiddleware; once streaming, every failure is spoken instead (see live.py).
"""

from __future__ import annotations

from contextlib import aclosing

from django.http import JsonResponse, StreamingHttpResponse
from django.views.decorators.csrf import csrf_exempt

from juggy.errors import ApiError
from sessions_app.vapi.auth import vapi_authenticate
from sessions_app.vapi.db import db_call
from sessions_app.vapi.live import LiveTurn, live_turn_start
from sessions_app.vapi.payload import ChatRequest, ServerMessage, parse_json_object
from sessions_app.vapi.services import vapi_event_handle
from sessions_app.vapi.sse import DONE, Completion


class MethodNotAllowed(ApiError):
    status_code = 405
    default_code = "method_not_allowed"
    default_message = "Only POST is allowed here."


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
async def chat_completions(request, kind: str):
    """POST /v2/chat/completions (standard sessions) and /v3/chat/completions (enterprise)."""
    _require_post(request)
    await vapi_authenticate(request)
    chat = ChatRequest.parse(parse_json_object(request.body))
    turn = await live_turn_start(chat, kind, request.path)
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
