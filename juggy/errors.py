"""The one error shape: {"error": {"code": "...", "message": "...", "details": ...}}.

Services raise ApiError subclasses; DRF exceptions, Django's 404/403/500 and CSRF failures are all
rendered here, so no view builds error JSON by hand and no HTML error page reaches an API client.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from rest_framework import exceptions as drf_exceptions
from rest_framework import status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error

logger = logging.getLogger("juggy.errors")


class ApiError(Exception):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "error"
    default_message = "The request could not be processed."

    def __init__(self, message: str | None = None, *, code: str | None = None, details: Any = None):
        self.message = message or self.default_message
        self.code = code or self.default_code
        self.details = details
        super().__init__(self.message)


class BadRequest(ApiError):
    status_code = 400
    default_code = "bad_request"
    default_message = "The request is invalid."


class NotAuthenticated(ApiError):
    status_code = 401
    default_code = "not_authenticated"
    default_message = "Authentication credentials were not provided or are invalid."


class PaymentRequired(ApiError):
    status_code = 402
    default_code = "payment_required"
    default_message = "Not enough credits."


class Forbidden(ApiError):
    status_code = 403
    default_code = "forbidden"
    default_message = "You may not do this."


class NotFound(ApiError):
    status_code = 404
    default_code = "not_found"
    default_message = "Not found."


class Conflict(ApiError):
    status_code = 409
    default_code = "conflict"
    default_message = "The request conflicts with the current state."


class PayloadTooLarge(ApiError):
    status_code = 413
    default_code = "payload_too_large"
    default_message = "The request body is too large."


class UnsupportedMediaType(ApiError):
    status_code = 415
    default_code = "unsupported_media_type"
    default_message = "This type of content is not supported."


class ServiceUnavailable(ApiError):
    status_code = 503
    default_code = "service_unavailable"
    default_message = "A service this request needs is unavailable."


def error_body(code: str, message: str, details: Any = None) -> dict:
    return {"error": {"code": code, "message": message, "details": details}}


# DRF exception class -> our code, where DRF's own default_code is not what clients should see.
_DRF_CODES = {
    drf_exceptions.ValidationError: "invalid",
    drf_exceptions.ParseError: "malformed_request",
    drf_exceptions.AuthenticationFailed: "authentication_failed",
    drf_exceptions.NotAuthenticated: "not_authenticated",
    drf_exceptions.PermissionDenied: "forbidden",
    drf_exceptions.NotFound: "not_found",
    drf_exceptions.MethodNotAllowed: "method_not_allowed",
    drf_exceptions.NotAcceptable: "not_acceptable",
    drf_exceptions.UnsupportedMediaType: "unsupported_media_type",
    drf_exceptions.Throttled: "throttled",
}


def _validation_message(detail: Any) -> str:
    if isinstance(detail, dict):
        for field, errors in detail.items():
            first = errors[0] if isinstance(errors, list) and errors else errors
            if isinstance(first, dict | list):
                return f"Invalid value for '{field}'."
            return f"{first}" if field == "non_field_errors" else f"{field}: {first}"
    if isinstance(detail, list) and detail:
        return str(detail[0])
    return str(detail) or "Invalid input."


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF EXCEPTION_HANDLER: every API error leaves in the one shape."""
    headers: dict[str, str] = {}
    if isinstance(exc, ApiError):
        return Response(error_body(exc.code, exc.message, exc.details), status=exc.status_code)
    if isinstance(exc, Http404):
        exc = drf_exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = drf_exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        exc = drf_exceptions.ValidationError(as_serializer_error(exc))
    if not isinstance(exc, drf_exceptions.APIException):
        return None  # a real bug: JsonExceptionMiddleware logs it and answers 500 in the same shape

    code = next((c for cls, c in _DRF_CODES.items() if isinstance(exc, cls)), None) or exc.default_code
    if isinstance(exc, drf_exceptions.ValidationError):
        message, details = _validation_message(exc.detail), exc.detail
    else:
        message, details = str(exc.detail), None
    if isinstance(exc, drf_exceptions.Throttled) and exc.wait is not None:
        headers["Retry-After"] = str(int(exc.wait) + 1)
        details = {"retryAfterSeconds": int(exc.wait) + 1}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    # DRF answers 403 for unauthenticated requests when no authenticator gives a WWW-Authenticate
    # header; ours always does, so NotAuthenticated is a 401.
    status_code = 401 if isinstance(exc, drf_exceptions.NotAuthenticated | drf_exceptions.AuthenticationFailed) else exc.status_code
    if status_code == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="api"')
    return Response(error_body(code, message, details), status=status_code, headers=headers)


def json_error(status_code: int, code: str, message: str, details: Any = None) -> JsonResponse:
    return JsonResponse(error_body(code, message, details), status=status_code)


def bad_request(request, exception=None):
    return json_error(400, "bad_request", "The request is invalid.")


def permission_denied(request, exception=None):
    return json_error(403, "forbidden", "You may not do this.")


def page_not_found(request, exception=None):
    return json_error(404, "not_found", f"No endpoint at {request.path}.")


def server_error(request):
    return json_error(500, "server_error", "Something went wrong on our side. It has been logged.")


def csrf_failure(request, reason=""):
    return json_error(403, "csrf_failed", "CSRF verification failed.", {"reason": reason})
