"""GET /health: the state of each component.

Public answer: only `status` per component (`ok` or `error`), 200 when all are ok, 503 otherwise. Staff
users and service tokens also get the details (backends, broker, model, worker count, each probe's
latency and error): those name the vendor, the broker and internal hosts, which are nobody else's
business.

The probes run at once, each in its own thread, and the answer waits at most PROBE_TIMEOUT (2 s) for
them: a probe still waiting then is reported as an error ("no answer within 2 s"), whatever timeout
its own client has (the database pool waits up to DB_POOL_TIMEOUT for a connection, 10 s by default).

- database: ``SELECT 1`` on the default connection.
- channelLayer: PING to REDIS_URL (when set) with PROBE_TIMEOUT connect and socket timeouts.
- celery (worker mode): a broker connection, then a ping that at least one worker must answer within
  WORKER_PING_TIMEOUT: queued work is only done if a worker is alive. Eager mode: nothing to probe.
- storage: ``exists()`` on the default storage.
- ai: reports the configured providers from settings; it does not contact them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connections
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from juggy.errors import error_body

PROBE_TIMEOUT = 2.0  # the longest /health waits for any probe; also Redis connect/socket timeouts
WORKER_PING_TIMEOUT = 1.0


def check_database() -> dict:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"backend": connections["default"].vendor}
    finally:
        connections["default"].close()  # this probe's thread ends here: give the connection back


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
    replies = app.control.ping(timeout=WORKER_PING_TIMEOUT, limit=1)
    if not replies:
        raise RuntimeError(f"no worker answered a ping within {WORKER_PING_TIMEOUT:g} s")
    return {"mode": "worker", "broker": conn.transport_cls, "workers": len(replies)}


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


def _probe(check: Callable[[], dict]) -> dict:
    started = time.perf_counter()
    try:
        result = {"status": "ok", **check()}
    except Exception as exc:  # a probe reports whatever broke; it must never raise
        result = {"status": "error", "error": f"{type(exc).__name__}: {exc}"[:300]}
    result["latencyMs"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def run_checks() -> tuple[bool, dict]:
    results: dict[str, dict] = {}
    threads = []
    for name, check in CHECKS.items():
        # Daemon threads: a probe still waiting after the deadline finishes on its own, nobody joins it.
        thread = threading.Thread(target=lambda n=name, c=check: results.__setitem__(n, _probe(c)),
                                  name=f"health-{name}", daemon=True)
        thread.start()
        threads.append(thread)
    deadline = time.monotonic() + PROBE_TIMEOUT
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    late = {"status": "error", "error": f"no answer within {PROBE_TIMEOUT:g} s", "latencyMs": PROBE_TIMEOUT * 1000}
    components = {name: dict(results.get(name) or late) for name in CHECKS}
    return all(c["status"] == "ok" for c in components.values()), components


def may_see_details(request) -> bool:
    """Staff users and service tokens; a missing or bad token only means the public answer."""
    try:
        user, auth = request.user, request.auth
    except exceptions.APIException:
        return False
    return bool(getattr(auth, "is_service", False) or getattr(user, "is_staff", False))


_component = inline_serializer("HealthComponent", {"status": serializers.ChoiceField(["ok", "error"])})


class HealthView(APIView):
    permission_classes = [AllowAny]
    throttle_classes: list = []

    def perform_authentication(self, request):
        pass  # lazily, in may_see_details: a bad token is not an error here, only no details

    @extend_schema(
        tags=["health"],
        summary="Health of the API and its components",
        description="Public: `status` per component. Staff users and service tokens also get each component's "
        "details (backend, latency, error).",
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
        if not may_see_details(request):
            components = {name: {"status": c["status"]} for name, c in components.items()}
        body = {"status": "ok" if healthy else "error", "components": components}
        if not healthy:
            failing = [name for name, c in components.items() if c["status"] != "ok"]
            # Also in the one error shape, so clients that only read `error` see what failed.
            body.update(error_body("unhealthy", f"Failing: {', '.join(failing)}.", {"failing": failing}))
        return Response(body, status=200 if healthy else 503)
