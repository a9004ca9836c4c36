"""Errors raised by juggy.ai. Callers catch ``AIError``; nothing here knows about HTTP status codes."""

from __future__ import annotations


class AIError(Exception):
    """Base class of every error raised by juggy.ai."""


class ProviderError(AIError):
    """A language-model call failed.

    ``transient`` is True when trying again later may succeed (rate limit, 5xx, timeout, dropped
    connection or stream), False when it will not (bad request, bad key, invalid output after a retry).
    The provider has already retried transient errors within its bound before raising.
    """

    def __init__(self, message: str, *, transient: bool = False, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.transient = transient
        self.status = status


class ProviderUnavailable(ProviderError):
    """The provider cannot be used at all: misconfigured, or unreachable after the retries."""
