"""Chat-completions proxy overhead: our /v2/chat/completions, a bare proxy (the anchor) and the upstream itself.

    .venv/bin/python bench/chat_stream.py [--concurrency 1,50,200] [--rounds 3] [--turns 3]
                                          [--server serve|daphne] [--workers N]
                                          [--tokens 40] [--pace-ms 20] [--first-token-ms 250]
                                          [--database-url URL [--redis-url URL]]

Production mode, the one issue 17's targets are about (about 2-3 minutes with `--concurrency 1,50 --rounds 2`):

    .venv/bin/python bench/chat_stream.py --database-url postgres://postgres@127.0.0.1:5432/juggy_bench \
        --redis-url redis://127.0.0.1:6379/5

The database is created if it is missing (the URL's user must be allowed to). Without `--database-url`
our server runs embedded (a fresh SQLite file, in-memory channel layer) and the anchor is skipped: it
writes its turns to PostgreSQL.

Separate processes, so that client, servers and upstream do not share one interpreter lock:
- the upstream: the tests' loopback OpenAI-compatible server (testsupport/openai_server.py), streaming
  `--tokens` words, the first after `--first-token-ms`, then one every `--pace-ms` (a model's pace), and
  answering a structured-output request (the interviewer's answer assessment) with a valid JSON verdict
  after `--first-token-ms`;
- ours: Juggy started the production way, `sh scripts/serve` (migrate, then uvicorn with uvloop and
  httptools, `--workers` processes, default the core count), or one daphne process (`--server daphne`,
  what `make run` uses); AI_PROVIDER=openai pointed at the upstream;
- the anchor (bench/chat_anchor.py): a bare Starlette app under uvicorn with the same flags and worker
  count, that checks the bearer in constant time, relays the upstream's SSE unchanged through an aiohttp
  client and, after the stream, writes the turn with one INSERT into the same database;
- this client: a minimal raw-asyncio HTTP/SSE reader, the same for all three, so that what is compared
  is the servers and not the client's parsing (the `openai` client's per-chunk pydantic models would cost
  this process more CPU than a server at 200 streams). The real `openai` client is what the tests use.

First, a few unmeasured mid-interview turns per server process warm both servers up. Then at each
concurrency C there are `--rounds` rounds. A round first prepares, unmeasured: C x `--turns`
funded, linked /v2 sessions (C x 10 at one stream), each with its opening turn run through our server,
and C warm-up streams through the anchor. Then it runs the three variants one after the other, in an
order rotated each round (direct, anchor, ours; then anchor, ours, direct; ...) so that drift on a shared
machine hits all three: C workers each run their streams back to back (starts spread over one stream's
duration, so the load is C streams in flight, not one burst of C connects). All three get the same
bodies: a mid-interview turn of one prepared session (system prompt, the opening, a candidate's answer
of its own, the call id). With AI_MODEL_ASSESSES_STREAMED_TURNS=true in the environment, our server
also has the model judge each answer before it replies (one more model round trip before the first token).
Only around those measured turns does the bench read CPU time (user + system from /proc/<pid>/stat)
of the server's whole process tree (uvicorn's master and its workers), of this client and of the
upstream, then divides by the number of measured turns. A short pause before each reading lets work a
server does after [DONE] (the transcript write) land in the turn that caused it.

Reported: per round, each variant's TTFT (time to the first non-empty content) and total time (until
[DONE]) medians and CPU per turn; at the end, a row per concurrency with TTFT median and p95 over every
round's turns, TTFT and total-time ratios to direct, and server CPU ms per turn of the anchor and ours
(the median of the rounds' figures). Targets (issue 17), printed beside them: ours' server CPU per turn <= 2x the
anchor's at 50 streams; ours' TTFT <= 1.04x direct at 1 stream and <= 1.3x at 50 streams. CPU at one
stream is coarse: /proc counts in 10 ms ticks over ~10 turns.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
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
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-vapi-secret"
UPSTREAM_KEY = "sk-loopback-test"
ANSWER = (
    "At Acme I rebuilt the billing API on PostgreSQL and Celery; p95 latency went from 800 to 120 ms after I "
    "added the right indexes and moved slow work to workers, and I documented the trade-offs for the team."
)
SYSTEM = {"role": "system", "content": "VAPI's own prompt, ignored by Juggy."}
VARIANTS = ("direct", "anchor", "ours")
TTFT_TARGETS = {1: 1.04, 50: 1.3}  # ours ÷ direct, issue 17
CPU_TARGETS = {50: 2.0}  # ours ÷ anchor, server CPU per mid-interview turn
SETTLE = 0.3  # seconds before each CPU reading, for the writes a server does after [DONE]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, log: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited ({process.returncode}); its log, {log}, ends:\n{log_tail(log)}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listening on port {port} after {timeout} s; {log} ends:\n{log_tail(log)}")


def log_tail(log: Path) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-20:])


# --- the upstream (child process) ------------------------------------------------------------------


def serve_upstream(port_file: str, tokens: int, pace: float, first: float) -> None:
    """Streams `tokens` words; a structured-output request (our interviewer's answer assessment) gets a
    valid answer after the same first-token delay, as from a model, not the words (which our server
    would reject, ask again, then fall back on its heuristics: two failed calls a real model does not cost)."""
    from testsupport.openai_server import OpenAITestServer, Reply

    text = " ".join(f"tok{i}" for i in range(tokens))
    reply = Reply(text=text, first_token_delay=first, token_delay=pace)
    judgement = {"category": "specific", "missing": [], "mentioned": [], "reason": "A result with figures."}
    assessment = Reply.json(judgement, first_token_delay=first)
    server = OpenAITestServer()
    server.responder = lambda body: assessment if "response_format" in body else reply
    server.start()
    Path(port_file).write_text(str(server.port))
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    server.stop()


# --- the servers -----------------------------------------------------------------------------------


def start_server(command: list[str], env: dict, log: Path) -> tuple[subprocess.Popen, int]:
    """A server on a free loopback port, its output (uvicorn's access log included) in `log`."""
    port = free_port()
    with log.open("w") as out:
        process = subprocess.Popen(
            [part.replace("{port}", str(port)) for part in command], env={**env, "PORT": str(port)},
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
        )
    wait_for_port(port, process, log)
    return process, port


def ours_command(server: str) -> list[str]:
    if server == "daphne":
        return [str(Path(sys.executable).parent / "daphne"), "-v", "0", "-b", "127.0.0.1", "-p", "{port}", "juggy.asgi:application"]
    return ["sh", "scripts/serve"]  # HOST, PORT, PYTHON and the worker count come from the environment


def anchor_command(workers: int) -> list[str]:
    """scripts/serve's uvicorn flags that bear on HTTP (event loop, parser, workers, proxy and server
    headers, access log left on), with lifespan on: the anchor opens its pools there."""
    return [
        sys.executable, "-m", "uvicorn", "bench.chat_anchor:app", "--host", "127.0.0.1", "--port", "{port}",
        "--workers", str(workers), "--loop", "uvloop", "--http", "httptools", "--lifespan", "on",
        "--no-proxy-headers", "--no-server-header",
    ]


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database named in `url` if it does not exist, and the anchor's table in it."""
    import psycopg
    from psycopg import sql

    from bench.chat_anchor import TABLE

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(url, dbname="postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(TABLE)


def stop(process: subprocess.Popen | None) -> None:
    if process is None:
        return
    tree = process_tree(process.pid)
    process.terminate()
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        for pid in tree:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        process.wait()


# --- CPU time from /proc ------------------------------------------------------------------------------


def process_tree(root: int) -> list[int]:
    """`root` and all its descendants (uvicorn's master and its workers), found by scanning /proc."""
    children: dict[int, list[int]] = defaultdict(list)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            children[int(stat.read_text().rsplit(")", 1)[1].split()[1])].append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):  # a process that exited while we looked
            continue
    tree, todo = [], [root]
    while todo:
        tree.append(pid := todo.pop())
        todo.extend(children[pid])
    return tree


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far, all its threads (0 once it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_reading(watched: dict[str, tuple[int, bool]]) -> dict[str, dict[int, float]]:
    """Per watched name, CPU seconds of each process: the whole tree where asked, else the one process
    (this client's own children are the servers)."""
    return {
        name: {p: cpu_seconds(p) for p in (process_tree(pid) if tree else [pid])}
        for name, (pid, tree) in watched.items()
    }


def cpu_spent(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


# --- the client -------------------------------------------------------------------------------------


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


async def run_workers(client: SSEClient, bodies: list[list[tuple]], spread: float) -> list[tuple[float, float]]:
    """One worker per list in `bodies`, each running its streams back to back; (TTFT, total) per stream."""
    results: list[tuple[float, float]] = []

    async def worker(streams: list[tuple]) -> None:
        await asyncio.sleep(random.uniform(0, spread) if len(bodies) > 1 else 0)
        for messages, extra in streams:
            results.append((await one_stream(client, messages, extra))[:2])

    await asyncio.gather(*(worker(streams) for streams in bodies))
    return results


def summary(values: list[float]) -> tuple[float, float]:
    """(median, p95)."""
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


# --- one concurrency level ----------------------------------------------------------------------------


@dataclass
class Run:
    """One variant's measured turns at one concurrency in one round."""

    variant: str
    concurrency: int
    ttft: list[float]
    total: list[float]
    cpu: dict[str, float]  # CPU seconds per turn: "server" (its process tree), "client", "upstream"


async def prepare_round(concurrency, turns, clients, label) -> list[list[tuple]]:
    """Fresh sessions with their opening turn done through our server, and the anchor warmed up, all
    unmeasured: the bodies of the round's mid-interview turns, one list per worker."""
    from asgiref.sync import sync_to_async

    calls = await sync_to_async(make_sessions)(concurrency * turns, label)
    gate = asyncio.Semaphore(max(concurrency, 10))

    async def opening(call: str) -> tuple:
        extra = {"call": {"id": call}}
        async with gate:
            _, _, text = await one_stream(clients["ours"], [SYSTEM], extra)
        # An answer of its own, as every caller's is: the interviewer caches the model's verdict on an
        # answer it has seen, and identical answers would measure that cache, not a turn.
        answer = f"{ANSWER} That was project {call}."
        return [SYSTEM, {"role": "assistant", "content": text}, {"role": "user", "content": answer}], extra

    bodies = await asyncio.gather(*(opening(call) for call in calls))
    if "anchor" in clients:
        await asyncio.gather(*(one_stream(clients["anchor"], *bodies[w]) for w in range(concurrency)))
    return [bodies[w * turns : (w + 1) * turns] for w in range(concurrency)]


async def measure_run(variant, concurrency, bodies, spread, clients, watched) -> Run:
    """The variant's streams, with the CPU that its server (none for direct), this client and the upstream
    spent on them, per turn. The other server sits idle meanwhile."""
    processes = {"server": watched[variant]} if variant != "direct" else {}
    processes |= {"client": watched["client"], "upstream": watched["upstream"]}
    before = cpu_reading(processes)
    results = await run_workers(clients[variant], bodies, spread)
    await asyncio.sleep(SETTLE)
    after = cpu_reading(processes)
    cpu = {name: cpu_spent(before[name], after[name]) / len(results) for name in processes}
    return Run(variant, concurrency, [r[0] for r in results], [r[1] for r in results], cpu)


async def warm_up(clients: dict[str, SSEClient], workers: int) -> None:
    """A server process's first mid-interview turns pay one-off costs (imports, clients, connections):
    a few turns per process through each server, unmeasured, before anything is measured."""
    bodies = await prepare_round(4 * workers, 1, clients, f"warm-up-{time.time_ns()}")
    for variant in ("anchor", "ours"):
        if variant in clients:
            await run_workers(clients[variant], bodies, 0)


async def measure(args, clients: dict[str, SSEClient], watched: dict[str, tuple[int, bool]]) -> list[Run]:
    variants = [v for v in VARIANTS if v in clients]
    spread = args.first_token_ms / 1000 + args.tokens * args.pace_ms / 1000
    await warm_up(clients, args.workers)
    runs = []
    for concurrency in args.concurrency:
        turns = args.turns if concurrency > 1 else max(args.turns, 10)
        for r in range(args.rounds):
            bodies = await prepare_round(concurrency, turns, clients, f"c{concurrency}-r{r}-{time.time_ns()}")
            await asyncio.sleep(SETTLE)
            for variant in variants[r % len(variants) :] + variants[: r % len(variants)]:
                runs.append(await measure_run(variant, concurrency, bodies, spread, clients, watched))
                print_run(runs[-1], f"{r + 1}/{args.rounds}")
    return runs


# --- reporting --------------------------------------------------------------------------------------


def print_run(run: Run, round_name: str) -> None:
    ttft, total = summary(run.ttft), summary(run.total)
    cpu = "  ".join(f"{name} {seconds * 1000:5.1f}" for name, seconds in run.cpu.items())
    print(
        f"C={run.concurrency:<4} round {round_name}  {run.variant:<6} {len(run.ttft):>4} turns   TTFT {ttft[0] * 1000:7.1f} ms "
        f"(p95 {ttft[1] * 1000:7.1f})   total {total[0] * 1000:7.1f} ms   CPU ms/turn: {cpu}",
        flush=True,
    )


def cell(value: float | None, spec: str, width: int) -> str:
    return f"{'n/a' if value is None else format(value, spec):>{width}}"


def verdict(value: float | None, limit: float | None) -> str:
    if limit is None or value is None:
        return "-"
    return f"<= {limit:g} {'met' if value <= limit else 'MISSED'}"


def print_table(runs: list[Run], rounds: int) -> None:
    """Per concurrency: TTFT and total time over every measured turn of every round, server CPU per turn
    as the median of the rounds' figures, and the ratios that issue 17's targets are stated in."""
    by: dict[tuple[int, str], list[Run]] = defaultdict(list)
    for run in runs:
        by[run.concurrency, run.variant].append(run)
    levels = list(dict.fromkeys(run.concurrency for run in runs))
    print(f"\nFinal: {rounds} round(s) per concurrency, medians over all of them; ratios are of medians.")
    print(
        "    C  turns |  TTFT ms, median (p95):   direct            anchor              ours"
        " | TTFT ÷ direct: anchor   ours   target"
    )
    figures = {}
    for c in levels:
        ttft = {v: summary([t for run in by[c, v] for t in run.ttft]) for v in VARIANTS if by[c, v]}
        total = {v: statistics.median([t for run in by[c, v] for t in run.total]) for v in ttft}
        cpu = {v: statistics.median([run.cpu["server"] for run in by[c, v]]) for v in ("anchor", "ours") if v in ttft}
        figures[c] = ttft, total, cpu
        turns = sum(len(run.ttft) for run in by[c, "ours"])
        shown = [f"{ttft[v][0] * 1000:7.1f} ({ttft[v][1] * 1000:7.1f})" if v in ttft else f"{'n/a':>17}" for v in VARIANTS]
        anchor_ratio = ttft["anchor"][0] / ttft["direct"][0] if "anchor" in ttft else None
        ours_ratio = ttft["ours"][0] / ttft["direct"][0]
        print(
            f"{c:>5} {turns:>6} | {' ' * 22}{' '.join(shown)} | {' ' * 14}"
            f"{cell(anchor_ratio, '.3f', 7)} {cell(ours_ratio, '.3f', 6)}   {verdict(ours_ratio, TTFT_TARGETS.get(c))}"
        )
    print(
        "\n    C | total ÷ direct: anchor   ours | server CPU ms per mid-interview turn: anchor    ours"
        "   ours ÷ anchor   target"
    )
    for c in levels:
        ttft, total, cpu = figures[c]
        anchor_total = total["anchor"] / total["direct"] if "anchor" in total else None
        cpu_ratio = cpu["ours"] / cpu["anchor"] if cpu.get("anchor") else None
        anchor_cpu = cpu["anchor"] * 1000 if "anchor" in cpu else None
        print(
            f"{c:>5} | {' ' * 15}{cell(anchor_total, '.3f', 7)} {cell(total['ours'] / total['direct'], '.3f', 6)} | "
            f"{' ' * 38}{cell(anchor_cpu, '.1f', 6)} {cpu['ours'] * 1000:7.1f}   {cell(cpu_ratio, '.2f', 13)}   "
            f"{verdict(cpu_ratio, CPU_TARGETS.get(c))}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concurrency", type=lambda s: [int(x) for x in s.split(",")], default=[1, 50, 200])
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds per concurrency")
    parser.add_argument("--turns", type=int, default=3, help="measured turns per worker (at least 10 at 1 stream)")
    parser.add_argument("--server", choices=("serve", "daphne"), default="serve", help="ours: scripts/serve (uvicorn) or daphne")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="uvicorn processes, ours and the anchor's")
    parser.add_argument("--tokens", type=int, default=40)
    parser.add_argument("--pace-ms", type=float, default=20.0)
    parser.add_argument("--first-token-ms", type=float, default=250.0)
    parser.add_argument("--database-url", default="", help="default: a fresh SQLite file (embedded mode, no anchor)")
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
    postgres = database_url.startswith(("postgres://", "postgresql://"))
    base_env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "AI_PROVIDER")}
    base_env.update(JUGGY_ENV_FILE=str(workdir / "none.env"), SECRET_KEY="bench", LOG_LEVEL="WARNING", JUGGY_VAR_DIR=str(workdir))
    port_file = workdir / "upstream.port"
    upstream = subprocess.Popen(
        [sys.executable, __file__, "--serve-upstream", str(port_file), "--tokens", str(args.tokens),
         "--pace-ms", str(args.pace_ms), "--first-token-ms", str(args.first_token_ms)],
        env=base_env, cwd=ROOT,
    )
    ours = anchor = None
    try:
        deadline = time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text()) and time.monotonic() < deadline:
            time.sleep(0.1)
        upstream_url = f"http://127.0.0.1:{port_file.read_text()}"
        if postgres:
            ensure_database(database_url)
        subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], check=True, cwd=ROOT, env={**base_env, "DATABASE_URL": database_url})
        ours_env = {
            **base_env,
            "DATABASE_URL": database_url,
            "AI_PROVIDER": "openai",
            "OPENAI_API_KEY": UPSTREAM_KEY,
            "OPENAI_BASE_URL": f"{upstream_url}/v1",
            "OPENAI_MAX_RETRIES": "0",
            "VAPI_SECRET": SECRET,
            # scripts/serve: where, with which interpreter, and how many processes.
            "HOST": "127.0.0.1",
            "PYTHON": sys.executable,
            "WEB_CONCURRENCY": str(args.workers),
        }
        if args.redis_url:
            ours_env["REDIS_URL"] = args.redis_url
        ours, ours_port = start_server(ours_command(args.server), ours_env, workdir / "ours.log")
        clients = {
            "direct": SSEClient(upstream_url, "/v1/chat/completions", UPSTREAM_KEY),
            "ours": SSEClient(f"http://127.0.0.1:{ours_port}", "/v2/chat/completions", SECRET),
        }
        watched = {"client": (os.getpid(), False), "upstream": (upstream.pid, False), "ours": (ours.pid, True)}
        if postgres:
            anchor_env = {
                **base_env,
                "DATABASE_URL": database_url,
                "ANCHOR_SECRET": SECRET,
                "ANCHOR_UPSTREAM_URL": f"{upstream_url}/v1/chat/completions",
                "ANCHOR_UPSTREAM_KEY": UPSTREAM_KEY,
            }
            anchor, anchor_port = start_server(anchor_command(args.workers), anchor_env, workdir / "anchor.log")
            clients["anchor"] = SSEClient(f"http://127.0.0.1:{anchor_port}", "/v2/chat/completions", SECRET)
            watched["anchor"] = (anchor.pid, True)
        os.environ.update(JUGGY_ENV_FILE=base_env["JUGGY_ENV_FILE"], SECRET_KEY="bench", JUGGY_VAR_DIR=str(workdir), LOG_LEVEL="WARNING")
        os.environ.pop("REDIS_URL", None)
        setup_django(database_url)
        processes = "1 daphne process" if args.server == "daphne" else f"sh scripts/serve, {args.workers} uvicorn workers"
        print(
            f"upstream: {args.tokens} tokens, first after {args.first_token_ms:g} ms, then one every {args.pace_ms:g} ms; "
            f"database: {database_url.split('://')[0]}{' + redis' if args.redis_url else ''}; CPUs: {os.cpu_count()}\n"
            f"ours: {processes}; anchor: "
            + (f"bench/chat_anchor.py, {args.workers} uvicorn workers" if anchor else "skipped (it needs --database-url postgres://...)")
            + f"; server logs in {workdir}"
        )
        runs = asyncio.run(measure(args, clients, watched))
        print_table(runs, args.rounds)
    finally:
        for process in (ours, anchor, upstream):
            stop(process)


if __name__ == "__main__":
    main()
