"""The built-in provider: no free-form chat; complete_json runs named tasks."""

import json

import pytest

from juggy.ai import ProviderError, ProviderUnavailable
from juggy.ai.providers.builtin import BuiltinProvider, register_json_task
from juggy.ai.schemas import PLAN_SCHEMA
from juggy.ai.tests.samples import BACKEND

provider = BuiltinProvider()
SYSTEM = {"role": "system", "content": json.dumps(BACKEND.to_dict())}


def test_chat_is_not_offered():
    # The built-in engine never asks its provider for text; a caller that does learns why, at once.
    with pytest.raises(ProviderUnavailable, match="no free-form chat") as caught:
        provider.chat([SYSTEM])
    assert caught.value.transient is False
    with pytest.raises(ProviderUnavailable, match="no free-form chat"):
        provider.astream_chat([SYSTEM])


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
