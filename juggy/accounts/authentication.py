from __future__ import annotations

import uuid
from datetime import timedelta

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from juggy.accounts.models import ApiToken, User, hash_token
from juggy.errors import BadRequest, Forbidden, NotFound

# Writing last_used_at on every request would turn each read into a write; once a minute is enough.
_LAST_USED_RESOLUTION = timedelta(minutes=1)


def authenticate_key(key: str) -> ApiToken | None:
    """The live token for a plain key, with its user; None if unknown, revoked or the user is inactive."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is not None:
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > _LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Invalid Authorization header: expected 'Bearer <token>'.")
        try:
            key = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed("Invalid token.") from exc
        token = authenticate_key(key)
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = BearerTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "Token from POST /auth/token."}


def is_service(request) -> bool:
    return bool(getattr(request.auth, "is_service", False))


def acting_user(request, user_id=None) -> User:
    """The user a request acts for: the caller, or, for a service token, the user it names."""
    if user_id in (None, ""):
        return request.user
    try:
        wanted = uuid.UUID(str(user_id))
    except ValueError as exc:
        raise BadRequest("user_id must be a UUID.", code="invalid_user_id", details={"userId": ["Not a UUID."]}) from exc
    if wanted == request.user.pk:
        return request.user
    if not is_service(request):
        raise Forbidden("user_id does not match the authenticated user.", code="user_mismatch")
    user = User.objects.filter(pk=wanted, is_active=True).first()
    if user is None:
        raise NotFound("No such user.", code="user_not_found")
    return user
