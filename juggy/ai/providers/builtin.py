"""The built-in provider: offline and deterministic, no model behind it.

The built-in interviewer (``juggy.ai.engine.builtin``) phrases every step from templates and never asks
its provider for text, so this provider has no free-form chat: ``chat`` and ``astream_chat`` raise
``ProviderUnavailable`` saying so (set AI_PROVIDER=openai for a language model).

``complete_json`` runs a named task whose result is validated against the caller's schema. Built in:
``interview_plan`` (input: a JobContext as JSON in the last user or system message; output shaped like
``juggy.ai.schemas.PLAN_SCHEMA``) and ``keywords`` (input: any text; output ``{"keywords": [...],
"field": "..."}``). Other modules add tasks with ``register_json_task``; an unknown task raises a
non-transient ProviderError naming the known ones.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Any

from juggy.ai.config import AIConfig
from juggy.ai.errors import ProviderError, ProviderUnavailable
from juggy.ai.providers.base import ChatChunk, ChatResult, LLMProvider
from juggy.ai.types import JobContext

NO_CHAT = (
    "The built-in AI provider has no free-form chat: it is not a language model. "
    "Set AI_PROVIDER=openai (with OPENAI_API_KEY) for chat completions."
)

JsonTask = Callable[[list[dict[str, Any]]], dict[str, Any]]
_JSON_TASKS: dict[str, JsonTask] = {}


def register_json_task(name: str, handler: JsonTask) -> None:
    """Teach the built-in provider's ``complete_json`` a task: ``handler(messages) -> dict``."""
    _JSON_TASKS[name] = handler


def _text(message: dict[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, list):  # OpenAI content parts
        return " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return str(content or "")


class BuiltinProvider(LLMProvider):
    name = "builtin"
    model = "builtin-interviewer-1"

    def __init__(self, config: AIConfig | None = None):
        self.config = config or AIConfig()

    def chat(self, messages, *, tools=None, temperature=None, max_tokens=None, model=None) -> ChatResult:
        raise ProviderUnavailable(NO_CHAT)

    def astream_chat(self, messages, *, tools=None, temperature=None, max_tokens=None, model=None) -> AsyncIterator[ChatChunk]:
        raise ProviderUnavailable(NO_CHAT)  # at the call, before any ``async for`` starts

    def complete_json(self, messages, *, schema, name, model=None) -> dict[str, Any]:
        handler = _JSON_TASKS.get(name)
        if handler is None:
            known = ", ".join(sorted(_JSON_TASKS)) or "none"
            raise ProviderError(f"The built-in provider has no JSON task named {name!r} (known: {known}).")
        import jsonschema  # slow to import; only JSON tasks need it

        value = handler(messages)
        try:
            jsonschema.validate(value, schema)
        except jsonschema.ValidationError as exc:
            raise ProviderError(f"The built-in {name!r} result does not match the requested schema: {exc.message}") from exc
        return value


def _last_input(messages: list[dict[str, Any]]) -> str:
    for m in reversed(messages):
        if m.get("role") in ("user", "system", "developer") and _text(m).strip():
            return _text(m)
    return ""


def _plan_task(messages: list[dict[str, Any]]) -> dict[str, Any]:
    from juggy.ai.heuristics.planner import builtin_plan

    raw = _last_input(messages)
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, ValueError):
        data = None
    ctx = JobContext.from_dict(data) if isinstance(data, dict) else JobContext(job_description=raw)
    plan = builtin_plan(ctx)
    return {
        "keywords": plan.keywords,
        "questions": [{"text": q.text, "competency": q.competency, "kind": q.kind, "follow_ups": q.follow_ups} for q in plan.questions],
    }


def _keywords_task(messages: list[dict[str, Any]]) -> dict[str, Any]:
    from juggy.ai.heuristics.extract import build_profile

    profile = build_profile(JobContext(job_description=_last_input(messages)))
    return {"keywords": profile.keywords, "field": profile.field}


register_json_task("interview_plan", _plan_task)
register_json_task("keywords", _keywords_task)
