"""OpenAI chat-completions wire format: `chat.completion.chunk` SSE events and the `chat.completion` JSON.

Only the fields VAPI and the openai client read are produced; the body is OpenAI's snake_case, which is
why these views are plain Django views and not DRF (the camelCase renderer would rename the keys).
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from functools import cached_property

DONE = b"data: [DONE]\n\n"
_TEXT_TAIL = b'},"logprobs":null,"finish_reason":null}]}\n\n'


@dataclass
class Completion:
    """One completion's identity, shared by all its chunks."""

    model: str
    id: str = field(default_factory=lambda: f"chatcmpl-{uuid.uuid4().hex}")
    created: int = field(default_factory=lambda: int(time.time()))

    def _base(self, obj: str) -> dict:
        return {"id": self.id, "object": obj, "created": self.created, "model": self.model}

    def chunk(self, delta: dict, finish_reason: str | None = None) -> bytes:
        payload = {
            **self._base("chat.completion.chunk"),
            "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}],
        }
        return b"data: " + json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode() + b"\n\n"

    def role(self) -> bytes:
        # The first chunk names the role, as OpenAI's does; clients key the message off it.
        return self.chunk({"role": "assistant", "content": ""})

    def text(self, text: str) -> bytes:
        # The hot path (one event per model token, thousands a second under load): only the text is
        # encoded per event; the rest of the event is the same bytes every time.
        return self._text_head + json.dumps(text, ensure_ascii=False).encode() + _TEXT_TAIL

    @cached_property
    def _text_head(self) -> bytes:
        return self.chunk({"content": ""}).partition(b'{"content":')[0] + b'{"content":'

    def finish(self, reason: str = "stop") -> bytes:
        return self.chunk({}, reason)

    def message(self, text: str, finish_reason: str = "stop") -> dict:
        """The non-streaming `chat.completion` body (stream: false)."""
        return {
            **self._base("chat.completion"),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text},
                    "logprobs": None,
                    "finish_reason": finish_reason,
                }
            ],
            # Token counts are not tracked per request; zeros keep strict clients (and VAPI) parsing.
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        }
