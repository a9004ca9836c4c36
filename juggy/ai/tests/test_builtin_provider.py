"""The built-in provider: chat drives the built-in interviewer; complete_json runs named tasks."""

import json

import pytest

from juggy.ai import ProviderError
from juggy.ai.providers.builtin import BuiltinProvider, register_json_task
from juggy.ai.schemas import PLAN_SCHEMA
from juggy.ai.tests.samples import BACKEND, GOOD_ANSWERS

provider = BuiltinProvider()
SYSTEM = {"role": "system", "content": json.dumps(BACKEND.to_dict())}


def test_chat_conducts_the_interview_from_the_messages():
    opening = provider.chat([SYSTEM])
    assert "Senior Backend Engineer" in opening.text and opening.finish_reason == "stop"
    messages = [SYSTEM, {"role": "assistant", "content": opening.text}, {"role": "user", "content": "Um, hi."}]
    follow_up = provider.chat(messages)
    assert "?" in follow_up.text and follow_up.usage.completion_tokens > 0
    messages += [{"role": "assistant", "content": follow_up.text}, {"role": "user", "content": GOOD_ANSWERS["introduction"]}]
    second = provider.chat(messages)
    assert "Globex" in second.text  # moved on to the resume question


def test_chat_with_a_plain_text_system_prompt_is_deterministic():
    messages = [{"role": "system", "content": "Hiring a registered nurse for an acute ward: patient assessment, medication administration."}]
    assert provider.chat(messages).text == provider.chat(messages).text


async def test_astream_chat_streams_the_same_text():
    chunks = [c async for c in provider.astream_chat([SYSTEM])]
    assert "".join(c.text or "" for c in chunks) == provider.chat([SYSTEM]).text
    assert chunks[-1].finish_reason == "stop" and chunks[-1].usage.total_tokens > 0


def test_complete_json_plan_task_matches_the_schema():
    plan = provider.complete_json([{"role": "user", "content": json.dumps(BACKEND.to_dict())}], schema=PLAN_SCHEMA, name="interview_plan")
    assert plan["questions"][0]["kind"] == "introduction" and "Kafka" in plan["keywords"]


def test_complete_json_unknown_task_and_schema_mismatch():
    with pytest.raises(ProviderError, match="no JSON task named 'horoscope'"):
        provider.complete_json([], schema={}, name="horoscope")
    register_json_task("test_echo", lambda messages: {"n": len(messages)})
    assert provider.complete_json([{}, {}], schema={"type": "object"}, name="test_echo") == {"n": 2}
    with pytest.raises(ProviderError, match="does not match"):
        provider.complete_json([], schema={"type": "object", "required": ["m"]}, name="test_echo")
