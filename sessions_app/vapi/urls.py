from django.urls import path

from juggy.versioning import urls
from sessions_app.vapi import views

urlpatterns = [
    # One view, one row of views.CHAT_VERSIONS per version (/v2: standard sessions, /v3: enterprise).
    *urls(views.chat_completions, views.CHAT_VERSIONS),
    path("vapi/webhook", views.webhook, name="vapi-webhook"),
]
