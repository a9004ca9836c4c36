"""The openai provider against the loopback server: ``chat`` and ``complete_json`` through the real
``openai`` client, ``astream_chat`` through its own aiohttp requests."""

import asyncio
import gc
import logging
import threading
import time
import warnings
from contextlib import aclosing

import pytest
from aiohttp import web

from juggy.ai import ProviderError, ProviderUnavailable, get_llm_provider
from juggy.ai.config import AIConfig
from juggy.ai.providers import provider_for
from testsupport.openai_server import OpenAITestServer, Reply

MESSAGES = [{"role": "system", "content": "You are terse."}, {"role": "user", "content": "Say hello"}]
SCHEMA = {
    "type": "object",
    "required": ["name", "score"],
    "properties": {"name": {"type": "string"}, "score": {"type": "integer", "minimum": 1, "maximum": 5}},
    "additionalProperties": False,
}


@pytest.fixture
def provider(openai_settings):
    return get_llm_provider()


def provider_on(server, **config):
    """A provider for the loopback server with its own key, retries or timeout."""
    config = {"api_key": server.api_key, "base_url": server.base_url, **config}
    return provider_for(AIConfig(provider="openai", **config))


async def streamed_text(provider, messages=MESSAGES) -> str:
    return "".join([c.text or "" async for c in provider.astream_chat(messages)])


def test_chat_returns_text_and_usage(provider, openai_settings):
    openai_settings.script(Reply(text="Hello there, candidate."))
    result = provider.chat(MESSAGES, temperature=0.2, max_tokens=50)
    assert result.text == "Hello there, candidate." and result.finish_reason == "stop" and result.tool_calls == []
    assert result.usage.completion_tokens == 3 and result.usage.prompt_tokens == 5 and result.usage.total_tokens == 8
    sent = openai_settings.requests[-1]
    assert sent.body["model"] == "loopback-model" and sent.body["messages"] == MESSAGES
    assert sent.body["temperature"] == 0.2 and sent.body["max_tokens"] == 50
    assert sent.headers["Authorization"] == f"Bearer {openai_settings.api_key}"


def test_analysis_purpose_uses_the_analysis_model(openai_settings):
    openai_settings.script(Reply(text="ok"))
    analysis = get_llm_provider("analysis")
    assert analysis.model == "loopback-analysis-model" and get_llm_provider().model == "loopback-model"
    analysis.chat(MESSAGES)
    assert openai_settings.requests[-1].body["model"] == "loopback-analysis-model"
    assert get_llm_provider() is get_llm_provider()  # cached per configuration


def test_chat_tool_calls(provider, openai_settings):
    openai_settings.script(Reply(tool_calls=[{"name": "end_call", "arguments": {"reason": "done"}, "id": "call_9"}]))
    tools = [{"type": "function", "function": {"name": "end_call", "parameters": {"type": "object"}}}]
    result = provider.chat(MESSAGES, tools=tools)
    assert result.finish_reason == "tool_calls"
    assert [(c.id, c.name, c.parsed_arguments()) for c in result.tool_calls] == [("call_9", "end_call", {"reason": "done"})]
    assert openai_settings.requests[-1].body["tools"] == tools


async def test_stream_text_tool_calls_and_usage(provider, openai_settings):
    openai_settings.script(Reply(text="Hello there, how are you?", tool_calls=[{"name": "note", "arguments": {"k": "a long value"}}]))
    chunks = [c async for c in provider.astream_chat(MESSAGES)]
    assert "".join(c.text or "" for c in chunks) == "Hello there, how are you?"
    assert sum(1 for c in chunks if c.text) == 5  # one per word, as sent
    arguments = "".join(tc.arguments for c in chunks for tc in c.tool_calls)
    assert arguments == '{"k": "a long value"}'
    assert next(tc.name for c in chunks for tc in c.tool_calls if tc.name) == "note"
    assert [c.finish_reason for c in chunks if c.finish_reason] == ["tool_calls"]
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens > 0
    sent = openai_settings.requests[-1]
    assert sent.path == "/v1/chat/completions" and sent.headers["Authorization"] == f"Bearer {openai_settings.api_key}"
    assert sent.body == {"model": "loopback-model", "messages": MESSAGES, "stream": True, "stream_options": {"include_usage": True}}


async def test_first_chunk_arrives_before_the_stream_ends(provider, openai_settings):
    openai_settings.script(Reply(text=" ".join(["word"] * 10), token_delay=0.1))
    started = time.monotonic()
    stream = provider.astream_chat(MESSAGES)
    async with aclosing(stream):
        first = await anext(stream)
        while not first.text:
            first = await anext(stream)
        first_at = time.monotonic() - started
        async for _ in stream:
            pass
    total = time.monotonic() - started
    assert first_at < 0.5 and total >= 0.9


def test_429_is_retried_then_succeeds(provider, openai_settings):
    openai_settings.script(Reply.error(429), Reply.error(429), Reply(text="finally"))
    assert provider.chat(MESSAGES).text == "finally"
    assert openai_settings.count() == 3


async def test_stream_start_is_retried_on_503(provider, openai_settings):
    openai_settings.script(Reply.error(503), Reply(text="streamed after retry"))
    chunks = [c async for c in provider.astream_chat(MESSAGES)]
    assert "".join(c.text or "" for c in chunks) == "streamed after retry"
    assert openai_settings.count() == 2


async def test_stream_start_is_retried_on_5xx_then_succeeds_on_the_same_connection(provider, openai_settings):
    openai_settings.script(Reply.error(500), Reply.error(502), Reply(text="third time lucky"))
    assert await streamed_text(provider) == "third time lucky"
    first, second, third = openai_settings.requests[-3:]
    assert first.body == second.body == third.body
    # The error bodies were read, so the connection was kept alive for the retries.
    assert first.client_port == second.client_port == third.client_port


async def test_stream_5xx_exhausts_retries_with_the_chat_wording(provider, openai_settings):
    openai_settings.script(*[Reply.error(500, "upstream exploded")] * 3)
    with pytest.raises(ProviderError) as info:
        await streamed_text(provider)
    err = info.value
    assert err.transient and err.status == 500 and openai_settings.count() == 3
    assert err.message == (
        f"OpenAI-compatible provider at {openai_settings.base_url} (model loopback-model) failed with HTTP 500 "
        "after 3 attempt(s): upstream exploded"
    )


async def test_stream_429_exhausted_says_rate_limited(provider, openai_settings):
    openai_settings.script(*[Reply.error(429)] * 3)
    with pytest.raises(ProviderError, match="rate limited with HTTP 429 after 3 attempt") as info:
        await streamed_text(provider)
    assert info.value.transient and info.value.status == 429 and openai_settings.count() == 3


@pytest.mark.parametrize(
    "headers, at_least",
    [({"retry-after-ms": "900"}, 0.9), ({"Retry-After": "1"}, 1.0)],
)
async def test_stream_honours_retry_after(provider, openai_settings, headers, at_least):
    openai_settings.script(Reply.error(429, retry_after_ms=None, headers=headers), Reply(text="after the wait"))
    started = time.monotonic()
    assert await streamed_text(provider) == "after the wait"
    assert time.monotonic() - started >= at_least  # the backoff alone would be 0.375-0.5 s
    assert openai_settings.count() == 2


async def test_stream_short_retry_after_beats_the_backoff(provider, openai_settings):
    openai_settings.script(Reply.error(503, retry_after_ms=1), Reply.error(503, retry_after_ms=1), Reply(text="quick"))
    started = time.monotonic()
    assert await streamed_text(provider) == "quick"
    assert time.monotonic() - started < 0.5  # two backoffs would take at least 1.1 s


async def test_stream_400_is_not_retried(provider, openai_settings):
    openai_settings.script(Reply.error(400, "messages must not be empty"))
    with pytest.raises(ProviderError, match="failed with HTTP 400: messages must not be empty") as info:
        await streamed_text(provider)
    assert not info.value.transient and info.value.status == 400 and openai_settings.count() == 1


async def test_stream_server_may_forbid_a_retry(provider, openai_settings):
    openai_settings.script(Reply.error(503, headers={"x-should-retry": "false"}), Reply(text="never asked"))
    with pytest.raises(ProviderError, match="HTTP 503") as info:
        await streamed_text(provider)
    assert info.value.transient and openai_settings.count() == 1


async def test_stream_with_a_wrong_key_is_unavailable(openai_server):
    with pytest.raises(ProviderUnavailable, match=r"rejected the API key \(HTTP 401\)") as info:
        await streamed_text(provider_on(openai_server, api_key="sk-wrong"))
    assert info.value.status == 401 and openai_server.count() == 1


async def test_stream_from_an_unreachable_server_is_unavailable_after_retries(openai_server):
    provider = provider_on(openai_server, max_retries=1, timeout=2)
    openai_server.stop()
    with pytest.raises(ProviderUnavailable, match="could not be reached after 2 attempt") as info:
        await streamed_text(provider)
    assert info.value.transient


async def test_stream_slow_to_answer_is_retried(openai_server):
    openai_server.script(Reply(text="too late", headers_delay=1.0), Reply(text="on time"))
    assert await streamed_text(provider_on(openai_server, max_retries=1, timeout=0.3)) == "on time"
    assert openai_server.count() == 2


async def test_stream_slow_to_answer_every_time_times_out(openai_server):
    openai_server.script(*[Reply(text="too late", headers_delay=1.0)] * 2)
    with pytest.raises(ProviderError, match=r"timed out \(0.3 s\) after 2 attempt") as info:
        await streamed_text(provider_on(openai_server, max_retries=1, timeout=0.3))
    assert info.value.transient and openai_server.count() == 2


def test_500_exhausts_retries_and_surfaces_a_clear_transient_error(provider, openai_settings):
    openai_settings.script(*[Reply.error(500, "upstream exploded")] * 3)
    with pytest.raises(ProviderError) as info:
        provider.chat(MESSAGES)
    err = info.value
    assert err.transient and err.status == 500 and openai_settings.count() == 3
    assert "HTTP 500" in err.message and "3 attempt(s)" in err.message and "upstream exploded" in err.message
    assert openai_settings.base_url in err.message


def test_429_exhausted_says_rate_limited(provider, openai_settings):
    openai_settings.script(*[Reply.error(429)] * 3)
    with pytest.raises(ProviderError, match="rate limited with HTTP 429") as info:
        provider.chat(MESSAGES)
    assert info.value.transient and openai_settings.count() == 3


def test_400_is_not_retried(provider, openai_settings):
    openai_settings.script(Reply.error(400, "messages must not be empty"))
    with pytest.raises(ProviderError, match="messages must not be empty") as info:
        provider.chat(MESSAGES)
    assert not info.value.transient and openai_settings.count() == 1


def test_wrong_key_is_unavailable(openai_settings, settings):
    settings.OPENAI_API_KEY = "sk-wrong"
    with pytest.raises(ProviderUnavailable, match="rejected the API key"):
        get_llm_provider().chat(MESSAGES)


def test_missing_key_is_unavailable():
    with pytest.raises(ProviderUnavailable, match="OPENAI_API_KEY is empty"):
        provider_for(AIConfig(provider="openai", api_key=""))


def test_unreachable_server_is_unavailable_after_retries(openai_server):
    port = openai_server.port
    openai_server.stop()
    config = AIConfig(provider="openai", api_key="k", base_url=f"http://127.0.0.1:{port}/v1", max_retries=1, timeout=2)
    with pytest.raises(ProviderUnavailable, match="could not be reached after 2 attempt") as info:
        provider_for(config).chat(MESSAGES)
    assert info.value.transient


def test_slow_first_token_times_out(openai_server):
    config = AIConfig(provider="openai", api_key=openai_server.api_key, base_url=openai_server.base_url, max_retries=1, timeout=0.3)
    openai_server.script(Reply(text="late", first_token_delay=1.0), Reply(text="late", first_token_delay=1.0))
    with pytest.raises(ProviderError, match=r"timed out \(0.3 s\) after 2 attempt") as info:
        provider_for(config).chat(MESSAGES)
    assert info.value.transient and openai_server.count() == 2


async def test_stream_slow_first_token_times_out_without_retry(openai_server):
    openai_server.script(Reply(text="late", first_token_delay=1.0))
    with pytest.raises(ProviderError, match=r"timed out \(0.3 s\)\.$") as info:
        await streamed_text(provider_on(openai_server, max_retries=1, timeout=0.3))
    assert info.value.transient and openai_server.count() == 1  # the response had started


async def test_slow_first_token_within_timeout_is_fine(provider, openai_settings):
    openai_settings.script(Reply(text="worth the wait", first_token_delay=0.5))
    chunks = [c async for c in provider.astream_chat(MESSAGES)]
    assert "".join(c.text or "" for c in chunks) == "worth the wait"


async def test_cut_stream_raises_after_the_text_so_far(provider, openai_settings):
    openai_settings.script(Reply(text="one two three four five", cut_after=2))
    received = []
    with pytest.raises(ProviderError, match=r"interrupted|ended before") as info:
        async for chunk in provider.astream_chat(MESSAGES):
            if chunk.text:
                received.append(chunk.text)
    assert info.value.transient
    assert received == ["one ", "two "]
    assert openai_settings.count() == 1  # a started stream is never retried: its text may already be out


async def test_error_event_mid_stream_raises_after_the_text_so_far(provider, openai_settings):
    openai_settings.script(Reply(text="one two", stream_error="The model is overloaded."))
    received = []
    with pytest.raises(ProviderError, match=r"reported an error: The model is overloaded\.$") as info:
        async for chunk in provider.astream_chat(MESSAGES):
            received.append(chunk.text)
    assert info.value.transient and received == ["one ", "two"] and openai_settings.count() == 1


async def test_stream_without_a_finish_reason_is_an_error():
    async def unfinished(request):
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        await response.write(b'data: {"choices": [{"index": 0, "delta": {"content": "one"}}]}\n\ndata: [DONE]\n\n')
        return response

    server = OpenAITestServer()
    server.add_route("POST", "/unfinished/chat/completions", unfinished)
    with server:
        provider = provider_for(AIConfig(provider="openai", api_key=server.api_key, base_url=f"{server.url}/unfinished"))
        received = []
        with pytest.raises(ProviderError, match="the stream ended before the model finished its reply") as info:
            async for chunk in provider.astream_chat(MESSAGES):
                received.append(chunk.text)
    assert info.value.transient and received == ["one"]


async def test_closing_the_stream_closes_the_upstream_connection(provider, openai_settings):
    openai_settings.script(Reply(text=" ".join(["token"] * 200), token_delay=0.02), Reply(text="next turn"))
    stream = provider.astream_chat(MESSAGES)
    first = [await anext(stream) for _ in range(3)]
    assert any(c.text for c in first)
    await stream.aclose()
    assert await asyncio.to_thread(openai_settings.wait_for, "client_closed", 5)
    assert not any(kind == "stream_completed" for kind, _ in openai_settings.events)
    assert await streamed_text(provider) == "next turn"  # on a new connection
    assert openai_settings.requests[-1].client_port != openai_settings.requests[-2].client_port


async def test_sequential_streams_share_one_connection(provider, openai_settings):
    openai_settings.script(Reply(text="first"), Reply(text="second"))
    assert [await streamed_text(provider), await streamed_text(provider)] == ["first", "second"]
    assert openai_settings.requests[-1].client_port == openai_settings.requests[-2].client_port


async def test_fifty_concurrent_streams_on_one_loop(provider, openai_settings):
    openai_settings.responder = lambda body: Reply(text=f"reply to {body['messages'][-1]['content']} " * 5, token_delay=0.05)
    asks = [[{"role": "user", "content": f"ask{i}"}] for i in range(50)]
    started = time.monotonic()
    texts = await asyncio.gather(*(streamed_text(provider, messages) for messages in asks))
    assert texts == [f"reply to ask{i} " * 5 for i in range(50)]
    assert time.monotonic() - started < 10  # one after the other: 50 x 0.7 s
    assert len({r.client_port for r in openai_settings.requests}) == 50  # all in flight at once


def test_streams_from_other_event_loops(provider, openai_settings, caplog):
    """A LiveKit job streams from its own loop: each loop gets its own connections, closed with the loop."""
    results = []

    def job():
        results.append(asyncio.run(streamed_text(provider)))

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(3):
            thread = threading.Thread(target=job)
            thread.start()
            thread.join(10)
        gc.collect()
    assert results == ["OK"] * 3 and openai_settings.count() == 3
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_cancelling_the_consumer_task_closes_the_upstream_connection(provider, openai_settings):
    openai_settings.script(Reply(text=" ".join(["token"] * 200), token_delay=0.02))
    got_text = asyncio.Event()

    async def consume():
        async for chunk in provider.astream_chat(MESSAGES):
            if chunk.text:
                got_text.set()

    task = asyncio.create_task(consume())
    await asyncio.wait_for(got_text.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await asyncio.to_thread(openai_settings.wait_for, "client_closed", 5)


def test_complete_json_valid(provider, openai_settings):
    openai_settings.script(Reply.json({"name": "Ada", "score": 4}))
    assert provider.complete_json(MESSAGES, schema=SCHEMA, name="person") == {"name": "Ada", "score": 4}
    fmt = openai_settings.requests[-1].body["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["name"] == "person" and fmt["json_schema"]["schema"] == SCHEMA


def test_complete_json_invalid_gets_one_corrective_retry(provider, openai_settings):
    openai_settings.script(Reply.json({"name": "Ada", "score": 9}), Reply.json({"name": "Ada", "score": 5}))
    assert provider.complete_json(MESSAGES, schema=SCHEMA, name="person") == {"name": "Ada", "score": 5}
    retry = openai_settings.requests[-1].body["messages"]
    assert retry[-2]["role"] == "assistant" and "score" in retry[-1]["content"] and "invalid" in retry[-1]["content"]


def test_complete_json_invalid_twice_is_an_error(provider, openai_settings):
    openai_settings.script(Reply(text="not json at all"), Reply.json({"name": 3}))
    with pytest.raises(ProviderError, match="invalid person JSON twice") as info:
        provider.complete_json(MESSAGES, schema=SCHEMA, name="person")
    assert not info.value.transient and openai_settings.count() == 2


def test_complete_json_falls_back_to_json_mode(provider, openai_settings):
    openai_settings.script(Reply.error(400, "response_format json_schema is not supported"), Reply.json({"name": "Bo", "score": 2}))
    assert provider.complete_json(MESSAGES, schema=SCHEMA, name="person") == {"name": "Bo", "score": 2}
    assert openai_settings.requests[-1].body["response_format"] == {"type": "json_object"}


async def test_streams_go_through_the_environments_proxy(openai_server, monkeypatch):
    # The loopback server stands in for a forward proxy: it gets the absolute URL of a host that does
    # not resolve, and answers for it.
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{openai_server.port}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    openai_server.script(Reply(text="Hello via the proxy."))
    proxied = provider_for(AIConfig(provider="openai", api_key=openai_server.api_key,
                                    base_url="http://model.invalid/v1", max_retries=0))
    assert await streamed_text(proxied) == "Hello via the proxy."
    # NO_PROXY exempts a host: straight there, past a proxy that would refuse the connection.
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    openai_server.script(Reply(text="Hello direct."))
    assert await streamed_text(provider_on(openai_server, max_retries=0)) == "Hello direct."
