"""Who may call the VAPI endpoints: VAPI itself (the shared secret) or one of our service tokens."""

from __future__ import annotations

import hmac
from collections.abc import Mapping

from django.conf import settings

from conversations.db import db_call
from juggy.errors import Forbidden, NotAuthenticated


def _bearer(headers: Mapping[str, str]) -> str:
    scheme, _, value = headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def _is_secret(value: str) -> bool:
    secret = settings.VAPI_SECRET
    # compare_digest: the time taken must not tell an attacker how much of the secret they guessed.
    return bool(secret and value) and hmac.compare_digest(value.encode(), secret.encode())


async def vapi_authenticate(headers: Mapping[str, str]) -> str:
    """Accept VAPI's secret (custom-llm credential as `Authorization: Bearer`, legacy setups in the
    VAPI_SECRET_HEADER header) or a service token; return how the caller authenticated. `headers` are
    looked up by lower-case name (ASGI's header names; Django's `request.headers` ignores case)."""
    bearer = _bearer(headers)
    if _is_secret(bearer) or _is_secret(headers.get(settings.VAPI_SECRET_HEADER.lower(), "").strip()):
        return "vapi_secret"
    if bearer:
        from juggy.accounts.authentication import authenticate_key

        token = await db_call(authenticate_key)(bearer)
        if token is not None:
            if not token.is_service:
                raise Forbidden(
                    "Only VAPI (with the VAPI secret) or a service token may call this endpoint.",
                    code="service_token_required",
                )
            return "service_token"
    raise NotAuthenticated(
        f"Send the VAPI secret as 'Authorization: Bearer <secret>' or in '{settings.VAPI_SECRET_HEADER}', "
        "or a service token.",
        code="not_authenticated",
    )
