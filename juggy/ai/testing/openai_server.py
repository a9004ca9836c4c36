"""A loopback OpenAI-compatible chat-completions server for tests (never used by the product).

It speaks the real wire protocol — ``POST /v1/chat/completions`` (also ``/chat/completions``), JSON or
SSE ``chat.completion.chunk`` events ending with ``data: [DONE]`` — so the real ``openai`` client (and
any other HTTP client) can be pointed at it. It runs aiohttp on 127.0.0.1, on a random port, in a thread.

    server = OpenAITestServer().start()          # or use the ``openai_server`` pytest fixture
    server.script(Reply(text="Hello there"),      # replies are used in order, one per request;
                  Reply.error(429),               # when the script runs out, ``responder(body)`` or
                  Reply.json({"ok": True}),       # ``default`` answers.
                  Reply(tool_calls=[{"name": "end_call", "arguments": {}}]),
                  Reply(text="slow", first_token_delay=2.0, token_delay=0.05),
                  Reply(text="one two three four", cut_after=2))   # connection dropped mid-stream
    client = openai.OpenAI(base_url=server.base_url, api_key=server.api_key)
    server.requests[-1].body                      # what the client sent
    server.wait_for("client_closed")             # the client closed a stream before its end
    server.stop()

Streams are split into one chunk per word unless ``chunks`` is given. With ``stream_options.include_usage``
a final usage chunk is sent, as OpenAI does. Events recorded in ``server.events``: ``stream_completed``,
``stream_cut`` and ``client_closed`` (the client went away mid-stream), each with the request number.
Extra routes (e.g. audio endpoints) can be added with ``add_route`` before ``start()``.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

API_KEY = "sk-loopback-test"


@dataclass
class Reply:
    text: str | None = None
    chunks: list[str] | None = None  # streamed pieces; default: ``text`` split after each word
    tool_calls: list[dict[str, Any]] | None = None  # [{"name": ..., "arguments": dict or str, "id": optional}]
    status: int = 200
    error_message: str = ""
    error_type: str = ""
    retry_after_ms: int | None = None  # sent as ``retry-after-ms`` so client backoff stays short in tests
    cut_after: int | None = None  # stream: drop the connection after this many content chunks
    first_token_delay: float = 0.0  # seconds before the first byte of the body (JSON or first SSE event)
    token_delay: float = 0.0  # seconds between stream chunks
    finish_reason: str | None = None  # default "tool_calls" with tool calls, else "stop"
    usage: dict[str, int] | None = None  # default: word counts
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, value: Any, **kwargs: Any) -> Reply:
        return cls(text=json.dumps(value), **kwargs)

    @classmethod
    def error(cls, status: int, message: str = "", *, retry_after_ms: int | None = 1, **kwargs: Any) -> Reply:
        kinds = {400: "invalid_request_error", 401: "authentication_error", 429: "rate_limit_exceeded"}
        return cls(
            status=status,
            error_message=message or f"Loopback server scripted HTTP {status}.",
            error_type=kinds.get(status, "server_error"),
            retry_after_ms=retry_after_ms,
            **kwargs,
        )

    def pieces(self) -> list[str]:
        if self.chunks is not None:
            return list(self.chunks)
        words = (self.text or "").split(" ")
        return [w if i == len(words) - 1 else w + " " for i, w in enumerate(words)] if self.text else []


@dataclass
class RecordedRequest:
    number: int
    method: str
    path: str
    headers: dict[str, str]
    body: Any


Responder = Callable[[dict[str, Any]], Reply]


class OpenAITestServer:
    def __init__(self, *, api_key: str = API_KEY, require_key: bool = True, default: Reply | None = None):
        self.api_key = api_key
        self.require_key = require_key
        self.default = default or Reply(text="OK")
        self.responder: Responder | None = None
        self.requests: list[RecordedRequest] = []
        self.events: list[tuple[str, int]] = []
        self._script: list[Reply] = []
        self._cond = threading.Condition()
        self._routes: list[tuple[str, str, Callable[[web.Request], Awaitable[web.StreamResponse]]]] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- control -----------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"

    def script(self, *replies: Reply) -> OpenAITestServer:
        with self._cond:
            self._script.extend(replies)
        return self

    def add_route(self, method: str, path: str, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> None:
        if self._thread is not None:
            raise RuntimeError("add_route must be called before start().")
        self._routes.append((method, path, handler))

    def count(self, path_suffix: str = "/chat/completions") -> int:
        return sum(1 for r in self.requests if r.path.endswith(path_suffix))

    def wait_for(self, event: str, timeout: float = 5.0) -> bool:
        """Block until ``event`` has been recorded (returns False on timeout)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not any(kind == event for kind, _ in self.events):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(remaining)
        return True

    def start(self) -> OpenAITestServer:
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                loop.run_until_complete(self._serve())
            except BaseException as exc:  # surfaced to start()'s caller below
                failure.append(exc)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._runner.cleanup())
            loop.close()

        self._thread = threading.Thread(target=run, name="openai-test-server", daemon=True)
        self._thread.start()
        ready.wait(10)
        if failure:
            raise failure[0]
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            self._thread = None

    def __enter__(self) -> OpenAITestServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- server ------------------------------------------------------------------------------------
    async def _serve(self) -> None:
        app = web.Application()
        for path in ("/v1/chat/completions", "/chat/completions"):
            app.router.add_post(path, self._chat)
        app.router.add_get("/v1/models", self._models)
        for method, path, handler in self._routes:
            app.router.add_route(method, path, handler)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    def _event(self, kind: str, number: int) -> None:
        with self._cond:
            self.events.append((kind, number))
            self._cond.notify_all()

    def _next_reply(self, body: dict[str, Any]) -> Reply:
        with self._cond:
            if self._script:
                return self._script.pop(0)
        return self.responder(body) if self.responder else self.default

    async def _models(self, request: web.Request) -> web.Response:
        return web.json_response({"object": "list", "data": [{"id": "loopback-model", "object": "model"}]})

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        try:
            body = await request.json()
        except json.JSONDecodeError:
            return _error(400, "Body is not JSON.", "invalid_request_error")
        with self._cond:
            number = len(self.requests) + 1
            self.requests.append(RecordedRequest(number, request.method, request.path, dict(request.headers), body))
        if self.require_key and request.headers.get("Authorization") != f"Bearer {self.api_key}":
            return _error(401, "Incorrect API key provided.", "authentication_error")
        reply = self._next_reply(body)
        if reply.status != 200:
            headers = dict(reply.headers)
            if reply.retry_after_ms is not None:
                headers["retry-after-ms"] = str(reply.retry_after_ms)
            return _error(reply.status, reply.error_message, reply.error_type, headers)
        if body.get("stream"):
            return await self._stream(request, body, reply, number)
        if reply.first_token_delay:
            await asyncio.sleep(reply.first_token_delay)
        return web.json_response(_completion(body, reply), headers=reply.headers)

    async def _stream(self, request: web.Request, body: dict[str, Any], reply: Reply, number: int) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache", **reply.headers})
        await response.prepare(request)
        base = {"id": f"chatcmpl-{uuid.uuid4().hex[:12]}", "object": "chat.completion.chunk", "created": int(time.time()), "model": body.get("model", "")}

        async def send(payload: dict[str, Any] | str) -> None:
            data = payload if isinstance(payload, str) else json.dumps(payload)
            await response.write(f"data: {data}\n\n".encode())

        def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
            return {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}]}

        try:
            if reply.first_token_delay:
                await asyncio.sleep(reply.first_token_delay)
            await send(chunk({"role": "assistant", "content": ""}))
            for sent, piece in enumerate(reply.pieces()):
                if reply.cut_after is not None and sent >= reply.cut_after:
                    self._event("stream_cut", number)
                    request.transport.close()  # mid-body: the client sees an incomplete chunked response
                    return response
                if sent and reply.token_delay:
                    await asyncio.sleep(reply.token_delay)
                await send(chunk({"content": piece}))
            for i, call in enumerate(reply.tool_calls or []):
                args = call.get("arguments", {})
                args = args if isinstance(args, str) else json.dumps(args)
                head = {"index": i, "id": call.get("id") or f"call_{i}", "type": "function", "function": {"name": call["name"], "arguments": ""}}
                await send(chunk({"tool_calls": [head]}))
                for j in range(0, len(args), 8):  # arguments arrive in fragments, as from OpenAI
                    await send(chunk({"tool_calls": [{"index": i, "function": {"arguments": args[j : j + 8]}}]}))
            await send(chunk({}, _finish(reply)))
            if (body.get("stream_options") or {}).get("include_usage"):
                await send({**base, "choices": [], "usage": _usage(body, reply)})
            await send("[DONE]")
            await response.write_eof()
            self._event("stream_completed", number)
        except (ConnectionResetError, asyncio.CancelledError):
            self._event("client_closed", number)
            raise
        return response


def _finish(reply: Reply) -> str:
    return reply.finish_reason or ("tool_calls" if reply.tool_calls else "stop")


def _usage(body: dict[str, Any], reply: Reply) -> dict[str, int]:
    if reply.usage:
        return reply.usage
    prompt = sum(len(str(m.get("content") or "").split()) for m in body.get("messages") or [])
    completion = len((reply.text or "").split()) + sum(len(json.dumps(c)) // 4 for c in reply.tool_calls or [])
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def _completion(body: dict[str, Any], reply: Reply) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": reply.text}
    if reply.tool_calls:
        message["tool_calls"] = [
            {
                "id": call.get("id") or f"call_{i}",
                "type": "function",
                "function": {
                    "name": call["name"],
                    "arguments": call["arguments"] if isinstance(call.get("arguments"), str) else json.dumps(call.get("arguments", {})),
                },
            }
            for i, call in enumerate(reply.tool_calls)
        ]
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:12]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", ""),
        "choices": [{"index": 0, "message": message, "finish_reason": _finish(reply), "logprobs": None}],
        "usage": _usage(body, reply),
    }


def _error(status: int, message: str, kind: str, headers: dict[str, str] | None = None) -> web.Response:
    payload = {"error": {"message": message, "type": kind or "server_error", "param": None, "code": None}}
    return web.json_response(payload, status=status, headers=headers)
