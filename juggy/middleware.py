import json
import re

from django.conf import settings
from django.http import JsonResponse
from django.utils.deprecation import MiddlewareMixin

from juggy.errors import error_body, escaped_error

# Browser UIs keep Django's own slash handling (and its HTML pages).
_SLASH_EXEMPT = ("/admin/", "/api/docs/", "/api/redoc/", "/static/", "/files/")
_SLASHES = re.compile(r"/{2,}")

# MiddlewareMixin middlewares run in a thread (sync_to_async) per hook under ASGI. VAPI's chat completions,
# the one route where that cost counts, is served before Django's handler (sessions_app/vapi/asgi.py).


class OptionalTrailingSlashMiddleware(MiddlewareMixin):
    """The API contract has no trailing slashes; accept them anyway by resolving without one. A doubled
    slash is one slash too: VAPI joins `<base URL>/chat/completions`, so a base URL pasted with a
    trailing slash (`https://host/v2/`) arrives as `/v2//chat/completions`."""

    def process_request(self, request):
        path = request.path_info
        if path.startswith(_SLASH_EXEMPT):
            return
        if "//" in path:
            path = _SLASHES.sub("/", path)
        if len(path) > 1 and path.endswith("/"):
            path = path.rstrip("/") or "/"
        request.path_info = path


class JsonExceptionMiddleware(MiddlewareMixin):
    """Last line of defence: an exception escaping a view becomes JSON in the one error shape,
    also with DEBUG on (Django's technical 500 page is HTML)."""

    def process_exception(self, request, exception):
        if request.path_info.startswith("/admin/") and settings.DEBUG:
            return None
        status, body, headers = escaped_error(exception, request.method, request.path)
        return JsonResponse(body, status=status, headers=headers)


# Multipart framing around an uploaded file (boundaries, part headers, other fields).
MULTIPART_SLACK_BYTES = 64 * 1024


_VAPI_PATHS = ("/v2/chat/completions", "/v3/chat/completions", "/vapi/webhook")


def body_limit(path: str) -> int:
    """The most bytes a request body to `path` may have: the upload routes their own setting plus
    multipart framing, VAPI's routes Django's own cap, everything else REQUEST_MAX_BODY_BYTES."""
    path = path.rstrip("/")
    if path in ("/media/upload", "/media/upload/v2"):
        return settings.MEDIA_MAX_UPLOAD_BYTES + MULTIPART_SLACK_BYTES
    if path == "/transcription/audio":
        return settings.STT_MAX_UPLOAD_BYTES + MULTIPART_SLACK_BYTES
    if path in _VAPI_PATHS:
        # VAPI sends the whole conversation on every turn and the whole call in its end-of-call report:
        # these keep Django's own cap (DATA_UPLOAD_MAX_MEMORY_SIZE, 5 MB).
        return max(settings.REQUEST_MAX_BODY_BYTES, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    return settings.REQUEST_MAX_BODY_BYTES


class BodyLimitMiddleware:
    """ASGI: bound every HTTP request body before anything buffers it.

    A declared Content-Length over the route's limit is answered 413 at once, without reading the body.
    A body without one (chunked) is counted as it arrives: past the limit the client gets 413 and the
    application sees a disconnect, so Django never holds more than the limit. This only helps under a
    server that hands the body over as it arrives (uvicorn, `make serve`); daphne reads it whole first.
    """

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = body_limit(scope["path"])
        declared = next((v for k, v in scope["headers"] if k == b"content-length"), None)
        if declared is not None and declared.isdigit():
            if int(declared) > limit:
                return await _refuse(send, limit)
            # The server frames the body by its Content-Length (HTTP/1.1 parsers reject a request that
            # also says chunked): nothing past it can arrive, so there is nothing to count. Not wrapping
            # receive and send here keeps this layer off the per-event path of a streamed response.
            return await self.app(scope, receive, send)

        received = 0
        refused = started = False

        async def bounded_receive():
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    refused = True
                    if not started:
                        await _refuse(send, limit)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message):
            nonlocal started
            if refused:
                return  # we have answered 413; whatever the application says after it is dropped
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, bounded_receive, guarded_send)


async def _refuse(send, limit: int) -> None:
    body = json.dumps(
        error_body("payload_too_large", f"The request body is larger than {limit} bytes.", {"maxBytes": limit})
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
