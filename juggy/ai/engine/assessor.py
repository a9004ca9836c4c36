"""The model-based answer assessor: the model judges an answer through a JSON-schema output.

The model only says which of the four cases an answer is (and what a thin one lacks); the engine's rules
still decide the step, so the plan and its coverage stay guaranteed. The heuristics measure everything
else (figures, named tools, structure) and stay the answer whenever the model fails or is not needed:
for a non-answer the heuristics are sure of, or when the step cannot change (no follow-up left).
Judgements are cached per (question, earlier answer, answer), so deciding the same step twice (a
streamed reply cut off by a hang-up is decided again to store it) asks the model once.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from dataclasses import replace

from juggy.ai import prompts
from juggy.ai.errors import AIError
from juggy.ai.heuristics.assess import CATEGORIES, MISSING, Assessment, weakness_for
from juggy.ai.providers.base import LLMProvider
from juggy.ai.schemas import ASSESSMENT_SCHEMA
from juggy.ai.types import JobContext, Question

logger = logging.getLogger("juggy.ai")

CACHE_SIZE = 512
MAX_ANSWER_CHARS = 4000


class ModelAssessor:
    def __init__(self, provider: LLMProvider):
        self.provider = provider
        self._cache: OrderedDict[str, Assessment] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, ctx: JobContext, question: Question, answer: str, earlier: str, heuristic: Assessment) -> Assessment:
        if heuristic.category == "non_answer":
            return heuristic  # "I don't know" and silence need no model
        key = hashlib.sha256("\x1f".join((question.id, question.text, earlier, answer)).encode()).hexdigest()
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        message = prompts.render(
            "assess",
            role=" at ".join(p for p in (ctx.target_role, ctx.target_company) if p) or "(not given)",
            kind=question.kind,
            question=question.text,
            earlier=earlier.strip()[:MAX_ANSWER_CHARS] or "(nothing yet)",
            answer=answer.strip()[:MAX_ANSWER_CHARS] or "(silence)",
        )
        try:
            data = self.provider.complete_json([{"role": "system", "content": message}], schema=ASSESSMENT_SCHEMA,
                                               name="answer_assessment")
        except AIError as exc:
            logger.warning("answer assessment by the model failed, using the heuristics: %s", exc)
            return heuristic
        result = merge(heuristic, data, question.kind, answer, source=self.provider.model or self.provider.name)
        with self._lock:
            self._cache[key] = result
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return result


def merge(heuristic: Assessment, data: dict, kind: str, answer: str, source: str) -> Assessment:
    """The heuristic assessment with the model's category, what it lacks, and what it mentions (only
    phrases really in the answer: a follow-up never quotes back words the candidate did not say)."""
    category = data["category"] if data.get("category") in CATEGORIES else heuristic.category
    missing = [m for m in data.get("missing") or [] if m in MISSING] if category == "thin" else []
    if category == "thin" and not missing:
        missing = heuristic.missing or ["detail"]
    known = " ".join(heuristic.named + heuristic.names).lower()
    mentioned = [m.strip() for m in data.get("mentioned") or []
                 if m.strip() and m.strip().lower() in answer.lower() and m.strip().lower() not in known]
    quality = heuristic.quality
    if category != heuristic.category:
        quality = {"non_answer": 0.02, "off_topic": 0.08, "thin": min(quality, 0.45), "specific": max(quality, 0.55)}[category]
    result = replace(heuristic, category=category, missing=missing, quality=quality, non_answer=category == "non_answer",
                     names=[*heuristic.names, *mentioned][:8], source=source)
    result.weakness = weakness_for(result, kind)
    return result
