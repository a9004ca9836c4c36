"""Provider for any OpenAI-compatible chat-completions endpoint.

``chat`` and ``complete_json`` go through the official ``openai`` client. ``astream_chat``, the per-token
hot path of every voice turn, speaks HTTP itself on aiohttp: the openai client (httpx underneath, whose
pool scans every connection per request, encode/httpx#3215) cost 7.5 ms of CPU per 40-token stream at 50
concurrent streams, and more as concurrency grew; this costs 3.1 ms (plain aiohttp: 2.5 ms).

Retries, both ways alike: 408/409/429/5xx and connection errors or timeouts, ``max_retries`` times with
exponential backoff (0.5 s doubling, capped at 8 s, less up to 25 % jitter), honouring
``Retry-After``/``retry-after-ms``. A stream is never retried once it has started: text may already have
reached the listener. ``timeout`` bounds each connect and each read, not a whole stream.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import random
import time
from collections.abc import AsyncIterator, Mapping
from typing import Any

import aiohttp
import openai
import yarl

from juggy.ai.config import AIConfig
from juggy.ai.errors import ProviderError, ProviderUnavailable
from juggy.ai.providers.base import ChatChunk, ChatResult, LLMProvider, ToolCall, Usage, validate_json_text

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.openai.com/v1"
INITIAL_RETRY_DELAY, MAX_RETRY_DELAY, MAX_RETRY_AFTER = 0.5, 8.0, 120.0  # seconds, as in openai/_constants.py
CONNECTIONS = 1000  # per event loop; the openai client's own limit

# One HTTP session (connection pool) per event loop, shared by every provider: a pool belongs to the
# loop that opened it (the ASGI server's, a LiveKit job's). Each with the generator that closes it.
_sessions: dict[asyncio.AbstractEventLoop, tuple[aiohttp.ClientSession, AsyncIterator[None]]] = {}


class OpenAIProvider(LLMProvider):
    name = "openai"

    def __init__(self, config: AIConfig, *, model: str | None = None):
        if not config.api_key:
            raise ProviderUnavailable(
                "AI_PROVIDER is 'openai' but OPENAI_API_KEY is empty; set the key or use AI_PROVIDER=builtin."
            )
        self.config = config
        self.model = model or config.model
        self._client: openai.OpenAI | None = None
        self._stream_url = (config.base_url or DEFAULT_BASE_URL).rstrip("/") + "/chat/completions"
        self._stream_headers = {
            "Authorization": f"Bearer {config.api_key}",
            "Content-Type": "application/json",
        }
        # As the openai client applied its timeout: to connecting (pool wait included) and to each read.
        self._stream_timeout = aiohttp.ClientTimeout(connect=config.timeout, sock_read=config.timeout)
        # HTTPS_PROXY/NO_PROXY apply, as they did to the openai client; looked up once, not per request
        # (aiohttp's trust_env reads the environment on every request).
        self._stream_proxy = _env_proxy(self._stream_url)

    # -- clients ----------------------------------------------------------------------------------
    def _client_kwargs(self) -> dict[str, Any]:
        return {
            "api_key": self.config.api_key,
            "base_url": self.config.base_url or None,
            "timeout": self.config.timeout,
            "max_retries": self.config.max_retries,
        }

    @property
    def client(self) -> openai.OpenAI:
        if self._client is None:
            self._client = openai.OpenAI(**self._client_kwargs())
        return self._client

    def _request(self, messages, tools, temperature, max_tokens, model) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"model": model or self.model, "messages": messages}
        if tools:
            kwargs["tools"] = tools
        if temperature is not None:
            kwargs["temperature"] = temperature
        if max_tokens is not None:
            kwargs["max_tokens"] = max_tokens
        return kwargs

    # -- chat -------------------------------------------------------------------------------------
    def chat(self, messages, *, tools=None, temperature=None, max_tokens=None, model=None) -> ChatResult:
        kwargs = self._request(messages, tools, temperature, max_tokens, model)
        try:
            completion = self.client.chat.completions.create(**kwargs)
        except openai.OpenAIError as exc:
            raise self._wrap(exc, kwargs["model"]) from exc
        if not completion.choices:
            raise ProviderError(f"{self._where(kwargs['model'])} returned no choices.", transient=True)
        choice = completion.choices[0]
        tool_calls = [
            ToolCall(id=tc.id, name=tc.function.name, arguments=tc.function.arguments or "", index=i)
            for i, tc in enumerate(choice.message.tool_calls or [])
            if getattr(tc, "function", None) is not None
        ]
        return ChatResult(
            text=choice.message.content or "",
            tool_calls=tool_calls,
            usage=_usage(completion.usage),
            finish_reason=choice.finish_reason,
        )

    async def astream_chat(
        self, messages, *, tools=None, temperature=None, max_tokens=None, model=None
    ) -> AsyncIterator[ChatChunk]:
        kwargs = self._request(messages, tools, temperature, max_tokens, model)
        body = {**kwargs, "stream": True, "stream_options": {"include_usage": True}}
        # We read the events ourselves: a typed model per chunk would cost more CPU than everything else we
        # do per token, and a voice call streams thousands of chunks a second under load (docs/vapi.md).
        response = await self._open_stream(json.dumps(body).encode(), kwargs["model"])
        finished = False
        try:
            async for data in _sse_data(response):
                if data.get("error"):
                    error = data["error"]
                    message = error.get("message") if isinstance(error, dict) else None
                    raise self._reported(kwargs["model"], message or "An error occurred during streaming")
                usage = _usage_of(data.get("usage"))
                choices = data.get("choices")
                if not choices:
                    if usage:
                        yield ChatChunk(usage=usage)
                    continue
                choice = choices[0]
                delta = choice.get("delta") or {}
                content, reason = delta.get("content"), choice.get("finish_reason")
                calls = [_tool_call(tc) for tc in delta.get("tool_calls") or ()]
                finished = finished or reason is not None
                if content or calls or reason or usage:
                    yield ChatChunk(text=content or None, tool_calls=calls, finish_reason=reason, usage=usage)
        except TimeoutError as exc:  # aiohttp's read timeouts are TimeoutErrors as well as ClientErrors
            raise self._timed_out(kwargs["model"], streaming=True) from exc
        except ValueError as exc:  # an event that is not JSON: the caller closes gracefully, as on any failure
            raise self._reported(kwargs["model"], f"malformed stream event ({exc})") from exc
        except aiohttp.ClientError as exc:
            raise self._unreachable(kwargs["model"], str(exc), streaming=True) from exc
        finally:
            # Runs on normal end, on error, and when our caller closes or cancels us (aclose()): closing
            # the connection is what tells the upstream server to stop generating. After a complete body
            # the connection has already gone back to the pool, and this does nothing.
            response.close()
        if not finished:
            raise ProviderError(
                f"{self._where(kwargs['model'])}: the stream ended before the model finished its reply.",
                transient=True,
            )

    async def _open_stream(self, payload: bytes, model: str) -> aiohttp.ClientResponse:
        """POST the streaming request; the response once its status is a success.

        Retries as the openai client does, before the stream starts only: on 408/409/429/5xx (unless the
        server says otherwise with ``x-should-retry`` or a ``Retry-After`` beyond 2 minutes) and on
        connection errors and timeouts.
        """
        session = await _session()
        attempt = 0
        while True:
            headers: Mapping[str, str] | None = None
            try:
                response = await session.post(
                    self._stream_url, data=payload, headers=self._stream_headers, timeout=self._stream_timeout,
                    proxy=self._stream_proxy[0], proxy_auth=self._stream_proxy[1],
                )
                if response.status < 400:
                    return response
                async with response:  # an error body is small: read it, so the connection can be reused
                    headers, text = response.headers, await response.read()
                message = _error_message(response.status, _json_or_none(text))
                error, cause = self._http_error(model, response.status, message), None
                retry = _should_retry(response.status, headers)
            except TimeoutError as exc:
                error, cause, retry = self._timed_out(model), exc, True
            except aiohttp.ClientError as exc:
                error, cause, retry = self._unreachable(model, str(exc)), exc, True
            if not retry or attempt == self.config.max_retries:
                raise error from cause
            delay = _retry_delay(attempt, headers)
            where, retries = self._where(model), self.config.max_retries
            log.info("%s: retrying in %.2f s (retry %d of %d)", where, delay, attempt + 1, retries)
            await asyncio.sleep(delay)
            attempt += 1

    # -- JSON -------------------------------------------------------------------------------------
    def complete_json(self, messages, *, schema, name, model=None) -> dict[str, Any]:
        model = model or self.model
        response_format: dict[str, Any] = {
            "type": "json_schema",
            "json_schema": {"name": name, "schema": schema, "strict": False},
        }
        messages = [*messages]
        problem = ""
        for attempt in range(2):
            kwargs = {"model": model, "messages": messages, "response_format": response_format}
            try:
                completion = self.client.chat.completions.create(**kwargs)
            except openai.BadRequestError as exc:
                if "response_format" not in str(exc) or response_format["type"] != "json_schema":
                    raise self._wrap(exc, model) from exc
                # Older OpenAI-compatible servers only know JSON mode: fall back, schema in the prompt.
                log.info("%s rejected json_schema output; retrying in JSON mode", self._where(model))
                response_format = {"type": "json_object"}
                messages = [*messages, _schema_message(schema)]
                try:
                    completion = self.client.chat.completions.create(**{**kwargs, **{
                        "messages": messages, "response_format": response_format}})
                except openai.OpenAIError as exc2:
                    raise self._wrap(exc2, model) from exc2
            except openai.OpenAIError as exc:
                raise self._wrap(exc, model) from exc
            text = completion.choices[0].message.content or "" if completion.choices else ""
            value, problem = validate_json_text(text, schema)
            if value is not None:
                return value
            if attempt == 0:
                log.warning("%s returned invalid %s JSON (%s); asking once more", self._where(model), name, problem)
                messages = [
                    *messages,
                    {"role": "assistant", "content": text},
                    {
                        "role": "user",
                        "content": f"That reply is invalid: {problem}. Reply again with only the corrected "
                        "JSON document that matches the schema.",
                    },
                ]
        raise ProviderError(f"{self._where(model)} returned invalid {name} JSON twice: {problem}.")

    # -- errors -----------------------------------------------------------------------------------
    # One wording for the openai client's exceptions (``_wrap``) and the streaming path's failures.
    # ``streaming``: the stream had started, so nothing was retried; before that, every attempt was made.
    def _where(self, model: str) -> str:
        return f"OpenAI-compatible provider at {self.config.base_url or 'api.openai.com'} (model {model})"

    def _wrap(self, exc: openai.OpenAIError, model: str) -> ProviderError:
        if isinstance(exc, openai.APITimeoutError):
            return self._timed_out(model)
        if isinstance(exc, openai.APIConnectionError):
            return self._unreachable(model, str(exc))
        if isinstance(exc, openai.APIStatusError):
            return self._http_error(model, exc.status_code, _error_message(exc.status_code, exc.body))
        if isinstance(exc, openai.APIError):
            return self._reported(model, exc.message)
        return ProviderError(f"{self._where(model)}: {exc}")

    def _attempts(self) -> str:
        return f" after {self.config.max_retries + 1} attempt(s)"

    def _timed_out(self, model: str, *, streaming: bool = False) -> ProviderError:
        attempts = "" if streaming else self._attempts()
        return ProviderError(
            f"{self._where(model)} timed out ({self.config.timeout:g} s){attempts}.", transient=True
        )

    def _unreachable(self, model: str, detail: str, *, streaming: bool = False) -> ProviderError:
        where = self._where(model)
        if streaming:
            return ProviderError(f"{where}: the stream was interrupted: {detail}", transient=True)
        attempts = self._attempts()
        return ProviderUnavailable(f"{where} could not be reached{attempts}: {detail}", transient=True)

    def _http_error(self, model: str, status: int, message: str) -> ProviderError:
        where = self._where(model)
        if status in (401, 403):
            return ProviderUnavailable(f"{where} rejected the API key (HTTP {status}).", status=status)
        transient = status in (408, 409, 429) or status >= 500
        reason = "rate limited" if status == 429 else "failed"
        attempts = self._attempts() if transient else ""
        return ProviderError(
            f"{where} {reason} with HTTP {status}{attempts}: {message}", transient=transient, status=status
        )

    def _reported(self, model: str, message: str) -> ProviderError:
        return ProviderError(f"{self._where(model)} reported an error: {message}", transient=True)


async def _session() -> aiohttp.ClientSession:
    """This event loop's session, made on first use."""
    loop = asyncio.get_running_loop()
    if (entry := _sessions.get(loop)) is None:
        session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=CONNECTIONS))
        closer = _close_with_loop(loop, session)
        await anext(closer)
        entry = _sessions[loop] = (session, closer)
    return entry[0]


async def _close_with_loop(
    loop: asyncio.AbstractEventLoop, session: aiohttp.ClientSession
) -> AsyncIterator[None]:
    """Closes ``session`` (and its connections) when ``loop`` ends. Nothing announces that, but
    asyncio.run and asyncio.Runner (so pytest-asyncio), asgiref's async_to_sync and LiveKit's job runner
    all close the loop's unfinished async generators first (``loop.shutdown_asyncgens()``): this one waits
    among them. Unclosed, the session would be garbage-collected with an "Unclosed client session" error
    and its sockets with ResourceWarnings."""
    try:
        yield
    finally:
        _sessions.pop(loop, None)
        await session.close()


def _env_proxy(url: str) -> tuple[str | None, aiohttp.BasicAuth | None]:
    """The proxy the environment names for `url` (HTTP(S)_PROXY, NO_PROXY), if any."""
    try:
        proxy, auth = aiohttp.helpers.get_env_proxy_for_url(yarl.URL(url))
    except LookupError:
        return None, None
    return str(proxy), auth


def _should_retry(status: int, headers: Mapping[str, str]) -> bool:
    """Whether to retry an HTTP error, as openai's ``_should_retry``."""
    retry_after = _retry_after(headers)
    if retry_after is not None and retry_after > MAX_RETRY_AFTER:
        return False
    if (explicit := headers.get("x-should-retry")) in ("true", "false"):
        return explicit == "true"
    return status in (408, 409, 429) or status >= 500


def _retry_delay(attempt: int, headers: Mapping[str, str] | None) -> float:
    """Seconds before retry ``attempt + 1``, as openai's ``_calculate_retry_timeout``: what the server asks
    if it asks for up to 2 minutes, else the exponential backoff less up to 25 % jitter."""
    retry_after = _retry_after(headers)
    if retry_after is not None and 0 < retry_after <= MAX_RETRY_AFTER:
        return retry_after
    return min(INITIAL_RETRY_DELAY * 2.0**attempt, MAX_RETRY_DELAY) * (1 - 0.25 * random.random())


def _retry_after(headers: Mapping[str, str] | None) -> float | None:
    """The wait a response asks for, in seconds: ``retry-after-ms``, else ``Retry-After`` (seconds, date)."""
    if headers is None:
        return None
    for name, divisor in (("retry-after-ms", 1000), ("retry-after", 1)):
        try:
            return float(headers[name]) / divisor
        except (KeyError, ValueError):
            continue
    date = email.utils.parsedate_tz(headers.get("retry-after", ""))
    return None if date is None else email.utils.mktime_tz(date) - time.time()


def _error_message(status: int, body: Any) -> str:
    """The server's message from an OpenAI-shaped error body (``{"error": {"message": ...}}``, or the inner
    object as the openai client keeps it), else the status as the openai client words it."""
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])
    return f"Error code: {status}"


def _json_or_none(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return None


async def _sse_data(response) -> AsyncIterator[dict[str, Any]]:
    """The JSON `data` of each server-sent event up to `[DONE]`. The body is read to its end, so that an
    HTTP/1.1 connection goes back to the pool (a stream closed early costs a new connection)."""
    buffer, data, done = b"", [], False
    async for block in response.content.iter_any():
        if done:
            continue
        *lines, buffer = (buffer + block).split(b"\n")
        for line in lines:
            line = line.rstrip(b"\r")
            if line.startswith(b"data:"):
                data.append(line[6:] if line.startswith(b"data: ") else line[5:])
            elif not line and data:
                # A blank line ends the event; its data lines are joined with newlines (SSE).
                payload, data = b"\n".join(data), []
                if payload.startswith(b"[DONE]"):
                    done = True
                    break
                yield json.loads(payload)
            # Comments (":"), `event:`, `id:` and `retry:` lines carry nothing for chat completions.


def _tool_call(tc: dict[str, Any]) -> ToolCall:
    function = tc.get("function") or {}
    return ToolCall(id=tc.get("id"), name=function.get("name"), arguments=function.get("arguments") or "", index=tc.get("index") or 0)


def _usage_of(usage: dict[str, Any] | None) -> Usage | None:
    if not usage:
        return None
    prompt = usage.get("prompt_tokens") or 0
    completion = usage.get("completion_tokens") or 0
    return Usage(prompt, completion, usage.get("total_tokens") or prompt + completion)


def _usage(usage: Any) -> Usage:
    if usage is None:
        return Usage()
    prompt = usage.prompt_tokens or 0
    completion = usage.completion_tokens or 0
    return Usage(prompt, completion, usage.total_tokens or prompt + completion)


def _schema_message(schema: dict[str, Any]) -> dict[str, str]:
    return {
        "role": "system",
        "content": "Reply with one JSON document that matches this JSON schema:\n" + json.dumps(schema),
    }
