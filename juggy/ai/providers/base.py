"""The LLM provider interface: chat (whole or streamed), tool calls, schema-validated JSON, usage."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass, field
from typing import Any

from juggy.ai.errors import ProviderError


@dataclass
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0

    def to_dict(self) -> dict[str, int]:
        return asdict(self)

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.prompt_tokens + other.prompt_tokens,
            self.completion_tokens + other.completion_tokens,
            self.total_tokens + other.total_tokens,
        )


@dataclass
class ToolCall:
    """A tool call; in stream chunks a delta (``index`` set, fields possibly partial)."""

    id: str | None = None
    name: str | None = None
    arguments: str = ""  # JSON text, as the model wrote it
    index: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def parsed_arguments(self) -> dict[str, Any]:
        try:
            value = json.loads(self.arguments or "{}")
        except json.JSONDecodeError as exc:
            raise ProviderError(f"Tool call {self.name!r} has arguments that are not JSON: {exc}") from exc
        return value if isinstance(value, dict) else {}


@dataclass
class ChatResult:
    text: str
    tool_calls: list[ToolCall] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    finish_reason: str | None = None


@dataclass
class ChatChunk:
    text: str | None = None
    tool_calls: list[ToolCall] = field(default_factory=list)
    finish_reason: str | None = None
    usage: Usage | None = None  # set on the last chunk when the provider reports it


class LLMProvider:
    """Base class of language-model providers.

    Messages are OpenAI chat messages (``{"role": "system"|"user"|"assistant"|"tool", "content": ...}``).
    Subclasses implement ``chat`` and ``astream_chat``; ``complete_json`` is built on top of ``chat``
    unless a subclass has a better way.
    """

    name: str = ""
    model: str = ""

    def chat(
        self,
        messages: list[dict[str, Any]],
        *,
        tools: list[dict[str, Any]] | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
        model: str | None = None,
    ) -> ChatResult:
        raise NotImplementedError

    def astream_chat(
        self,
        messages: list[dict[str, Any]],
        *,
        tools: list[dict[str, Any]] | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
        model: str | None = None,
    ) -> AsyncIterator[ChatChunk]:
        raise NotImplementedError

    def complete_json(
        self,
        messages: list[dict[str, Any]],
        *,
        schema: dict[str, Any],
        name: str,
        model: str | None = None,
    ) -> dict[str, Any]:
        raise NotImplementedError


def validate_json_text(text: str, schema: dict[str, Any]) -> tuple[dict[str, Any] | None, str]:
    """Parse ``text`` and validate it against ``schema``: (value, "") or (None, what is wrong)."""
    import jsonschema  # imported on first use: it is slow to import and most processes never need it

    try:
        value = json.loads(_strip_code_fence(text))
    except json.JSONDecodeError as exc:
        return None, f"the reply is not valid JSON ({exc.msg} at position {exc.pos})"
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema).iter_errors(value))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(root)"
        return None, f"the JSON does not match the schema at {where}: {error.message}"
    return value, ""


def _strip_code_fence(text: str) -> str:
    # Some OpenAI-compatible servers ignore response_format and wrap JSON in a Markdown fence.
    text = (text or "").strip()
    if text.startswith("```"):
        text = text.split("\n", 1)[1] if "\n" in text else ""
        if text.rstrip().endswith("```"):
            text = text.rstrip()[:-3]
    return text.strip()
