"""VAPI's server webhook (its chat completions are served ahead of Django: sessions_app/vapi/asgi.py).

A plain async Django view, not DRF: the body is VAPI's own format (camelCase server messages) and is
read as sent, not through the project's camelCase parsers. Errors are raised as DomainError and
rendered in the one error shape by JsonExceptionMiddleware.
"""

from __future__ import annotations

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from conversations.db import db_call
from juggy.errors import MethodNotAllowed
from sessions_app.vapi.auth import vapi_authenticate
from sessions_app.vapi.payload import ServerMessage, parse_json_object
from sessions_app.vapi.services import vapi_event_handle


@csrf_exempt  # server-to-server, authenticated by secret or token, never by a browser cookie
async def webhook(request):
    """POST /vapi/webhook: VAPI server messages (status-update, end-of-call-report; others ignored)."""
    if request.method != "POST":
        raise MethodNotAllowed(f"{request.method} is not allowed here; use POST.")
    await vapi_authenticate(request.headers)
    message = ServerMessage.parse(parse_json_object(request.body))
    outcome = await db_call(vapi_event_handle)(message=message)
    return JsonResponse({"received": True, "type": message.type, "outcome": outcome})
