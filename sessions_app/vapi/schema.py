"""OpenAPI for the VAPI endpoints. They are not DRF views (the chat completions are not even Django's:
sessions_app/vapi/asgi.py), so drf-spectacular does not see them; this postprocessing hook adds them.

Enabled by SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"] += ["sessions_app.vapi.schema.add_vapi_paths"].
"""

from __future__ import annotations

import copy

from django.conf import settings

from sessions_app.vapi.asgi import CHAT_VERSIONS, ChatVersion

ERROR = {
    "type": "object",
    "description": 'The one error shape: {"error": {"code", "message", "details"}}.',
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "details": {"nullable": True},
            },
            "required": ["code", "message", "details"],
        }
    },
    "required": ["error"],
}

MESSAGE = {
    "type": "object",
    "properties": {
        "role": {"type": "string", "enum": ["system", "user", "assistant", "tool"]},
        "content": {
            "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "object"}}],
            "nullable": True,
            "description": "Text, or OpenAI content parts of which the text parts are read.",
        },
    },
    "required": ["role"],
}

CHAT_REQUEST = {
    "type": "object",
    "description": (
        "OpenAI chat-completions request as VAPI sends it (snake_case, passed through unchanged). System "
        "messages are ignored: the interviewer's instructions come from the session. Unknown keys are "
        "ignored. The session is found by `call.id` (older payloads: `call.callId`), else by `sessionId` "
        "in `metadata`, `call.metadata` or `call.assistantOverrides.metadata`."
    ),
    "properties": {
        "model": {"type": "string"},
        "messages": {"type": "array", "items": MESSAGE, "minItems": 1},
        "stream": {"type": "boolean", "default": False, "description": "VAPI always sends true."},
        "temperature": {"type": "number"},
        "max_tokens": {"type": "integer"},
        "tools": {"type": "array", "items": {"type": "object"}, "description": "Ignored."},
        "call": {
            "type": "object",
            "properties": {
                "id": {"type": "string"},
                "callId": {"type": "string", "description": "Older VAPI payloads."},
                "monitor": {
                    "type": "object",
                    "properties": {"controlUrl": {"type": "string", "format": "uri"}},
                },
                "metadata": {"type": "object", "properties": {"sessionId": {"type": "string"}}},
                "assistantOverrides": {"type": "object"},
            },
        },
        "metadata": {"type": "object", "properties": {"sessionId": {"type": "string", "format": "uuid"}}},
        "customer": {"type": "object"},
        "phoneNumber": {"type": "object"},
    },
    "required": ["messages"],
}

def _completion(obj: str, description: str, content: str, content_schema: dict, finish_reason: dict,
                extra: dict | None = None) -> dict:
    """An OpenAI chat.completion or chat.completion.chunk: one choice, `content` being message or delta."""
    return {
        "type": "object",
        "description": description,
        "properties": {
            "id": {"type": "string", "description": "The completion's id (the same in every chunk of a stream)."},
            "object": {"type": "string", "enum": [obj]},
            "created": {"type": "integer"},
            "model": {"type": "string"},
            "choices": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "index": {"type": "integer"},
                        content: content_schema,
                        "logprobs": {"type": "object", "nullable": True, "description": "Always null."},
                        "finish_reason": finish_reason,
                    },
                    "required": ["index", content, "logprobs", "finish_reason"],
                },
            },
            **(extra or {}),
        },
        "required": ["id", "object", "created", "model", "choices"],
    }


COMPLETION = _completion(
    "chat.completion", "`stream: false`: one OpenAI chat.completion.", "message", MESSAGE,
    {"type": "string"}, {"usage": {"type": "object"}},
)

CHUNK = _completion(
    "chat.completion.chunk", "One `data:` event of the stream: an OpenAI chat.completion.chunk.", "delta",
    {
        "type": "object",
        "properties": {"role": {"type": "string", "enum": ["assistant"]}, "content": {"type": "string"}},
    },
    {"type": "string", "nullable": True, "description": "null until the last chunk."},
)

# OpenAPI 3.0 describes a text/event-stream by one event (3.2's `itemSchema`): a `data` field per event,
# the parsed shape schemathesis and other checkers validate each event against.
SSE = {
    "type": "object",
    "description": (
        "One server-sent event of the stream: `data: {chat.completion.chunk}` (component `ChatCompletionChunk`, "
        'as JSON text) per piece of text (the first with `delta.role = "assistant"`), a last chunk with '
        '`finish_reason: "stop"`, then `data: [DONE]`. Failures after the stream has started (the model '
        "failing, credits running out) are spoken as a closing sentence in the stream, never an error status."
    ),
    "required": ["data"],
    "properties": {
        "data": {
            "type": "string",
            "description": "A `ChatCompletionChunk` as JSON, or `[DONE]` after the last chunk.",
        },
        "event": {"type": "string", "description": "Always the default event type, `message`."},
    },
    "example": {
        "data": '{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o",'
        '"choices":[{"index":0,"delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}]}'
    },
}

SERVER_MESSAGE = {
    "type": "object",
    "description": "A VAPI server message. Handled types: `status-update`, `end-of-call-report`; others are acknowledged and ignored.",
    "properties": {
        "message": {
            "type": "object",
            "properties": {
                "type": {"type": "string"},
                "status": {"type": "string", "description": "status-update: scheduled, queued, ringing, in-progress, forwarding, ended."},
                "endedReason": {"type": "string"},
                "startedAt": {"type": "string", "format": "date-time"},
                "endedAt": {"type": "string", "format": "date-time"},
                "call": {"type": "object", "properties": {"id": {"type": "string"}}},
                "artifact": {
                    "type": "object",
                    "properties": {
                        "messages": {"type": "array", "items": {"type": "object"}},
                        "messagesOpenAIFormatted": {"type": "array", "items": {"type": "object"}},
                        "transcript": {"type": "string"},
                        "recordingUrl": {"type": "string"},
                        "stereoRecordingUrl": {"type": "string"},
                    },
                },
            },
            "required": ["type"],
        }
    },
    "required": ["message"],
}

WEBHOOK_RESULT = {
    "type": "object",
    "properties": {
        "received": {"type": "boolean"},
        "type": {"type": "string"},
        "outcome": {"type": "string", "enum": ["updated", "unchanged", "stored", "ignored", "unknown_session"]},
    },
    "required": ["received", "type", "outcome"],
}

SECURITY = [{"vapiBearer": []}, {"vapiSecretHeader": []}, {"bearerAuth": []}]


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _errors(bad_request: str) -> dict:
    error = {"application/json": {"schema": _ref("VapiError")}}
    return {
        "400": {"description": bad_request, "content": error},
        "401": {"description": "Neither the VAPI secret nor a token (`not_authenticated`).", "content": error},
        "403": {"description": "A user token instead of a service token (`service_token_required`).", "content": error},
        "405": {"description": "Only POST.", "content": error},
    }


def _chat(version: ChatVersion) -> dict:
    return {
        "post": {
            "operationId": version.operation_id,
            "summary": version.summary,
            "description": version.description,
            "tags": list(version.tags),
            "security": SECURITY,
            "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("ChatCompletionRequest")}}},
            "responses": {
                "200": {
                    "description": "The interviewer's reply.",
                    "content": {
                        "text/event-stream": {"schema": copy.deepcopy(SSE)},
                        "application/json": {"schema": _ref("ChatCompletion")},
                    },
                },
                **_errors("Body not JSON, or no `messages` (`malformed_request`, `invalid`)."),
            },
        }
    }


def add_vapi_paths(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(
        {
            "ChatCompletionRequest": copy.deepcopy(CHAT_REQUEST),
            "ChatCompletion": copy.deepcopy(COMPLETION),
            "ChatCompletionChunk": copy.deepcopy(CHUNK),
            "VapiServerMessage": copy.deepcopy(SERVER_MESSAGE),
            "VapiWebhookResult": copy.deepcopy(WEBHOOK_RESULT),
            "VapiError": copy.deepcopy(ERROR),
        }
    )
    schemes = result["components"].setdefault("securitySchemes", {})
    schemes.setdefault("vapiBearer", {"type": "http", "scheme": "bearer", "description": "The VAPI secret (VAPI_SECRET)."})
    schemes.setdefault(
        "vapiSecretHeader",
        {
            "type": "apiKey",
            "in": "header",
            "name": settings.VAPI_SECRET_HEADER,
            "description": "The VAPI secret in the legacy header (its name is VAPI_SECRET_HEADER).",
        },
    )
    paths = result.setdefault("paths", {})
    for version in CHAT_VERSIONS:
        paths["/" + version.path] = _chat(version)
    paths["/vapi/webhook"] = {
        "post": {
            "operationId": "vapi_webhook",
            "summary": "VAPI server messages",
            "description": (
                "Set as the assistant's server URL. `status-update` moves the session's status forward "
                "(in-progress -> in_progress, ended -> completed, or failed when the call ended in an error). "
                "`end-of-call-report` stores the final transcript (completing ours, never duplicating it), "
                "recording URLs, ended reason, start, end and duration, then queues the analysis. "
                "Redelivered messages change nothing. Unknown types and calls are acknowledged with 200."
            ),
            "tags": ["live interview"],
            "security": SECURITY,
            "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("VapiServerMessage")}}},
            "responses": {
                "200": {"description": "Acknowledged.", "content": {"application/json": {"schema": _ref("VapiWebhookResult")}}},
                **_errors("Body not JSON, or no `message` object (`malformed_request`, `invalid`)."),
            },
        }
    }
    return result
