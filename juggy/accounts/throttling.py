import contextlib
import hashlib
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from redis.exceptions import RedisError
from rest_framework import throttling

logger = logging.getLogger("juggy.throttling")


class UserRateThrottle(throttling.UserRateThrottle):
    """Per-user request rate (USER_RATE_LIMIT); service tokens are exempt, they speak for many users.

    Fails open: with the cache (Redis) down, requests go on unthrottled and a warning is logged. The rate
    is about fair use; refusing every authenticated request because the counter is unreachable would
    turn a Redis outage into a full outage. The login guard below fails closed instead (503)."""

    def allow_request(self, request, view):
        if getattr(request.auth, "is_service", False):
            return True
        try:
            return super().allow_request(request, view)
        except RedisError as exc:
            logger.warning("rate limit not applied, the cache is unavailable: %s", exc)
            return True


@dataclass(frozen=True)
class _Limit:
    name: str  # what is counted: "pair" (username at a client), "client", "username"
    ident: str
    rate: str


class LoginGuard:
    """Failed logins, counted atomically in the cache under three keys:

    - per username at one client (AUTH_RATE_LIMIT, 5/minute): the lock an attacker meets, and one that
      someone else's failures cannot put on the real user at their own address;
    - per client over all usernames (AUTH_CLIENT_RATE_LIMIT): one address spraying many usernames;
    - per username over all clients (AUTH_USERNAME_RATE_LIMIT, softer): a distributed guess at one account.

    An attempt first takes a slot (an atomic increment) under each key and is refused when any key is
    past its limit, so 60 concurrent wrong passwords cannot all be checked before one is counted. A
    successful login gives its slots back, so correct passwords never lock anyone out. The client is
    REMOTE_ADDR unless TRUSTED_PROXY_COUNT says how many proxies stand in front (DRF's NUM_PROXIES rule),
    so a forged X-Forwarded-For names nobody. Fixed windows: a key's count resets when its window ends.
    """

    def __init__(self, request, username: str):
        client = _client_ident(request)
        username = username.strip().lower()[:150]
        self.limits = [
            _Limit("pair", f"{username}|{client}", settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["auth"]),
            _Limit("client", client, settings.AUTH_CLIENT_RATE_LIMIT),
        ]
        if username:
            self.limits.append(_Limit("username", username, settings.AUTH_USERNAME_RATE_LIMIT))
        self._taken: list[str] = []

    def take(self) -> float | None:
        """Take a slot under every key; the seconds to wait if one is past its limit (slots given back)."""
        now = time.time()
        wait = None
        for limit in self.limits:
            allowed, duration = throttling.SimpleRateThrottle.parse_rate(self, limit.rate)
            window = int(now // duration)
            key = f"login-failures:{limit.name}:{window}:{hashlib.sha256(limit.ident.encode()).hexdigest()}"
            cache.add(key, 0, duration + 1)
            try:
                count = cache.incr(key)
            except ValueError:  # the key expired between add and incr
                cache.add(key, 1, duration + 1)
                count = 1
            self._taken.append(key)
            if count > allowed:
                wait = max(wait or 0.0, (window + 1) * duration - now)
        if wait is not None:
            self.release()  # a refused attempt checks no password, so it does not count
        return wait

    def release(self) -> None:
        """Give the slots back: the attempt succeeded (or was refused before checking anything)."""
        for key in self._taken:
            with contextlib.suppress(ValueError):  # the window ended meanwhile
                cache.decr(key)
        self._taken = []


def _client_ident(request) -> str:
    # DRF's rule (NUM_PROXIES = TRUSTED_PROXY_COUNT): with 0, REMOTE_ADDR; with n, the n-th address from
    # the right of X-Forwarded-For, the one the outermost trusted proxy saw.
    return throttling.BaseThrottle().get_ident(request)
