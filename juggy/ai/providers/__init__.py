"""Language-model providers: ``get_llm_provider()`` returns the configured one, cached per process."""

from __future__ import annotations

import threading

from juggy.ai.config import AIConfig
from juggy.ai.errors import ProviderUnavailable
from juggy.ai.providers.base import ChatChunk, ChatResult, LLMProvider, ToolCall, Usage

__all__ = ["ChatChunk", "ChatResult", "LLMProvider", "ToolCall", "Usage", "get_llm_provider", "provider_for"]

PURPOSES = ("chat", "analysis")
MAX_CACHED = 16
_cache: dict[tuple[AIConfig, str], LLMProvider] = {}
_lock = threading.Lock()


def provider_for(config: AIConfig, purpose: str = "chat") -> LLMProvider:
    """The provider for a configuration; one instance (and HTTP client) per configuration and purpose."""
    if purpose not in PURPOSES:
        raise ValueError(f"Unknown provider purpose {purpose!r}; expected one of {', '.join(PURPOSES)}.")
    key = (config, purpose)
    provider = _cache.get(key)
    if provider is None:
        with _lock:
            provider = _cache.get(key)
            if provider is None:
                provider = _build(config, purpose)
                if len(_cache) >= MAX_CACHED:  # settings rarely change outside tests; keep it bounded anyway
                    _cache.pop(next(iter(_cache)))
                _cache[key] = provider
    return provider


def _build(config: AIConfig, purpose: str) -> LLMProvider:
    if config.provider == "builtin":
        from juggy.ai.providers.builtin import BuiltinProvider

        return BuiltinProvider(config)
    if config.provider == "openai":
        from juggy.ai.providers.openai import OpenAIProvider

        model = config.analysis_model if purpose == "analysis" and config.analysis_model else config.model
        return OpenAIProvider(config, model=model)
    raise ProviderUnavailable(f"Unknown AI_PROVIDER {config.provider!r}; use 'builtin' or 'openai'.")


def get_llm_provider(purpose: str = "chat") -> LLMProvider:
    """The provider configured in Django settings; purpose "analysis" uses OPENAI_ANALYSIS_MODEL if set."""
    return provider_for(AIConfig.from_settings(), purpose)
