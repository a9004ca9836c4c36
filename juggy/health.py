"""GET /health: the state of each component, probed one after another on every request.

Milliseconds when everything is up, but not fast when something is down: only some probes have a
timeout of their own, and the probes run in sequence, so their waits add up (about 10 s for a
PostgreSQL that does not answer, 2 s more when Redis, the default broker, refuses connections):

- database: ``SELECT 1`` on the default connection. No probe timeout: it waits as long as the database
  settings let it (PostgreSQL ``connect_timeout`` 5 s; with the connection pool, up to DB_POOL_TIMEOUT,
  10 s by default, for a connection). The query itself has no statement timeout.
- channelLayer: PING to REDIS_URL (when set) with PROBE_TIMEOUT (2 s) connect and socket timeouts.
- celery (worker mode): connects to the broker, and once more after a 2 s pause unless PROBE_TIMEOUT
  has already passed; each attempt waits up to the broker connection timeout (Celery's default 4 s). A
  broker that refuses connections costs about 2 s, one that does not answer up to about 8 s.
- storage: ``exists()`` on the default storage, with whatever timeouts the storage backend has (a local
  filesystem answers at once; a remote one uses its client's defaults).
- ai: reports the configured providers from settings; it does not contact them.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connections
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from juggy.errors import error_body

PROBE_TIMEOUT = 2.0  # Redis connect/socket timeout; no Celery broker retry once it has passed


def check_database() -> dict:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"backend": connections["default"].vendor}


def _redis_ping(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=PROBE_TIMEOUT, socket_timeout=PROBE_TIMEOUT)
    try:
        client.ping()
    finally:
        client.close()


def check_channel_layer() -> dict:
    backend = settings.CHANNEL_LAYERS["default"]["BACKEND"].rsplit(".", 1)[-1]
    if settings.REDIS_URL:
        _redis_ping(settings.REDIS_URL)
    return {"backend": backend}


def check_celery() -> dict:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"mode": "eager"}
    from juggy.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=PROBE_TIMEOUT)
    return {"mode": "worker", "broker": conn.transport_cls}


def check_storage() -> dict:
    default_storage.exists("health-probe")
    return {"backend": type(default_storage._wrapped if hasattr(default_storage, "_wrapped") else default_storage).__name__}


def check_ai() -> dict:
    info = {"provider": settings.AI_PROVIDER, "speech": settings.SPEECH_PROVIDER}
    if settings.AI_PROVIDER == "openai":
        info["model"] = settings.OPENAI_MODEL
    return info


CHECKS: dict[str, Callable[[], dict]] = {
    "database": check_database,
    "channelLayer": check_channel_layer,
    "celery": check_celery,
    "storage": check_storage,
    "ai": check_ai,
}


def run_checks() -> tuple[bool, dict]:
    components, healthy = {}, True
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            detail = check()
            components[name] = {"status": "ok", **detail}
        except Exception as exc:  # a probe reports whatever broke; it must never raise
            healthy = False
            components[name] = {"status": "error", "error": f"{type(exc).__name__}: {exc}"[:300]}
        components[name]["latencyMs"] = round((time.perf_counter() - started) * 1000, 1)
    return healthy, components


_component = inline_serializer("HealthComponent", {"status": serializers.ChoiceField(["ok", "error"])})


class HealthView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

    @extend_schema(
        tags=["health"],
        summary="Health of the API and its components",
        responses={
            200: inline_serializer(
                "Health",
                {"status": serializers.CharField(), "components": serializers.DictField(child=_component)},
            ),
            503: OpenApiResponse(description="A component is failing; `components` says which."),
        },
    )
    def get(self, request):
        healthy, components = run_checks()
        body = {"status": "ok" if healthy else "error", "components": components}
        if not healthy:
            failing = [name for name, c in components.items() if c["status"] != "ok"]
            # Also in the one error shape, so clients that only read `error` see what failed.
            body.update(error_body("unhealthy", f"Failing: {', '.join(failing)}.", {"failing": failing}))
        return Response(body, status=200 if healthy else 503)
