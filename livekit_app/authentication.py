"""`Authorization: Bearer jgp_...`: a room pass, for candidates who have no account."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from juggy.errors import NotAuthenticated
from livekit_app.services import ROOM_PASS_PREFIX, RoomPass, room_pass_verify


class RoomPassAuthentication(authentication.BaseAuthentication):
    """Authenticates a room pass as (AnonymousUser, RoomPass). Any other bearer value is left to
    the next authenticator, so list this one before BearerTokenAuthentication."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if len(header) != 2 or header[0].lower() != b"bearer" or not header[1].startswith(ROOM_PASS_PREFIX.encode()):
            return None
        try:
            return AnonymousUser(), room_pass_verify(header[1].decode())
        except (NotAuthenticated, UnicodeError) as exc:
            raise exceptions.AuthenticationFailed(getattr(exc, "message", "Invalid room pass.")) from exc

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class IsUserOrRoomPass(permissions.BasePermission):
    """A signed-in user, or the holder of a valid room pass."""

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated) or isinstance(request.auth, RoomPass)


class RoomPassScheme(OpenApiAuthenticationExtension):
    target_class = RoomPassAuthentication
    name = "roomPass"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A room pass (`jgp_...`) issued by Juggy to a candidate for one room and identity.",
        }
