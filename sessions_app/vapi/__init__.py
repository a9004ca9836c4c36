"""Live interviews over VAPI: OpenAI-compatible streaming chat completions and VAPI's webhook.

See docs/vapi.md. Wired into the root URLs with `path("", include("sessions_app.vapi.urls"))`.
"""
