from django.core.cache import cache
from rest_framework import throttling


class UserRateThrottle(throttling.UserRateThrottle):
    """Per-user request rate (USER_RATE_LIMIT); service tokens are exempt, they speak for many users."""

    def allow_request(self, request, view):
        if getattr(request.auth, "is_service", False):
            return True
        return super().allow_request(request, view)


class FailedLoginThrottle(throttling.SimpleRateThrottle):
    """Counts failed logins per client address and per username (AUTH_RATE_LIMIT); only failures count,
    so a user who types the right password is never locked out by their own successful logins."""

    scope = "auth"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def _keys(self, request, username: str) -> list[str]:
        keys = [self.get_cache_key(request, None)]
        if username:
            keys.append(self.cache_format % {"scope": self.scope, "ident": "user:" + username.lower()[:150]})
        return keys

    def check(self, request, username: str) -> float | None:
        """Seconds to wait if either key is over the limit, else None."""
        self.now = self.timer()
        for key in self._keys(request, username):
            history = [t for t in cache.get(key, []) if t > self.now - self.duration]
            if len(history) >= self.num_requests:
                return self.duration - (self.now - history[-1])
        return None

    def record_failure(self, request, username: str) -> None:
        now = self.timer()
        for key in self._keys(request, username):
            history = [t for t in cache.get(key, []) if t > now - self.duration]
            cache.set(key, [now, *history], self.duration)
