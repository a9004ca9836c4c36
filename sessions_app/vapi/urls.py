from django.urls import path

from sessions_app.vapi import views

urlpatterns = [
    path("v2/chat/completions", views.chat_completions, {"kind": "standard"}, name="vapi-chat-standard"),
    path("v3/chat/completions", views.chat_completions, {"kind": "enterprise"}, name="vapi-chat-enterprise"),
    path("vapi/webhook", views.webhook, name="vapi-webhook"),
]
