"""Live daphne servers for tests: real processes, real sockets, sharing the test database.

The server reads the test database: PostgreSQL's test database by name in production mode; in
embedded mode a file copy of the in-memory SQLite test database (taken when the server starts, so
create users and tokens first). Production-mode servers also share the Redis channel layer.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import websockets
from django.conf import settings
from django.db import connection

STARTUP_SECONDS = 60


def database_url(tmp_path: Path) -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        path = tmp_path / "live.sqlite3"
        connection.ensure_connection()
        with contextlib.closing(sqlite3.connect(path)) as copy:
            connection.connection.backup(copy)
        return f"sqlite:///{path}"
    user = db["USER"] or "postgres"
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(self, *, database: str, tmp_path: Path, name: str = "live"):
        self.port = _free_port()
        self.host = f"127.0.0.1:{self.port}"
        self.log = tmp_path / f"{name}.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
        env.update(
            DATABASE_URL=database,
            SECRET_KEY=settings.SECRET_KEY,  # candidate passes are signed with it
            LIVEKIT_LOCAL_API_SECRET=settings.LIVEKIT_LOCAL_API_SECRET,
            JUGGY_ENV_FILE=str(tmp_path / "no.env"),
            JUGGY_VAR_DIR=str(tmp_path / name),
            MEDIA_ROOT=str(tmp_path / name / "media"),
            DB_CONN_MAX_AGE="0",
        )
        self._log_file = open(self.log, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port), "juggy.asgi:application"],
            cwd=settings.BASE_DIR, env=env, stdout=self._log_file, stderr=subprocess.STDOUT,
        )
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"daphne exited: {self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"http://{self.host}/health", timeout=2):
                    return
            except urllib.error.HTTPError:
                return  # serving: 503 only says a component (e.g. a Celery worker) is missing
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"daphne did not start: {self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log_file.close()

    def request(self, method: str, path: str, *, token: str, body: dict | None = None) -> tuple[int, dict]:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(
            f"http://{self.host}{path}", data=data, method=method,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(req, timeout=20) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read())

    async def arequest(self, method: str, path: str, *, token: str, body: dict | None = None) -> tuple[int, dict]:
        return await asyncio.to_thread(self.request, method, path, token=token, body=body)

    def websocket(self, path: str = "/ws/interview"):
        # Sent as a browser would; clients without an Origin are accepted too (juggy/asgi.py).
        return websockets.connect(f"ws://{self.host}{path}", origin=f"http://127.0.0.1:{self.port}", open_timeout=10)


async def ws_send(ws, event: str, data: dict | None = None) -> None:
    await ws.send(json.dumps({"event": event, "data": data or {}}))


async def ws_receive(ws, event: str | None = None, timeout: float = 15) -> dict:
    message = json.loads(await asyncio.wait_for(ws.recv(), timeout))
    if event is not None:
        assert message["event"] == event, message
    return message["data"]
