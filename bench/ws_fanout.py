"""WebSocket fan-out: how long an aiInterviewerMessage takes to reach N clients of one interview.

Starts a live daphne server, joins N real WebSocket clients (the `websockets` package) to one interview,
then sends candidate answers over REST and times, per answer, from the moment the POST is sent to the
moment each client has the interviewer's reply. Reported per N: the REST round trip (which includes
the engine's turn and the commit), delivery latency over all clients (p50, p95, max) and the spread
between the first and the last client to receive the same message.

    .venv/bin/python bench/ws_fanout.py                 # embedded: SQLite file, in-memory channel layer
    DATABASE_URL=... REDIS_URL=... .venv/bin/python bench/ws_fanout.py --clients 10 100 --rounds 5
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ANSWER = (
    "In my last role I led the migration of our React frontend and NestJS API to a typed monorepo. "
    "I designed the module boundaries myself, wrote the shared DTO package and set up CI with tests. "
    "As a result deploys went from weekly to daily and production incidents dropped by forty percent."
)


def setup(tmp: Path) -> str:
    """Configure Django for the bench database and return an API token of a fresh user."""
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp / 'bench.sqlite3'}")
    os.environ.setdefault("SECRET_KEY", "bench-secret-key")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "juggy.settings")
    os.environ["JUGGY_ENV_FILE"] = str(tmp / "no.env")
    os.environ["LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    from django.core.management import call_command

    from juggy.accounts.models import User
    from juggy.accounts.services import token_create

    call_command("migrate", verbosity=0)
    user = User.objects.create_user(username=f"bench-{int(time.time() * 1000)}", password="x")
    return token_create(user=user, name="bench")[1]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def drain(ws, quiet: float = 0.5) -> None:
    """Read until the socket has been quiet for `quiet` seconds (join announcements)."""
    while True:
        try:
            await asyncio.wait_for(ws.recv(), quiet)
        except TimeoutError:
            return


async def joined(ws) -> None:
    while json.loads(await ws.recv())["event"] != "joinedInterview":
        pass


async def wait_for_reply(ws, index: int) -> float:
    while True:
        message = json.loads(await ws.recv())
        if message["event"] == "aiInterviewerMessage" and message["data"]["message"]["index"] == index:
            return time.perf_counter()


async def run(server, token: str, clients: int, rounds: int) -> dict:
    import websockets

    status, created = await server.arequest("POST", "/interview", token=token, body={
        "roomName": f"bench-{clients}-{int(time.time())}", "candidateId": "bench-candidate",
        "jobDescription": "Looking for someone experienced in NestJS and React",
        "settings": {"maxQuestions": 20},
    })
    assert status == 201, created
    sid = created["sessionId"]
    # The last planned answer ends the interview; stay below it.
    rounds = min(rounds, created["progress"]["totalQuestions"] - 1)
    sockets = [
        await websockets.connect(f"ws://{server.host}/ws/interview", origin=f"http://127.0.0.1:{server.port}",
                                 max_queue=None)
        for _ in range(clients)
    ]
    for ws in sockets:
        await ws.send(json.dumps({"event": "joinInterview", "data": {"interviewId": sid, "token": token}}))
    await asyncio.wait_for(asyncio.gather(*(joined(ws) for ws in sockets)), 120)
    await asyncio.gather(*(drain(ws) for ws in sockets))  # the others' participantJoined
    status, _ = await server.arequest("POST", f"/interview/{sid}/start", token=token)
    assert status == 200
    await asyncio.gather(*(drain(ws, 0.3) for ws in sockets))

    latencies, spreads, rest = [], [], []
    for n in range(rounds):
        index = 2 * n + 2  # opening is 0; each answer adds the candidate's message and the reply
        waiters = [asyncio.create_task(wait_for_reply(ws, index)) for ws in sockets]
        started = time.perf_counter()
        status, body = await server.arequest("POST", f"/interview/{sid}/response", token=token,
                                             body={"response": ANSWER})
        rest.append(time.perf_counter() - started)
        assert status == 200, body
        received = await asyncio.wait_for(asyncio.gather(*waiters), 60)
        latencies += [t - started for t in received]
        spreads.append(max(received) - min(received))
        await asyncio.sleep(0.2)
    for ws in sockets:
        await ws.close()
    return {"clients": clients, "rounds": rounds, "rest": rest, "latencies": latencies, "spreads": spreads}


def report(result: dict) -> None:
    ms = 1000
    lat, rest = result["latencies"], result["rest"]
    print(
        f"clients={result['clients']:>4}  rounds={result['rounds']}  "
        f"REST p50={statistics.median(rest) * ms:7.1f} ms  "
        f"delivery p50={percentile(lat, 0.5) * ms:7.1f} ms  p95={percentile(lat, 0.95) * ms:7.1f} ms  "
        f"max={max(lat) * ms:7.1f} ms  first-to-last spread p50={statistics.median(result['spreads']) * ms:6.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[10, 100])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        token = setup(tmp)
        from interviews_app.tests.live import LiveServer

        server = LiveServer(database=os.environ["DATABASE_URL"], tmp_path=tmp, name="bench")
        mode = "redis" if os.environ.get("REDIS_URL") else "in-memory"
        print(f"ws fan-out over a live daphne ({mode} channel layer, {os.environ['DATABASE_URL'].split(':')[0]})")
        try:
            for clients in args.clients:
                report(asyncio.run(run(server, token, clients, args.rounds)))
        finally:
            server.stop()


if __name__ == "__main__":
    main()
