"""Request bodies are bounded before anything buffers them (juggy.middleware.BodyLimitMiddleware)."""

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from channels.testing import ApplicationCommunicator
from django.conf import settings

from juggy.asgi import application
from juggy.middleware import BodyLimitMiddleware, body_limit


def http_scope(path: str, headers: list[tuple[bytes, bytes]] | None = None) -> dict:
    return {"type": "http", "method": "POST", "path": path, "raw_path": path.encode(), "query_string": b"",
            "headers": headers or [], "http_version": "1.1", "scheme": "http",
            "client": ("127.0.0.1", 5000), "server": ("testserver", 80)}


class RecordingApp:
    """Stands in for Django: reads the whole body, as Django's handler does, and records what it saw."""

    def __init__(self):
        self.received: list[dict] = []

    async def __call__(self, scope, receive, send):
        while True:
            message = await receive()
            self.received.append(message)
            if message["type"] == "http.disconnect" or not message.get("more_body"):
                break
        if message["type"] == "http.request":
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"ok"})


async def answer(communicator: ApplicationCommunicator) -> tuple[dict, dict]:
    start = await communicator.receive_output(timeout=5)
    body = await communicator.receive_output(timeout=5)
    return start, json.loads(body["body"])


def test_limits_are_per_route(settings):
    settings.REQUEST_MAX_BODY_BYTES = 1000
    settings.MEDIA_MAX_UPLOAD_BYTES = 5000
    settings.STT_MAX_UPLOAD_BYTES = 7000
    assert body_limit("/auth/token") == 1000
    assert body_limit("/media/upload") == body_limit("/media/upload/v2/") == 5000 + 64 * 1024
    assert body_limit("/transcription/audio") == 7000 + 64 * 1024
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 9000
    assert body_limit("/v2/chat/completions") == body_limit("/vapi/webhook/") == 9000


async def test_declared_oversized_body_is_refused_before_reading(settings):
    settings.REQUEST_MAX_BODY_BYTES = 1000
    inner = RecordingApp()
    communicator = ApplicationCommunicator(
        BodyLimitMiddleware(inner), http_scope("/auth/token", [(b"content-length", b"1001")]))
    await communicator.send_input({"type": "http.request", "body": b"x" * 1001})  # never read
    start, body = await answer(communicator)
    assert start["status"] == 413 and (b"connection", b"close") in start["headers"]
    assert body["error"]["code"] == "payload_too_large" and body["error"]["details"] == {"maxBytes": 1000}
    assert inner.received == []  # the application was never called
    await communicator.wait(timeout=5)


async def test_streamed_body_is_cut_at_the_limit(settings):
    settings.REQUEST_MAX_BODY_BYTES = 1000
    inner = RecordingApp()
    communicator = ApplicationCommunicator(BodyLimitMiddleware(inner), http_scope("/auth/token"))
    for _ in range(3):
        await communicator.send_input({"type": "http.request", "body": b"x" * 400, "more_body": True})
    start, body = await answer(communicator)
    assert start["status"] == 413 and body["error"]["code"] == "payload_too_large"
    await communicator.wait(timeout=5)
    # Django saw two chunks (800 bytes), then a disconnect instead of the third; it answered nothing.
    assert [m["type"] for m in inner.received] == ["http.request", "http.request", "http.disconnect"]
    assert await communicator.receive_nothing()


async def test_body_within_the_limit_passes_through(settings):
    settings.REQUEST_MAX_BODY_BYTES = 1000
    inner = RecordingApp()
    communicator = ApplicationCommunicator(BodyLimitMiddleware(inner), http_scope("/auth/token"))
    await communicator.send_input({"type": "http.request", "body": b"x" * 600, "more_body": True})
    await communicator.send_input({"type": "http.request", "body": b"x" * 400})
    start = await communicator.receive_output(timeout=5)
    assert start["status"] == 200
    assert sum(len(m["body"]) for m in inner.received) == 1000


@pytest.mark.django_db(transaction=True)
async def test_the_served_application_is_bounded(settings):
    """juggy.asgi.application itself: an oversized JSON body to a real endpoint is a 413 in the error shape."""
    settings.REQUEST_MAX_BODY_BYTES = 1024
    communicator = ApplicationCommunicator(
        application, http_scope("/auth/token", [(b"content-type", b"application/json"), (b"host", b"127.0.0.1")]))
    await communicator.send_input({"type": "http.request", "body": b'{"username": "' + b"a" * 2000, "more_body": True})
    start, body = await answer(communicator)
    assert start["status"] == 413 and body["error"]["code"] == "payload_too_large"


# --- `make serve` (scripts/serve): the real server with a real socket ---------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(tmp_path):
    """scripts/serve (what `make serve`, the Dockerfile and compose run) in embedded mode, one worker."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(SECRET_KEY="serve-test", DEBUG="0", HOST="127.0.0.1", PORT=str(port), PYTHON=sys.executable,
               WEB_CONCURRENCY="1", JUGGY_VAR_DIR=str(tmp_path), JUGGY_ENV_FILE=str(tmp_path / "no.env"),
               DATABASE_URL="", REDIS_URL="", MEDIA_MAX_UPLOAD_BYTES=str(1024 * 1024))
    log = open(tmp_path / "serve.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(["sh", "scripts/serve"], cwd=settings.BASE_DIR, env=env, stdout=log,
                               stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert process.poll() is None, (tmp_path / "serve.log").read_text()[-3000:]
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(20)
        log.close()


def test_make_serve_cuts_a_chunked_upload_at_the_limit(served):
    sock = socket.create_connection(("127.0.0.1", served), timeout=30)
    sock.sendall(b"POST /media/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
                 b"Content-Type: multipart/form-data; boundary=b\r\n\r\n")
    sent, chunk = 0, b"x" * 65536
    with contextlib.suppress(OSError):  # the server closes the connection once it has answered
        while sent < 200 * 1024 * 1024:
            sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            sent += len(chunk)
    reply = sock.recv(65536)
    sock.close()
    assert reply.startswith(b"HTTP/1.1 413"), reply[:200]
    assert json.loads(reply.split(b"\r\n\r\n", 1)[1])["error"]["code"] == "payload_too_large"
    assert sent < 50 * 1024 * 1024  # cut long before the 200 MB were sent
    with urllib.request.urlopen(f"http://127.0.0.1:{served}/health", timeout=10) as health:
        assert health.status == 200


def test_make_serve_speaks_websocket(served):
    # uvicorn's sans-I/O websockets protocol (scripts/serve): the interview socket answers its events.
    from websockets.sync.client import connect

    with connect(f"ws://127.0.0.1:{served}/ws/interview", open_timeout=10) as socket_:
        socket_.send(json.dumps({"event": "nonsense", "data": {}}))
        reply = json.loads(socket_.recv(timeout=10))
    assert reply["event"] == "error", reply
