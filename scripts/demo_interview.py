#!/usr/bin/env python3
"""A whole interview in two minutes, against a running server (`make run` in another terminal).

1. creates a session from a job description (POST /context/upload/v2, as the demo user);
2. links a made-up VAPI call id to it (POST /session/link);
3. plays the call as VAPI would: the openai client streams /v2/chat/completions with the VAPI secret,
   the candidate's answers are typed here instead of spoken;
4. sends VAPI's end-of-call report (POST /vapi/webhook) and prints the analysis (GET /session/analyse).

Usage: .venv/bin/python scripts/demo_interview.py [--base-url http://127.0.0.1:8000] [--token T] [--vapi-secret S]
The demo token is read from var/demo-token.txt and the VAPI secret from .env (both written by make run).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JOB = (
    "Backend engineer (Python, Django, PostgreSQL, Celery). You will design and run the APIs behind our "
    "billing platform, keep them fast under load, and mentor two junior engineers."
)
ANSWERS = [
    "I have spent six years building backend services in Python and Django. At Acme I led the team that "
    "rebuilt our billing API on PostgreSQL, and we cut the p95 latency from 800 to 120 milliseconds by "
    "adding the right indexes and moving slow work into Celery workers.",
    "When two teammates disagreed about caching, I wrote down both designs, measured them against real "
    "traffic for a week, and we picked the one that reduced database load by 40 percent. I then documented "
    "the decision so new engineers understood why we chose it.",
    "I would start from the failure modes: what happens when the queue backs up, how we retry without "
    "duplicating a charge, and which metrics tell us first. Then I would load test it at twice our peak.",
    "I mentored two juniors through code reviews and pairing every week; within six months both of them "
    "owned a service on their own, and one of them now leads our on-call rotation.",
    "Thank you, that is all from me. I would like to end the interview now.",
]


class Failed(SystemExit):
    def __init__(self, message: str):
        super().__init__(f"demo_interview: {message}")


def env_file_value(name: str) -> str:
    path = Path(os.environ.get("JUGGY_ENV_FILE") or ROOT / ".env")
    if path.exists():
        for line in path.read_text().splitlines():
            if line.startswith(f"{name}="):
                return line.split("=", 1)[1].strip()
    return ""


def call(base: str, method: str, path: str, token: str, body: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(  # noqa: S310 (main() admits http and https URLs only)
        base + path, method=method, data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (see above)
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        payload = json.loads(error.read() or b"{}")
        raise Failed(f"{method} {path} answered {error.code}: {payload.get('error', payload)}") from None
    except urllib.error.URLError as error:
        raise Failed(f"cannot reach {base} ({error.reason}); is `make run` running?") from None


def say(who: str, text: str) -> None:
    print(f"\n{who}: {text}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default=os.environ.get("JUGGY_URL", "http://127.0.0.1:8000"))
    parser.add_argument("--token", default=os.environ.get("JUGGY_TOKEN", ""), help="a user API token")
    parser.add_argument("--vapi-secret", default=os.environ.get("VAPI_SECRET", ""))
    args = parser.parse_args()
    base = args.base_url.rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise Failed(f"--base-url must be an http:// or https:// URL, not {base!r}")
    token_file = Path(os.environ.get("JUGGY_VAR_DIR") or ROOT / "var") / "demo-token.txt"
    token = args.token or (token_file.read_text().strip() if token_file.exists() else "")
    secret = args.vapi_secret or env_file_value("VAPI_SECRET")
    if not token:
        raise Failed(f"no API token: run `make run` once (it writes {token_file}) or pass --token")
    if not secret:
        raise Failed("no VAPI secret: set VAPI_SECRET in .env (`python scripts/make_env.py`), restart, or pass --vapi-secret")
    try:
        import openai
    except ImportError:
        raise Failed("the openai package is missing: run this with the project's .venv/bin/python") from None

    started = time.monotonic()
    _, created = call(base, "POST", "/context/upload/v2", token, {
        "assessmentArea": "Backend engineer",
        "otherContext": {"targetRole": "Backend engineer", "targetCompany": "Acme Billing", "jobDescription": JOB},
    })
    session_id, call_id = created["sessionId"], f"demo-call-{uuid.uuid4().hex[:12]}"
    call(base, "POST", "/session/link", token, {"callId": call_id, "sessionId": session_id})
    print(f"Session {session_id}, linked to the call {call_id}. The interview, as VAPI plays it:")

    # What VAPI sends: the whole conversation every turn, its own system prompt first, and the call.
    client = openai.OpenAI(base_url=f"{base}/v2", api_key=secret, max_retries=0, timeout=60)
    messages = [{"role": "system", "content": "You are the interviewer configured in VAPI."}]
    extra = {"call": {"id": call_id, "status": "in-progress"}}
    for answer in [None, *ANSWERS]:
        if answer is not None:
            say("Candidate", answer)
            messages.append({"role": "user", "content": answer})
        print("\nInterviewer: ", end="", flush=True)
        text = ""
        try:
            for chunk in client.chat.completions.create(model="gpt-4o", messages=messages, stream=True, extra_body=extra):
                piece = chunk.choices[0].delta.content or "" if chunk.choices else ""
                text += piece
                print(piece, end="", flush=True)
        except openai.APIStatusError as error:
            raise Failed(f"/v2/chat/completions answered {error.status_code}: {error.body}") from None
        print(flush=True)
        messages.append({"role": "assistant", "content": text})
        if "Goodbye" in text:
            break

    # VAPI reports the end of the call to the assistant's server URL; the analysis is queued from it.
    call(base, "POST", "/vapi/webhook", secret, {"message": {
        "type": "end-of-call-report", "call": {"id": call_id}, "endedReason": "customer-ended-call",
        "artifact": {"messages": [], "transcript": ""},
    }})
    for _ in range(30):
        status, analysis = call(base, "GET", f"/session/analyse/{session_id}", token)
        if status == 200 and analysis.get("analysis"):
            break
        time.sleep(1)
    else:
        raise Failed(f"the analysis is still {analysis.get('status')!r}; is a Celery worker running?")
    print("\n=== Analysis ===\n")
    print(analysis["analysis"])
    print(f"\nDone in {time.monotonic() - started:.1f} s. Full session: GET {base}/session/get/{session_id}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
