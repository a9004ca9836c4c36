"""Calls to a LiveKit server through `livekit-api`, from sync code, with its errors as API errors.

`livekit-api` is asyncio-only: every call opens a `LiveKitAPI` (one aiohttp session) inside
`async_to_sync` and closes it again. Calls are rare (room create/delete, a dispatch per interview), so
a pooled long-lived session is not worth the event-loop bookkeeping it would need.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

import aiohttp
from asgiref.sync import async_to_sync
from django.conf import settings
from livekit import api

from juggy.errors import BadRequest, Conflict, DomainError, NotFound, ServiceUnavailable

logger = logging.getLogger("juggy.livekit")

T = TypeVar("T")

_INVALID = {"invalid_argument", "malformed", "out_of_range", "failed_precondition"}


def livekit_configured() -> bool:
    return bool(settings.LIVEKIT_URL and settings.LIVEKIT_API_KEY and settings.LIVEKIT_API_SECRET)


def credentials() -> tuple[str, str]:
    """The key pair tokens are signed and webhooks verified with: the configured one, else the local one.

    A configured pair is used even without LIVEKIT_URL: a frontend may talk to LiveKit Cloud while this
    server never calls the server API, and LiveKit must accept the tokens we hand out."""
    if settings.LIVEKIT_API_KEY and settings.LIVEKIT_API_SECRET:
        return settings.LIVEKIT_API_KEY, settings.LIVEKIT_API_SECRET
    return settings.LIVEKIT_LOCAL_API_KEY, settings.LIVEKIT_LOCAL_API_SECRET


def error_from_twirp(exc: api.TwirpError) -> DomainError:
    code = exc.code
    details = {"livekitCode": code, "livekitMessage": exc.message}
    if code == "not_found":
        return NotFound("LiveKit has no such room.", code="livekit_not_found", details=details)
    if code == "already_exists":
        return Conflict("A room with this name already exists on LiveKit.", code="room_exists", details=details)
    if code in _INVALID:
        return BadRequest("LiveKit rejected the request.", code="livekit_invalid_request", details=details)
    # unauthenticated / permission_denied mean *our* key pair is wrong: the caller cannot fix that.
    logger.warning("LiveKit error %s (HTTP %s): %s", code, exc.status, exc.message)
    return ServiceUnavailable("The LiveKit server refused or failed the request.", code="livekit_error", details=details)


def call(operation: Callable[[api.LiveKitAPI], Awaitable[T]]) -> T:
    """Run `operation(lkapi)` against the configured server; raise DomainError on any failure."""

    async def run() -> T:
        # The Twirp client passes timeout=None per request, which makes aiohttp ignore the session's
        # timeout: the deadline is enforced around the whole call instead.
        async with asyncio.timeout(settings.LIVEKIT_API_TIMEOUT_SECONDS):
            # failover=False: region failover is a LiveKit Cloud feature; a self-hosted server has one origin.
            async with api.LiveKitAPI(
                settings.LIVEKIT_URL, settings.LIVEKIT_API_KEY, settings.LIVEKIT_API_SECRET, failover=False
            ) as lkapi:
                return await operation(lkapi)

    try:
        return async_to_sync(run)()
    except api.TwirpError as exc:
        raise error_from_twirp(exc) from exc
    except (TimeoutError, aiohttp.ClientError, OSError) as exc:
        logger.warning("LiveKit server unreachable: %r", exc)
        raise ServiceUnavailable(
            "The LiveKit server cannot be reached.", code="livekit_unreachable", details={"reason": type(exc).__name__}
        ) from exc
