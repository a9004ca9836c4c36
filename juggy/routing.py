"""WebSocket routes. The interviews app owns the consumer; this module only places it."""

from django.urls import re_path

from interviews_app.consumers import InterviewConsumer

websocket_urlpatterns = [
    re_path(r"^ws/interview/?$", InterviewConsumer.as_asgi()),
    # The contract connects at the server root (ws://host:port).
    re_path(r"^$", InterviewConsumer.as_asgi()),
]
