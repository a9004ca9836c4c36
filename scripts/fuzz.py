"""`make fuzz`: schemathesis over /api/schema against a server this script starts itself.

The server is `scripts/serve` (uvicorn, as in production) in embedded mode in a temporary folder, with
throttles raised so the fuzzer measures the API and not the rate limits. A user token, a service token
and the VAPI secret are made for it, so authenticated paths are exercised past their 401. Multipart
uploads are fuzzed with valid PDF, DOCX, text and WAV files as well as random bytes
(scripts/fuzz_hooks.py). Printed at the end: the number of server errors (5xx) and of responses that do
not match the published schema; the exit status is 1 when either is not 0. schemathesis' event log is
kept in var/fuzz/events.ndjson.

    make fuzz                                   # FUZZ_EXAMPLES=20 per operation, FUZZ_MAX_TIME=600 s
    make fuzz FUZZ_EXAMPLES=3 FUZZ_MAX_TIME=180 # CI's short pass
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAPI_SECRET = "fuzz-vapi-secret"
SERVER_ERROR = "not_a_server_error"
SCHEMA_CHECKS = ("response_schema_conformance", "content_type_conformance")
STATUS_CHECK = "status_code_conformance"  # an answer with a status the schema does not list: printed, not fatal


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(tmp: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}}
    env.update(
        SECRET_KEY="fuzz-secret-key", DEBUG="0", HOST="127.0.0.1", PORT=str(port), PYTHON=sys.executable,
        WEB_CONCURRENCY="1", JUGGY_VAR_DIR=str(tmp), JUGGY_ENV_FILE=str(tmp / "no.env"), LOG_LEVEL="CRITICAL",
        PUBLIC_BASE_URL=f"http://127.0.0.1:{port}", VAPI_SECRET=VAPI_SECRET,
        USER_RATE_LIMIT="1000000/minute", AUTH_RATE_LIMIT="1000000/minute",
        AUTH_CLIENT_RATE_LIMIT="1000000/minute", AUTH_USERNAME_RATE_LIMIT="1000000/hour",
    )
    return env


def make_tokens(env: dict[str, str]) -> tuple[str, str]:
    code = (
        "from juggy.accounts.models import User\n"
        "from juggy.accounts.services import credit_account_for_user, credits_grant, token_create\n"
        "user = User.objects.create_user(username='fuzz', email='fuzz@example.com', password='fuzz-password-1')\n"
        "credits_grant(account=credit_account_for_user(user), amount=100000, idempotency_key='fuzz')\n"
        "service = User.objects.create_user(username='fuzz-service', password='fuzz-password-2')\n"
        "print(token_create(user=user, name='fuzz')[1], token_create(user=service, name='fuzz', is_service=True)[1])\n"
    )
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    out = subprocess.run([sys.executable, "manage.py", "shell", "-v0", "-c", code], cwd=ROOT, env=env,
                         check=True, capture_output=True, text=True)
    user_key, service_key = out.stdout.split()[-2:]
    return user_key, service_key


def wait_ready(base: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base}/api/schema?format=json", timeout=2):  # noqa: S310 - our own http URL
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the server did not start within 60 s")


def count_failures(report: Path) -> tuple[Counter, list[str]]:
    """Failures per check from schemathesis' ndjson event stream, and one line per distinct failure."""
    per_check: Counter = Counter()  # distinct failures (operation, check, title)
    lines: list[str] = []
    seen = set()
    for raw in report.read_text().splitlines():
        event = json.loads(raw)
        scenario = event.get("ScenarioFinished") or {}
        recorder = scenario.get("recorder") or {}
        label = recorder.get("label", "")
        for checks in (recorder.get("checks") or {}).values():
            for check in checks:
                if str(check.get("status", "")).lower() != "failure":
                    continue
                failure = check.get("failure_info") or {}
                title = (failure.get("failure") or {}).get("title", "")
                key = (label, check["name"], title)
                if key in seen:
                    continue
                seen.add(key)
                per_check[check["name"]] += 1
                lines.append(f"{check['name']:32} {label}: {title}")
    return per_check, lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=int(os.environ.get("FUZZ_EXAMPLES") or 20))
    parser.add_argument("--max-time", type=int, default=int(os.environ.get("FUZZ_MAX_TIME") or 600))
    parser.add_argument("--seed", type=int, default=int(os.environ.get("FUZZ_SEED") or 15))
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="juggy-fuzz-") as tmp_name:
        tmp = Path(tmp_name)
        port = free_port()
        env = server_env(tmp, port)
        user_key, service_key = make_tokens(env)
        log = tmp / "server.log"
        with open(log, "wb") as log_file:
            server = subprocess.Popen(["sh", "scripts/serve"], cwd=ROOT, env=env, stdout=log_file,
                                      stderr=subprocess.STDOUT)
            base = f"http://127.0.0.1:{port}"
            try:
                wait_ready(base, server, log)
                report = ROOT / "var" / "fuzz" / "events.ndjson"  # kept for reading the failures
                report.parent.mkdir(parents=True, exist_ok=True)
                report.unlink(missing_ok=True)
                fuzz_env = {**os.environ, "SCHEMATHESIS_HOOKS": "scripts.fuzz_hooks", "PYTHONPATH": str(ROOT),
                            "FUZZ_USER_TOKEN": user_key, "FUZZ_SERVICE_TOKEN": service_key,
                            "FUZZ_VAPI_SECRET": VAPI_SECRET}
                command = [
                    str(Path(sys.executable).parent / "schemathesis"), "run", f"{base}/api/schema?format=json",
                    "--max-examples", str(args.examples), "--max-time", str(args.max_time), "--seed", str(args.seed),
                    "--checks", ",".join((SERVER_ERROR, *SCHEMA_CHECKS, STATUS_CHECK)), "--continue-on-failure",
                    "--request-timeout", "60", "--workers", "1", "--no-color", "--warnings", "off",
                    "--report", "ndjson", "--report-ndjson-path", str(report),
                    "--generation-database", "none",  # no example database left in the work tree
                ]
                started = time.monotonic()
                # In the temporary folder: schemathesis keeps a crash cache (.schemathesis/) where it runs.
                run = subprocess.run(command, cwd=tmp, env=fuzz_env, capture_output=True, text=True)
                elapsed = time.monotonic() - started
            finally:
                server.terminate()
                server.wait(30)
        if not report.exists():
            print(run.stdout[-5000:], run.stderr[-5000:], sep="\n")
            return 2
        per_check, lines = count_failures(report)
        tail = [line for line in run.stdout.splitlines() if line.strip()][-6:]

    print("\n".join(tail))
    for line in lines:
        print(line)
    server_errors = per_check[SERVER_ERROR]
    mismatches = sum(per_check[name] for name in SCHEMA_CHECKS)
    print(f"fuzz: {args.examples} examples per operation, {elapsed:.0f} s (cap {args.max_time} s), seed {args.seed}")
    print(f"server errors: {server_errors}")
    print(f"schema mismatches: {mismatches}")
    print(f"undocumented status codes: {per_check[STATUS_CHECK]} (not counted as failures)")
    return 1 if server_errors or mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
