"""The interviewer engine. ``get_engine()`` returns the one configured in Django settings."""

from __future__ import annotations

from juggy.ai.config import AIConfig
from juggy.ai.engine.base import RECOMMENDATIONS, InterviewEngine, recommendation_for
from juggy.ai.providers import provider_for

__all__ = ["RECOMMENDATIONS", "InterviewEngine", "engine_for", "get_engine", "recommendation_for"]

_engines: dict[AIConfig, InterviewEngine] = {}


def engine_for(config: AIConfig) -> InterviewEngine:
    """The engine for a configuration. Engines hold no per-interview state, so one per configuration."""
    engine = _engines.get(config)
    if engine is None:
        chat, analysis = provider_for(config, "chat"), provider_for(config, "analysis")
        if config.provider == "builtin":
            from juggy.ai.engine.builtin import BuiltinInterviewEngine

            engine = BuiltinInterviewEngine(chat, config, analysis)
        else:
            from juggy.ai.engine.llm import LLMInterviewEngine

            engine = LLMInterviewEngine(chat, config, analysis)
        if len(_engines) >= 16:
            _engines.pop(next(iter(_engines)))
        _engines[config] = engine  # a racing thread may build a second one; both are equivalent
    return engine


def get_engine() -> InterviewEngine:
    """The engine for the current Django settings (AI_PROVIDER, OPENAI_*, INTERVIEW_END_CALL_PHRASE)."""
    return engine_for(AIConfig.from_settings())
