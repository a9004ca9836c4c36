"""The built-in provider: offline and deterministic, no model behind it.

- ``chat`` / ``astream_chat`` treat the messages as an interview and answer as the built-in interviewer:
  the system message(s) are the job context (a JobContext as JSON, or free text taken as the job
  description), assistant messages are interviewer turns, user messages are candidate turns. The plan is
  rebuilt from the context and the state from the transcript, so the conversation needs no stored state.
  Tools are accepted and never called; temperature and max_tokens are ignored.
- ``complete_json`` runs a named task whose result is validated against the caller's schema. Built in:
  ``interview_plan`` (input: a JobContext as JSON in the last user or system message; output shaped like
  ``juggy.ai.schemas.PLAN_SCHEMA``) and ``keywords`` (input: any text; output ``{"keywords": [...],
  "field": "..."}``). Other modules add tasks with ``register_json_task``; an unknown task raises a
  non-transient ProviderError naming the known ones.
- Usage counts words as tokens, so usage accounting works the same way offline.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Any

from juggy.ai.config import AIConfig
from juggy.ai.errors import ProviderError
from juggy.ai.heuristics.text import words
from juggy.ai.providers.base import ChatChunk, ChatResult, LLMProvider, Usage
from juggy.ai.types import JobContext, Turn

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


def context_from_messages(messages: list[dict[str, Any]]) -> JobContext:
    system = "\n".join(_text(m) for m in messages if m.get("role") in ("system", "developer")).strip()
    try:
        data = json.loads(system)
    except (json.JSONDecodeError, ValueError):
        data = None
    if isinstance(data, dict):
        return JobContext.from_dict(data)
    return JobContext(job_description=system)


def transcript_from_messages(messages: list[dict[str, Any]]) -> list[Turn]:
    roles = {"assistant": "interviewer", "user": "candidate"}
    return [Turn(roles[m["role"]], _text(m)) for m in messages if m.get("role") in roles and _text(m).strip()]


class BuiltinProvider(LLMProvider):
    name = "builtin"
    model = "builtin-interviewer-1"

    def __init__(self, config: AIConfig | None = None):
        self.config = config or AIConfig()

    def _engine(self):
        from juggy.ai.engine.builtin import BuiltinInterviewEngine  # the engine imports providers

        return BuiltinInterviewEngine(self, self.config)

    def chat(self, messages, *, tools=None, temperature=None, max_tokens=None, model=None) -> ChatResult:
        engine = self._engine()
        ctx = context_from_messages(messages)
        plan = engine.plan(ctx)
        transcript = transcript_from_messages(messages)
        state = engine.state_from_transcript(plan, transcript)
        result = engine.turn(ctx, plan, state, transcript) if state.started else engine.opening(ctx, plan)
        prompt = sum(len(words(_text(m))) for m in messages)
        completion = len(words(result.utterance))
        return ChatResult(result.utterance, [], Usage(prompt, completion, prompt + completion), "stop")

    async def astream_chat(self, messages, *, tools=None, temperature=None, max_tokens=None, model=None) -> AsyncIterator[ChatChunk]:
        result = self.chat(messages)
        pieces = result.text.split(" ")
        for i, piece in enumerate(pieces):
            yield ChatChunk(text=piece if i == 0 else " " + piece)
        yield ChatChunk(finish_reason="stop", usage=result.usage)

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
