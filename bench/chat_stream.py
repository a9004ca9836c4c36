"""Chat-completions proxy overhead: our /v2/chat/completions versus the upstream model it streams from.

    .venv/bin/python bench/chat_stream.py [--tokens 40] [--pace-ms 20] [--first-token-ms 250]
                                          [--concurrency 1,50,200] [--turns 3]
                                          [--database-url URL [--redis-url URL]]

Production mode (what the targets are about): `--database-url postgres://... --redis-url redis://...`;
without them the server runs embedded (SQLite file, in-memory channel layer).

Three processes, so that client, server and upstream do not share one interpreter lock:
- the upstream: the tests' loopback OpenAI-compatible server (testsupport/openai_server.py), streaming
  `--tokens` words, the first after `--first-token-ms`, then one every `--pace-ms` (a model's pace);
- our server: daphne serving juggy.asgi, AI_PROVIDER=openai pointed at that upstream, on its own SQLite
  database (or `--database-url`);
- this client: a minimal raw-asyncio HTTP/SSE reader, the same for both paths, so that what is compared
  is the server and not the client's parsing (the `openai` client's per-chunk pydantic models would cost
  this process more CPU than our server at 200 streams). The real `openai` client is what the tests use.

At each concurrency C, C workers each run `--turns` streams back to back (starts spread over one stream's
duration, so the load is C streams in flight, not one burst of C connects), first straight from the
upstream, then through our endpoint (a mid-interview turn of a linked, funded /v2 session, after an
unmeasured opening turn). Time to first token (first non-empty content) and total time (until [DONE])
are reported as medians and p95, and as ratios ours / direct, with the CPU that our server, this client
and the upstream spent per stream. Targets: TTFT ratio <= 1.05 at 1 stream,
<= 1.2 at 200.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-vapi-secret"
ANSWER = (
    "At Acme I rebuilt the billing API on PostgreSQL and Celery; p95 latency went from 800 to 120 ms after I "
    "added the right indexes and moved slow work to workers, and I documented the trade-offs for the team."
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listening on port {port} after {timeout} s")


# --- the upstream (child process) ------------------------------------------------------------------


def serve_upstream(port_file: str, tokens: int, pace: float, first: float) -> None:
    from testsupport.openai_server import OpenAITestServer, Reply

    text = " ".join(f"tok{i}" for i in range(tokens))
    server = OpenAITestServer(default=Reply(text=text, first_token_delay=first, token_delay=pace)).start()
    Path(port_file).write_text(str(server.port))
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    server.stop()


# --- measuring ---------------------------------------------------------------------------------------


class SSEClient:
    """A deliberately light HTTP/1.1 + SSE reader (raw asyncio streams, one connection per stream), used
    for both paths, so that at 200 streams the client's own parsing is not what is measured: it decodes
    JSON only until the first content delta, and keeps the rest as bytes until the stream has ended."""

    def __init__(self, base_url: str, path: str, api_key: str):
        parts = urlsplit(base_url)
        self.host, self.port, self.path = parts.hostname, parts.port, path
        self.head = (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nAuthorization: Bearer {api_key}\r\n"
            "Content-Type: application/json\r\nAccept: text/event-stream\r\nConnection: close\r\n"
        )

    async def stream(self, messages: list[dict], extra: dict | None = None) -> tuple[float, float, str]:
        """(time to first content token, total time until [DONE], the text)."""
        body = json.dumps({"model": "gpt-4o", "stream": True, "messages": messages, **(extra or {})}).encode()
        start = time.perf_counter()
        reader, writer = await asyncio.open_connection(self.host, self.port)
        try:
            writer.write(f"{self.head}Content-Length: {len(body)}\r\n\r\n".encode() + body)
            head = await reader.readuntil(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 200"):
                status = head.partition(b"\r\n")[0].decode()
                raise RuntimeError(f"{self.path}: {status}: {(await reader.read())[:200]!r}")
            chunked = b"transfer-encoding: chunked" in head.lower()
            first = total = None
            events: list[bytes] = []
            buffer = b""
            while total is None:
                if chunked:
                    size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                    data = (await reader.readexactly(size + 2))[:-2] if size else b""
                else:
                    data = await reader.read(65536)
                if not data:
                    raise RuntimeError(f"{self.path}: the stream ended without [DONE]")
                buffer += data
                *complete, buffer = buffer.split(b"\n\n")
                for event in complete:
                    payload = event.removeprefix(b"data: ")
                    if payload == b"[DONE]":
                        total = time.perf_counter() - start
                        break
                    events.append(payload)
                    if first is None and _content(payload):
                        first = time.perf_counter() - start
        finally:
            writer.close()
        text = "".join(_content(p) for p in events)
        return (first if first is not None else float("nan")), total, text


def _content(payload: bytes) -> str:
    choices = json.loads(payload).get("choices") or [{}]
    return choices[0].get("delta", {}).get("content") or ""


APOLOGIES = ("not available right now", "technical problem", "can't find")


async def one_stream(client: SSEClient, messages, extra) -> tuple[float, float, str]:
    first, total, text = await client.stream(messages, extra)
    if any(p in text for p in APOLOGIES):
        raise RuntimeError(f"an apology instead of the interviewer: {text[:80]!r}")
    return first, total, text


async def run_workers(concurrency: int, turns: int, spread: float, make_request) -> list[tuple[float, float]]:
    results: list[tuple[float, float]] = []

    async def worker(w: int) -> None:
        await asyncio.sleep(random.uniform(0, spread) if concurrency > 1 else 0)
        for t in range(turns):
            client, messages, extra = await make_request(w, t)
            results.append((await one_stream(client, messages, extra))[:2])

    await asyncio.gather(*(worker(w) for w in range(concurrency)))
    return results


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU time of a process so far (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, TypeError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def summary(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


# --- our side: sessions in the server's database ----------------------------------------------------


def setup_django(database_url: str) -> None:
    os.environ.update({"DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "juggy.settings"})
    import django

    django.setup()


def make_sessions(count: int, round_name: str) -> list[str]:
    """Funded, linked /v2 sessions with their plan made (so no model call plans them mid-benchmark)."""
    from conversations.services import job_context
    from juggy.accounts.models import User
    from juggy.accounts.services import credit_account_for_user, credits_grant
    from juggy.ai.config import AIConfig
    from juggy.ai.engine import engine_for
    from sessions_app.models import Session
    from sessions_app.services import session_create_standard

    engine = engine_for(AIConfig())  # the built-in planner: instant and offline
    user, _ = User.objects.get_or_create(username="bench")
    credits_grant(account=credit_account_for_user(user), amount=100 * count, idempotency_key=f"bench-{round_name}")
    calls = []
    for i in range(count):
        session = session_create_standard(
            user=user,
            other_context={"target_role": "Backend engineer", "job_description": "Django, PostgreSQL, Celery."},
            plan_now=False,
        )
        # Planned by the built-in planner whatever AI_PROVIDER says (the upstream only phrases turns).
        conversation = session.conversation
        conversation.plan = engine.plan(job_context(conversation)).to_dict()
        conversation.save(update_fields=["plan"])
        Session.objects.filter(pk=session.pk).update(call_id=f"bench-{round_name}-{i}")
        calls.append(f"bench-{round_name}-{i}")
    return calls


SYSTEM = {"role": "system", "content": "VAPI's own prompt, ignored by Juggy."}


async def measure_level(concurrency, turns, spread, direct, ours, pids) -> tuple:
    from asgiref.sync import sync_to_async

    async def direct_request(w, t):
        return direct, [SYSTEM, {"role": "user", "content": ANSWER}], None

    calls = await sync_to_async(make_sessions)(concurrency * turns, f"c{concurrency}-{time.time_ns()}")

    async def our_request(w, t):
        extra = {"call": {"id": calls[w * turns + t]}}
        # The opening turn first (unmeasured): the measured one is a typical mid-interview turn.
        _, _, opening = await one_stream(ours, [SYSTEM], extra)
        return ours, [SYSTEM, {"role": "assistant", "content": opening}, {"role": "user", "content": ANSWER}], extra

    direct_results = await run_workers(concurrency, turns, spread, direct_request)
    before = [cpu_seconds(pid) for pid in pids]
    our_results = await run_workers(concurrency, turns, spread, our_request)
    # CPU per stream of our server, of this client and of the upstream while our streams ran, openings
    # included: where the time goes when cores are short.
    cpu = [(cpu_seconds(pid) - b) / (2 * len(our_results)) for pid, b in zip(pids, before, strict=True)]
    return (
        concurrency,
        len(our_results),
        summary([r[0] for r in direct_results]),
        summary([r[0] for r in our_results]),
        summary([r[1] for r in direct_results]),
        summary([r[1] for r in our_results]),
        cpu,
    )


async def measure(args, upstream_url: str, ours_url: str, pids: list[int]) -> list[tuple]:
    direct = SSEClient(upstream_url, "/v1/chat/completions", "sk-loopback-test")
    ours = SSEClient(ours_url, "/v2/chat/completions", SECRET)
    spread = args.first_token_ms / 1000 + args.tokens * args.pace_ms / 1000
    rows = []
    for concurrency in args.concurrency:
        turns = args.turns if concurrency > 1 else max(args.turns, 10)
        rows.append(await measure_level(concurrency, turns, spread, direct, ours, pids))
        print_row(rows[-1])
    return rows


def print_row(row) -> None:
    c, n, d_ttft, o_ttft, d_total, o_total, (cpu, client_cpu, upstream_cpu) = row
    print(
        f"{c:>5} {n:>6}  TTFT direct {d_ttft[0] * 1000:7.1f} ms (p95 {d_ttft[1] * 1000:7.1f})  ours "
        f"{o_ttft[0] * 1000:7.1f} ms (p95 {o_ttft[1] * 1000:7.1f})  ratio {o_ttft[0] / d_ttft[0]:5.3f}   |   total "
        f"direct {d_total[0] * 1000:7.1f} ms  ours {o_total[0] * 1000:7.1f} ms  ratio {o_total[0] / d_total[0]:5.3f}"
        f"   |   CPU ms/stream: server {cpu * 1000:5.1f}, client {client_cpu * 1000:4.1f}, upstream {upstream_cpu * 1000:4.1f}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tokens", type=int, default=40)
    parser.add_argument("--pace-ms", type=float, default=20.0)
    parser.add_argument("--first-token-ms", type=float, default=250.0)
    parser.add_argument("--concurrency", type=lambda s: [int(x) for x in s.split(",")], default=[1, 50, 200])
    parser.add_argument("--turns", type=int, default=3, help="measured streams per worker (at least 10 at 1 stream)")
    parser.add_argument("--database-url", default="", help="default: a fresh SQLite file (embedded mode)")
    parser.add_argument(
        "--redis-url", default="", help="production mode with --database-url (CHANNEL_LAYER_PREFIX etc. from the environment)"
    )
    parser.add_argument("--serve-upstream", metavar="PORT_FILE", help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.serve_upstream:
        serve_upstream(args.serve_upstream, args.tokens, args.pace_ms / 1000, args.first_token_ms / 1000)
        return

    # A SIGTERM (e.g. from `timeout`) must still run the cleanup below, or the children outlive us.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    workdir = Path(tempfile.mkdtemp(prefix="juggy-bench-"))
    database_url = args.database_url or f"sqlite:///{workdir / 'db.sqlite3'}"
    base_env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "AI_PROVIDER")}
    base_env.update(JUGGY_ENV_FILE=str(workdir / "none.env"), SECRET_KEY="bench", LOG_LEVEL="WARNING", JUGGY_VAR_DIR=str(workdir))
    port_file = workdir / "upstream.port"
    upstream = subprocess.Popen(
        [sys.executable, __file__, "--serve-upstream", str(port_file), "--tokens", str(args.tokens),
         "--pace-ms", str(args.pace_ms), "--first-token-ms", str(args.first_token_ms)],
        env=base_env, cwd=ROOT,
    )
    server = None
    try:
        deadline = time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text()) and time.monotonic() < deadline:
            time.sleep(0.1)
        upstream_url = f"http://127.0.0.1:{port_file.read_text()}"
        subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], check=True, cwd=ROOT, env={**base_env, "DATABASE_URL": database_url})
        port = free_port()
        server_env = {
            **base_env,
            "DATABASE_URL": database_url,
            "AI_PROVIDER": "openai",
            "OPENAI_API_KEY": "sk-loopback-test",
            "OPENAI_BASE_URL": f"{upstream_url}/v1",
            "OPENAI_MAX_RETRIES": "0",
            "VAPI_SECRET": SECRET,
        }
        if args.redis_url:
            server_env["REDIS_URL"] = args.redis_url
        daphne = str(Path(sys.executable).parent / "daphne")
        server = subprocess.Popen([daphne, "-v", "0", "-b", "127.0.0.1", "-p", str(port), "juggy.asgi:application"], env=server_env, cwd=ROOT)
        wait_for_port(port)
        os.environ.update(JUGGY_ENV_FILE=base_env["JUGGY_ENV_FILE"], SECRET_KEY="bench", JUGGY_VAR_DIR=str(workdir), LOG_LEVEL="WARNING")
        os.environ.pop("REDIS_URL", None)
        setup_django(database_url)
        print(
            f"upstream: {args.tokens} tokens, first after {args.first_token_ms:g} ms, then one every {args.pace_ms:g} ms; "
            f"database: {database_url.split('://')[0]}; CPUs: {os.cpu_count()}"
        )
        print("    C    runs  (medians; ratio = ours / direct)")
        asyncio.run(measure(args, upstream_url, f"http://127.0.0.1:{port}", [server.pid, os.getpid(), upstream.pid]))
    finally:
        for process in (server, upstream):
            if process is not None:
                process.terminate()
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()


if __name__ == "__main__":
    main()
