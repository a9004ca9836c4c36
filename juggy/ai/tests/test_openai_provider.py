"""The openai provider through the real ``openai`` client against the loopback server."""

import asyncio
import time
from contextlib import aclosing

import pytest

from juggy.ai import ProviderError, ProviderUnavailable, get_llm_provider
from juggy.ai.config import AIConfig
from juggy.ai.providers import provider_for
from testsupport.openai_server import Reply

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
    assert openai_settings.requests[-1].body["stream"] is True
    assert openai_settings.requests[-1].body["stream_options"] == {"include_usage": True}


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


async def test_closing_the_stream_closes_the_upstream_connection(provider, openai_settings):
    openai_settings.script(Reply(text=" ".join(["token"] * 200), token_delay=0.02))
    stream = provider.astream_chat(MESSAGES)
    first = [await anext(stream) for _ in range(3)]
    assert any(c.text for c in first)
    await stream.aclose()
    assert await asyncio.to_thread(openai_settings.wait_for, "client_closed", 5)
    assert not any(kind == "stream_completed" for kind, _ in openai_settings.events)


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
