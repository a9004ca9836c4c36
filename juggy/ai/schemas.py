"""JSON schemas of the model outputs the engine asks for (validated with jsonschema on receipt)."""

from __future__ import annotations

from juggy.ai.types import QUESTION_KINDS

PLAN_SCHEMA: dict = {
    "type": "object",
    "additionalProperties": False,
    "required": ["keywords", "questions"],
    "properties": {
        "keywords": {"type": "array", "items": {"type": "string", "minLength": 1}, "maxItems": 25},
        "questions": {
            "type": "array",
            "minItems": 3,
            "maxItems": 15,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["text", "competency", "kind", "follow_ups"],
                "properties": {
                    "text": {"type": "string", "minLength": 5},
                    "competency": {"type": "string", "minLength": 1},
                    "kind": {"type": "string", "enum": list(QUESTION_KINDS)},
                    "follow_ups": {"type": "array", "items": {"type": "string"}, "maxItems": 3},
                },
            },
        },
    },
}

# The model's judgement of one answer (juggy/ai/prompts/assess.v1.md); the engine's rules decide the step.
ASSESSMENT_SCHEMA: dict = {
    "type": "object",
    "additionalProperties": False,
    "required": ["category", "missing", "mentioned", "reason"],
    "properties": {
        "category": {"type": "string", "enum": ["specific", "thin", "off_topic", "non_answer"]},
        "missing": {
            "type": "array",
            "maxItems": 6,
            "items": {"type": "string", "enum": ["example", "numbers", "own_role", "result", "detail", "steps"]},
        },
        "mentioned": {"type": "array", "maxItems": 5, "items": {"type": "string"}},
        "reason": {"type": "string"},
    },
}

ANALYSIS_SCHEMA: dict = {
    "type": "object",
    "additionalProperties": False,
    "required": ["summary", "strengths", "improvements", "competencies"],
    "properties": {
        "summary": {"type": "string"},
        "strengths": {"type": "array", "items": {"type": "string"}, "maxItems": 6},
        "improvements": {"type": "array", "items": {"type": "string"}, "maxItems": 6},
        "competencies": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["competency", "score", "rationale", "evidence"],
                "properties": {
                    "competency": {"type": "string"},
                    "score": {"type": "integer", "minimum": 1, "maximum": 5},
                    "rationale": {"type": "string"},
                    "evidence": {
                        "type": "array",
                        "maxItems": 4,
                        "items": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["quote", "turn_index"],
                            "properties": {
                                "quote": {"type": "string"},
                                "turn_index": {"type": "integer", "minimum": 0},
                            },
                        },
                    },
                },
            },
        },
    },
}
