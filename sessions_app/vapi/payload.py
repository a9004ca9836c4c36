"""Defensive parsing of what VAPI sends: chat-completion requests and server (webhook) messages.

VAPI adds fields over time and older assistants send older shapes, so everything here reads with
`.get` on whatever is there, ignores unknown keys and only raises BadRequest for what we cannot work
without (a JSON object, a `messages` list).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from juggy import jsoninput
from juggy.ai import Turn
from juggy.errors import BadRequest

_ROLES = {"assistant": "interviewer", "bot": "interviewer", "user": "candidate"}


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def parse_json_object(body: bytes) -> dict:
    try:
        data = jsoninput.loads(body or b"")
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest("The request body is not valid JSON.", code="malformed_request") from exc
    if not isinstance(data, dict):
        raise BadRequest("The request body must be a JSON object.", code="malformed_request")
    return data


def message_text(content: Any) -> str:
    """OpenAI message content: a string, or a list of parts of which the text parts count."""
    if isinstance(content, str):
        return content.strip()
    if isinstance(content, list):
        parts = [p.get("text") for p in content if isinstance(p, dict) and p.get("type", "text") == "text"]
        return " ".join(p.strip() for p in parts if isinstance(p, str) and p.strip())
    return ""


def conversation(messages: list[dict], *, text_key: str = "content") -> list[Turn]:
    """Interviewer and candidate turns in order. System prompts (VAPI's own), tool calls and tool results
    are not part of the interview; empty messages (a tool-call-only assistant message) are skipped."""
    turns: list[Turn] = []
    for message in messages:
        role = _ROLES.get(_str(_dict(message).get("role")))
        text = message_text(message.get(text_key)) if role else ""
        if role and text:
            turns.append(Turn(role=role, text=text))
    return turns


def _call_ref(call: dict) -> str:
    return _str(call.get("id")) or _str(call.get("callId"))


def _session_ref(*sources: dict) -> str:
    for source in sources:
        meta = _dict(source.get("metadata"))
        for key in ("sessionId", "session_id"):
            if value := _str(meta.get(key)):
                return value
    return ""


@dataclass
class ChatRequest:
    messages: list[dict]
    stream: bool
    model: str
    call_id: str = ""
    session_ref: str = ""  # a session id named in metadata, used when no call is linked
    control_url: str = ""
    turns: list[Turn] = field(default_factory=list)

    @classmethod
    def parse(cls, data: dict) -> ChatRequest:
        messages = data.get("messages")
        if not isinstance(messages, list) or not messages:
            raise BadRequest(
                "messages is required: a non-empty list of chat messages.",
                code="invalid",
                details={"messages": ["This field is required and must be a non-empty list."]},
            )
        if not all(isinstance(m, dict) for m in messages):
            raise BadRequest(
                "Every message must be an object with a role and content.",
                code="invalid",
                details={"messages": ["Every item must be an object."]},
            )
        call = _dict(data.get("call"))
        overrides = _dict(call.get("assistantOverrides"))
        stream = data.get("stream", False)
        return cls(
            messages=messages,
            # OpenAI's default is not to stream; VAPI always sends stream: true.
            stream=stream is True or stream == "true",
            model=_str(data.get("model")) or "juggy-interviewer",
            call_id=_call_ref(call),
            session_ref=_session_ref(data, call, overrides, _dict(data.get("assistant"))),
            control_url=_str(_dict(call.get("monitor")).get("controlUrl")),
            turns=conversation(messages),
        )


@dataclass
class ServerMessage:
    """A VAPI server message (webhook): {"message": {"type": ..., "call": {...}, ...}}."""

    type: str
    body: dict
    call_id: str
    session_ref: str

    @classmethod
    def parse(cls, data: dict) -> ServerMessage:
        body = _dict(data.get("message"))
        if not body:
            raise BadRequest(
                "The body must be a VAPI server message: {\"message\": {\"type\": ...}}.",
                code="invalid",
                details={"message": ["This field is required and must be an object."]},
            )
        call = _dict(body.get("call"))
        return cls(
            type=_str(body.get("type")),
            body=body,
            call_id=_call_ref(call),
            session_ref=_session_ref(body, call, _dict(call.get("assistantOverrides")), _dict(body.get("assistant"))),
        )

    def report_turns(self) -> list[Turn]:
        """The call's transcript from an end-of-call report: artifact.messages (VAPI's roles bot/user,
        text in `message`), else the OpenAI-formatted copy, else the plain `AI: ... / User: ...` text."""
        artifact = _dict(self.body.get("artifact"))
        messages = artifact.get("messages") or self.body.get("messages")
        if isinstance(messages, list) and messages:
            turns = conversation([m for m in messages if isinstance(m, dict)], text_key="message")
            if turns:
                return turns
        formatted = artifact.get("messagesOpenAIFormatted")
        if isinstance(formatted, list) and formatted:
            turns = conversation([m for m in formatted if isinstance(m, dict)])
            if turns:
                return turns
        transcript = artifact.get("transcript") or self.body.get("transcript")
        return transcript_turns(transcript) if isinstance(transcript, str) else []

    def recording_urls(self) -> dict[str, str]:
        artifact = _dict(self.body.get("artifact"))
        recording = _dict(artifact.get("recording"))
        mono = _dict(recording.get("mono"))
        found = {
            "mono": _url(artifact.get("recordingUrl"), self.body.get("recordingUrl"), mono.get("combinedUrl")),
            "stereo": _url(artifact.get("stereoRecordingUrl"), self.body.get("stereoRecordingUrl"), recording.get("stereoUrl")),
            "assistant": _url(mono.get("assistantUrl")),
            "customer": _url(mono.get("customerUrl")),
            "video": _url(artifact.get("videoRecordingUrl")),
        }
        return {k: v for k, v in found.items() if v}


def _url(*values: Any) -> str:
    """The first value that is an http(s) URL: these end up as links in the admin."""
    return next((v for v in map(_str, values) if v.startswith(("https://", "http://"))), "")


def transcript_turns(text: str) -> list[Turn]:
    """VAPI's plain transcript: one line per utterance, `AI: ...` or `User: ...`; continuation lines join
    the utterance above."""
    turns: list[Turn] = []
    for line in text.splitlines():
        head, sep, rest = line.partition(":")
        role = {"ai": "interviewer", "assistant": "interviewer", "bot": "interviewer", "user": "candidate"}.get(
            head.strip().lower()
        )
        if sep and role and rest.strip():
            turns.append(Turn(role=role, text=rest.strip()))
        elif turns and line.strip():
            turns[-1] = Turn(role=turns[-1].role, text=f"{turns[-1].text} {line.strip()}")
    return turns
