"""One ASGI application for HTTP and WebSocket (`make serve`: uvicorn juggy.asgi:application)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "juggy.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import OriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402

from juggy.middleware import BodyLimitMiddleware  # noqa: E402
from juggy.routing import websocket_urlpatterns  # noqa: E402
from sessions_app.vapi.asgi import ChatCompletionsRouter  # noqa: E402


class WebSocketOriginValidator(OriginValidator):
    """Browsers must come from one of our hosts or a CORS-allowed frontend origin. A client that sends
    no Origin (a server, a CLI, a LiveKit agent) is not a browser, so there is no cross-site request to
    forbid; it authenticates with its token in joinInterview like everyone else."""

    def valid_origin(self, parsed_origin):
        if parsed_origin is None:
            return True
        return self.validate_origin(parsed_origin)


def websocket_origins() -> list[str]:
    hosts = list(settings.ALLOWED_HOSTS)
    if settings.DEBUG:
        hosts += [".localhost", "127.0.0.1", "[::1]"]
    return hosts + list(settings.CORS_ALLOWED_ORIGINS)


http_app = django_asgi_app
if settings.SERVE_FILES:
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

    http_app = ASGIStaticFilesHandler(django_asgi_app)
# VAPI's chat completions (a live call's every turn) are served ahead of Django's handler and its
# middleware chain; see sessions_app/vapi/asgi.py for why and for what that path keeps.
http_app = ChatCompletionsRouter(http_app)
# Outermost, so no body is buffered past its route's limit (juggy.middleware.body_limit).
http_app = BodyLimitMiddleware(http_app)

application = ProtocolTypeRouter(
    {
        "http": http_app,
        "websocket": WebSocketOriginValidator(URLRouter(websocket_urlpatterns), websocket_origins()),
    }
)
