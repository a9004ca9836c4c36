"""The anchor of bench/chat_stream.py: about the least a VAPI custom-LLM proxy can do per turn.

A bare Starlette app, served by uvicorn with scripts/serve's flags and worker count, with one route,
`POST /v2/chat/completions`:
- checks `Authorization: Bearer <secret>` in constant time (hmac.compare_digest);
- forwards the request body unchanged to the upstream with aiohttp (one session per process, no limit on
  connections) and relays the upstream's SSE bytes to the client unchanged, as they arrive;
- gathers the reply's text on the side and, once the stream is over, writes the turn with one INSERT
  (autocommit, one round trip) through a psycopg AsyncConnectionPool sized like Juggy's (2 to 20).

Whatever Juggy costs beyond this is the cost of its domain and its framework, which is what issue 17
measures. No disconnect handling, no error shape beyond a status: the bench's client never hangs up.

Configured by the environment (the bench sets it): DATABASE_URL (PostgreSQL), ANCHOR_SECRET,
ANCHOR_UPSTREAM_URL (the upstream's full chat-completions URL), ANCHOR_UPSTREAM_KEY. The bench creates
the table (`TABLE`) before it starts the server.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import os

import aiohttp
from psycopg_pool import AsyncConnectionPool
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

TABLE = (
    "CREATE TABLE IF NOT EXISTS bench_anchor_turn "
    "(id bigserial PRIMARY KEY, call text NOT NULL, text text NOT NULL, created timestamptz NOT NULL)"
)
INSERT = "INSERT INTO bench_anchor_turn (call, text, created) VALUES (%s, %s, now())"


@contextlib.asynccontextmanager
async def lifespan(app: Starlette):
    env = os.environ
    app.state.secret = f"Bearer {env['ANCHOR_SECRET']}".encode()
    app.state.upstream_url = env["ANCHOR_UPSTREAM_URL"]
    app.state.upstream_headers = {"Authorization": f"Bearer {env['ANCHOR_UPSTREAM_KEY']}", "Content-Type": "application/json"}
    pool = AsyncConnectionPool(env["DATABASE_URL"], min_size=2, max_size=20, kwargs={"autocommit": True}, open=False)
    async with pool, aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        app.state.pool, app.state.http = pool, http
        yield


async def chat_completions(request: Request) -> Response:
    state = request.app.state
    if not hmac.compare_digest(request.headers.get("authorization", "").encode(), state.secret):
        return JSONResponse({"error": {"code": "unauthorized", "message": "Bad credentials."}}, status_code=401)
    body = await request.body()
    call = (json.loads(body).get("call") or {}).get("id", "")
    upstream = await state.http.post(state.upstream_url, data=body, headers=state.upstream_headers)
    if upstream.status != 200:
        upstream.release()
        return JSONResponse({"error": {"code": "upstream", "message": f"Upstream {upstream.status}."}}, status_code=502)
    return StreamingResponse(relay(upstream, call, state.pool), media_type="text/event-stream")


async def relay(upstream: aiohttp.ClientResponse, call: str, pool: AsyncConnectionPool):
    """Each upstream chunk leaves as it arrives; the text is parsed out of the events after the chunk has
    been sent, and written once the stream is over."""
    pieces: list[str] = []
    buffer = b""
    async with upstream:
        async for chunk in upstream.content.iter_any():
            yield chunk
            *events, buffer = (buffer + chunk).split(b"\n\n")
            for event in events:
                payload = event.removeprefix(b"data: ")
                if payload != b"[DONE]":
                    choices = json.loads(payload).get("choices") or [{}]
                    pieces.append(choices[0].get("delta", {}).get("content") or "")
    async with pool.connection() as connection:
        await connection.execute(INSERT, (call, "".join(pieces)))


app = Starlette(routes=[Route("/v2/chat/completions", chat_completions, methods=["POST"])], lifespan=lifespan)
