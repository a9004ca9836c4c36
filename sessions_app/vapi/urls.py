from django.urls import path

from sessions_app.vapi import views

# The chat completions (/v2, /v3) are served ahead of Django: see sessions_app/vapi/asgi.py.
urlpatterns = [
    path("vapi/webhook", views.webhook, name="vapi-webhook"),
]
