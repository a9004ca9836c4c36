"""WebSocket routes. The interviews app owns the consumer; this module only places it."""

from channels.generic.websocket import WebsocketConsumer
from django.urls import re_path

from interviews_app.consumers import InterviewConsumer


class UnknownPathConsumer(WebsocketConsumer):
    """Any other path: refuse the handshake (HTTP 403) instead of raising in the router."""

    def connect(self):
        self.close()


websocket_urlpatterns = [
    re_path(r"^ws/interview/?$", InterviewConsumer.as_asgi()),
    # The contract connects at the server root (ws://host:port).
    re_path(r"^$", InterviewConsumer.as_asgi()),
    re_path(r"", UnknownPathConsumer.as_asgi()),
]
