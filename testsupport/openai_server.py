"""A loopback OpenAI-compatible server for tests and benchmarks (never used by the product).

It speaks the real wire protocol, so the real ``openai`` client (and any other HTTP client) can be
pointed at it. It runs aiohttp on 127.0.0.1, on a random port, in a thread. Routes (each also without
the ``/v1`` prefix):

- ``POST /v1/chat/completions``: JSON, or SSE ``chat.completion.chunk`` events ending with
  ``data: [DONE]``, answered from a script of ``Reply`` objects;
- ``POST /v1/audio/speech``: a tone in the requested ``response_format``, 60 ms per input character
  at speed 1 (400 for a voice OpenAI does not have);
- ``POST /v1/audio/transcriptions``: ``server.transcript``, as ``verbose_json`` (language "english")
  or ``json`` as asked;
- ``GET /v1/models``.

    server = OpenAITestServer().start()          # or the ``openai_server`` / ``openai_speech`` fixtures
    server.script(Reply(text="Hello there"),      # replies are used in order, one per chat request;
                  Reply.error(429),               # when the script runs out, ``responder(body)`` or
                  Reply.json({"ok": True}),       # ``default`` answers.
                  Reply(tool_calls=[{"name": "end_call", "arguments": {}}]),
                  Reply(text="slow", first_token_delay=2.0, token_delay=0.05),
                  Reply(text="no answer yet", headers_delay=2.0),
                  Reply(text="one two three four", cut_after=2),   # connection dropped mid-stream
                  Reply(text="one two", stream_error="overloaded"))  # an error event after the text
    client = openai.OpenAI(base_url=server.base_url, api_key=server.api_key)
    server.requests[-1].body                      # what the client sent (JSON; for transcriptions the
                                                  # form, files as {"filename", "content_type", "data"})
    server.requests[-1].client_port               # equal ports: the requests shared one connection
    server.wait_for("client_closed")             # the client closed a stream before its end
    server.fail_with = 500                        # every request (any route) fails with this status
    server.stop()                                 # idempotent; a stopped server refuses connections

Every request is recorded, then the ``Authorization: Bearer <api_key>`` header is checked (401 in
OpenAI's error shape when wrong, unless ``require_key=False``), then ``fail_with`` applies.
Streams are split into one chunk per word unless ``chunks`` is given. With ``stream_options.include_usage``
a final usage chunk is sent, as OpenAI does. Events recorded in ``server.events``: ``stream_completed``,
``stream_cut`` and ``client_closed`` (the client went away mid-stream), each with the request number.
Extra routes can be added with ``add_route`` before ``start()``.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from multidict import CIMultiDict

API_KEY = "sk-loopback-test"
TRANSCRIPT = "  I led the migration of our billing system.  "
VOICES = ("alloy", "echo", "fable", "onyx", "nova", "shimmer")


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
    stream_error: str | None = None  # stream: after the content, an ``{"error": ...}`` event ends the body
    first_token_delay: float = 0.0  # seconds before the first byte of the body (JSON or first SSE event)
    headers_delay: float = 0.0  # seconds before the status line and headers
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
    headers: Mapping[str, str]  # case-insensitive
    body: Any
    client_port: int  # the same for requests that came over one (kept-alive) connection


Responder = Callable[[dict[str, Any]], Reply]


class OpenAITestServer:
    def __init__(self, *, api_key: str = API_KEY, require_key: bool = True, default: Reply | None = None):
        self.api_key = api_key
        self.require_key = require_key
        self.default = default or Reply(text="OK")
        self.responder: Responder | None = None
        self.fail_with: int | None = None  # answer every request with this HTTP status
        self.transcript = TRANSCRIPT  # what /audio/transcriptions hears
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
        app = web.Application(client_max_size=64 * 1024 * 1024)  # audio uploads
        for prefix in ("/v1", ""):
            app.router.add_post(f"{prefix}/chat/completions", self._chat)
            app.router.add_post(f"{prefix}/audio/speech", self._speech)
            app.router.add_post(f"{prefix}/audio/transcriptions", self._transcription)
            app.router.add_get(f"{prefix}/models", self._models)
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
        self._record(request, None)
        if (refusal := self._refusal(request)) is not None:
            return refusal
        return web.json_response({"object": "list", "data": [{"id": "loopback-model", "object": "model"}]})

    def _record(self, request: web.Request, body: Any) -> int:
        with self._cond:
            number = len(self.requests) + 1
            port = request.transport.get_extra_info("peername")[1]
            self.requests.append(
                RecordedRequest(number, request.method, request.path, CIMultiDict(request.headers), body, port)
            )
        return number

    def _refusal(self, request: web.Request) -> web.Response | None:
        """The answer to give instead of the real one: a wrong key, or ``fail_with``."""
        if self.require_key and request.headers.get("Authorization") != f"Bearer {self.api_key}":
            return _error(401, "Incorrect API key provided.", "authentication_error")
        if self.fail_with:
            # retry-after-ms keeps the client's backoff short when a test allows retries
            return _error(self.fail_with, "The server had an error.", "server_error", {"retry-after-ms": "1"})
        return None

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        try:
            body = await request.json()
        except json.JSONDecodeError:
            return _error(400, "Body is not JSON.", "invalid_request_error")
        number = self._record(request, body)
        if (refusal := self._refusal(request)) is not None:
            return refusal
        reply = self._next_reply(body)
        if reply.headers_delay:
            await asyncio.sleep(reply.headers_delay)
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
            if reply.stream_error:
                await send({"error": {"message": reply.stream_error, "type": "server_error", "param": None, "code": None}})
                await response.write_eof()
                return response
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


    async def _speech(self, request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except json.JSONDecodeError:
            return _error(400, "Body is not JSON.", "invalid_request_error")
        self._record(request, body)
        if (refusal := self._refusal(request)) is not None:
            return refusal
        if body.get("voice") not in VOICES:
            return _error(400, "Invalid voice.", "invalid_request_error")
        if not body.get("input") or not body.get("model"):
            return _error(400, "model and input are required.", "invalid_request_error")
        fmt = body.get("response_format", "mp3")
        seconds = round(0.06 * len(body["input"]) / body.get("speed", 1.0), 2)
        audio, content_type = await asyncio.to_thread(_tone_audio, seconds, fmt)
        return web.Response(body=audio, content_type=content_type)

    async def _transcription(self, request: web.Request) -> web.Response:
        form: dict[str, Any] = {}
        if request.content_type.startswith("multipart/"):
            for name, value in (await request.post()).items():
                if isinstance(value, web.FileField):
                    data = value.file.read()
                    value = {"filename": value.filename, "content_type": value.content_type, "data": data}
                form[name] = value
        self._record(request, form)
        if (refusal := self._refusal(request)) is not None:
            return refusal
        if "file" not in form or "model" not in form:
            return _error(400, "file and model are required.", "invalid_request_error")
        if form.get("response_format") == "verbose_json":
            answer = {"task": "transcribe", "language": "english", "duration": 1.0, "text": self.transcript}
        else:
            answer = {"text": self.transcript}
        return web.json_response(answer)


def _tone_audio(seconds: float, fmt: str) -> tuple[bytes, str]:
    # Encoded with the product's own encoder (imported here: the chat-only users of this server, such as
    # bench/chat_stream.py's upstream process, need neither Django settings nor the audio stack).
    from juggy.ai.speech.audio import encode
    from juggy.ai.speech.base import CONTENT_TYPES
    from testsupport.audio import tone_pcm

    return encode(tone_pcm(seconds, rate=24000), sample_rate=24000, fmt=fmt), CONTENT_TYPES[fmt]


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
