"""Provider for any OpenAI-compatible chat-completions endpoint, through the official ``openai`` client.

Retries: the client retries 408/409/429/5xx and connection errors itself, ``max_retries`` times with
exponential backoff (0.5 s doubling, capped at 8 s, honouring ``Retry-After``/``retry-after-ms``). A stream
is never retried once it has started: text may already have reached the listener.
"""

from __future__ import annotations

import asyncio
import json
import logging
import ssl
import weakref
from collections.abc import AsyncIterator
from typing import Any

import httpx2
import openai

from juggy.ai.config import AIConfig
from juggy.ai.errors import ProviderError, ProviderUnavailable
from juggy.ai.providers.base import ChatChunk, ChatResult, LLMProvider, ToolCall, Usage, validate_json_text

log = logging.getLogger(__name__)


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
        # An AsyncOpenAI's connection pool belongs to the event loop that opened it, so keep one per loop.
        self._async_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, openai.AsyncOpenAI] = (
            weakref.WeakKeyDictionary()
        )

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

    def _async_client(self) -> openai.AsyncOpenAI:
        loop = asyncio.get_running_loop()
        client = self._async_clients.get(loop)
        if client is None:
            client = openai.AsyncOpenAI(**self._client_kwargs())
            self._async_clients[loop] = client
        return client

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
        kwargs["stream_options"] = {"include_usage": True}
        # The client makes the request (auth, retries before the first byte, HTTP errors → exceptions) and
        # hands back the raw response (the client's documented `post(..., cast_to=httpx.Response)` route);
        # we read the events ourselves. The typed `chat.completions.create` path costs ~3 ms of request
        # transformation and then a pydantic model per chunk: more CPU than everything else we do per
        # token, and a voice call streams thousands of chunks a second under load (docs/vapi.md).
        try:
            response = await self._async_client().post(
                "/chat/completions", cast_to=httpx2.Response, body={**kwargs, "stream": True}, stream=True
            )
        except openai.OpenAIError as exc:
            raise self._wrap(exc, kwargs["model"]) from exc
        finished = False
        try:
            async for data in _sse_data(response):
                if data.get("error"):
                    error = data["error"]
                    message = error.get("message") if isinstance(error, dict) else None
                    raise openai.APIError(
                        message or "An error occurred during streaming", response.request, body=error
                    )
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
        except httpx2.TimeoutException as exc:
            error = openai.APITimeoutError(request=response.request)
            raise self._wrap(error, kwargs["model"], streaming=True) from exc
        except (httpx2.RequestError, ssl.SSLError) as exc:
            error = openai.APIConnectionError(message=str(exc), request=response.request)
            raise self._wrap(error, kwargs["model"], streaming=True) from exc
        except openai.OpenAIError as exc:
            raise self._wrap(exc, kwargs["model"], streaming=True) from exc
        finally:
            # Runs on normal end, on error, and when our caller closes or cancels us (aclose()):
            # closing the response is what tells the upstream server to stop generating.
            await response.aclose()
        if not finished:
            raise ProviderError(
                f"{self._where(kwargs['model'])}: the stream ended before the model finished its reply.",
                transient=True,
            )

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
    def _where(self, model: str) -> str:
        return f"OpenAI-compatible provider at {self.config.base_url or 'api.openai.com'} (model {model})"

    def _wrap(self, exc: openai.OpenAIError, model: str, *, streaming: bool = False) -> ProviderError:
        where = self._where(model)
        attempts = "" if streaming else f" after {self.config.max_retries + 1} attempt(s)"
        if isinstance(exc, openai.APITimeoutError):
            return ProviderError(f"{where} timed out ({self.config.timeout:g} s){attempts}.", transient=True)
        if isinstance(exc, openai.APIConnectionError):
            if streaming:
                return ProviderError(f"{where}: the stream was interrupted: {exc}", transient=True)
            return ProviderUnavailable(f"{where} could not be reached{attempts}: {exc}", transient=True)
        if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
            return ProviderUnavailable(f"{where} rejected the API key (HTTP {exc.status_code}).", status=exc.status_code)
        if isinstance(exc, openai.APIStatusError):
            transient = exc.status_code in (408, 409, 429) or exc.status_code >= 500
            reason = "rate limited" if exc.status_code == 429 else "failed"
            return ProviderError(
                f"{where} {reason} with HTTP {exc.status_code}{attempts if transient else ''}: {_message(exc)}",
                transient=transient,
                status=exc.status_code,
            )
        if isinstance(exc, openai.APIError):
            return ProviderError(f"{where} reported an error: {exc.message}", transient=True)
        return ProviderError(f"{where}: {exc}")


def _message(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])
    return exc.message


async def _sse_data(response) -> AsyncIterator[dict[str, Any]]:
    """The JSON `data` of each server-sent event up to `[DONE]`. The body is read to its end, so that an
    HTTP/1.1 connection goes back to the pool (a stream closed early costs a new connection)."""
    buffer, data, done = b"", [], False
    async for block in response.aiter_bytes():
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
