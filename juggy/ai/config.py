"""Plain configuration for providers and engines, so that neither needs Django.

``AIConfig.from_settings()`` is the one place that reads Django settings; everything else takes an
``AIConfig``. It is frozen and hashable, so providers can be cached per distinct configuration.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_END_CALL_PHRASE = "Thank you for your time today. Goodbye."


@dataclass(frozen=True)
class AIConfig:
    provider: str = "builtin"  # "builtin" or "openai"
    api_key: str = ""
    base_url: str = ""  # empty: the openai client's default (api.openai.com)
    model: str = "gpt-4o-mini"
    analysis_model: str = ""  # empty: same as model
    timeout: float = 30.0  # seconds, per request (for streams: per read)
    max_retries: int = 2  # retries after the first attempt on 408/409/429/5xx/connection errors
    end_call_phrase: str = DEFAULT_END_CALL_PHRASE
    # Streamed turns (the voice transports: VAPI, the LiveKit agent) are decided by the heuristics unless
    # this is on: the model's assessment is a second model round trip before the first word (docs/ai-engine.md).
    model_assesses_streamed_turns: bool = False

    @classmethod
    def from_settings(cls) -> AIConfig:
        from django.conf import settings

        return cls(
            provider=(getattr(settings, "AI_PROVIDER", "") or "builtin").strip().lower(),
            api_key=getattr(settings, "OPENAI_API_KEY", ""),
            base_url=getattr(settings, "OPENAI_BASE_URL", ""),
            model=getattr(settings, "OPENAI_MODEL", "") or cls.model,
            analysis_model=getattr(settings, "OPENAI_ANALYSIS_MODEL", ""),
            timeout=float(getattr(settings, "OPENAI_TIMEOUT", cls.timeout)),
            max_retries=int(getattr(settings, "OPENAI_MAX_RETRIES", cls.max_retries)),
            end_call_phrase=getattr(settings, "INTERVIEW_END_CALL_PHRASE", "") or DEFAULT_END_CALL_PHRASE,
            model_assesses_streamed_turns=bool(getattr(settings, "AI_MODEL_ASSESSES_STREAMED_TURNS", False)),
        )
