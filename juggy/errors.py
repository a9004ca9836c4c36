"""The one error shape: {"error": {"code": "...", "message": "...", "details": ...}}.

Services raise DomainError subclasses, which say what went wrong and nothing of HTTP; HTTP_STATUS below
is the one table that maps them to a status, for DRF views, plain views (`escaped_error`, through
JsonExceptionMiddleware or the ASGI routes served ahead of Django) and the WebSocket consumer (which
sends the code and message as an `error` event). DRF exceptions, Django's 404/403/500 and CSRF failures
are rendered here too, so no view builds error JSON by hand and no HTML error page reaches an API client.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from djangorestframework_camel_case.util import camelize_re, underscore_to_camel
from kombu.exceptions import OperationalError as BrokerUnavailable
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rest_framework import exceptions as drf_exceptions
from rest_framework import status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error

logger = logging.getLogger("juggy.errors")


class DomainError(Exception):
    default_code = "error"
    default_message = "The request could not be processed."

    def __init__(self, message: str | None = None, *, code: str | None = None, details: Any = None):
        self.message = message or self.default_message
        self.code = code or self.default_code
        self.details = details
        super().__init__(self.message)


class BadRequest(DomainError):
    default_code = "bad_request"
    default_message = "The request is invalid."


class NotAuthenticated(DomainError):
    default_code = "not_authenticated"
    default_message = "Authentication credentials were not provided or are invalid."


class PaymentRequired(DomainError):
    default_code = "payment_required"
    default_message = "Not enough credits."


class Forbidden(DomainError):
    default_code = "forbidden"
    default_message = "You may not do this."


class NotFound(DomainError):
    default_code = "not_found"
    default_message = "Not found."


class Conflict(DomainError):
    default_code = "conflict"
    default_message = "The request conflicts with the current state."


class PayloadTooLarge(DomainError):
    default_code = "payload_too_large"
    default_message = "The request body is too large."


class UnsupportedMediaType(DomainError):
    default_code = "unsupported_media_type"
    default_message = "This type of content is not supported."


class ServiceUnavailable(DomainError):
    default_code = "service_unavailable"
    default_message = "A service this request needs is unavailable."


class MethodNotAllowed(DomainError):
    default_code = "method_not_allowed"
    default_message = "This method is not allowed here."


# The one table: domain error -> HTTP status.
HTTP_STATUS: dict[type[DomainError], int] = {
    BadRequest: status.HTTP_400_BAD_REQUEST,
    NotAuthenticated: status.HTTP_401_UNAUTHORIZED,
    PaymentRequired: status.HTTP_402_PAYMENT_REQUIRED,
    Forbidden: status.HTTP_403_FORBIDDEN,
    NotFound: status.HTTP_404_NOT_FOUND,
    MethodNotAllowed: status.HTTP_405_METHOD_NOT_ALLOWED,
    Conflict: status.HTTP_409_CONFLICT,
    PayloadTooLarge: status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    UnsupportedMediaType: status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
    ServiceUnavailable: status.HTTP_503_SERVICE_UNAVAILABLE,
}


def http_status(exc: DomainError) -> int:
    return next((HTTP_STATUS[cls] for cls in type(exc).__mro__ if cls in HTTP_STATUS), status.HTTP_400_BAD_REQUEST)


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


def wire_name(field: str) -> str:
    """A serializer field as the client wrote it: camelCase like every body and query parameter."""
    return camelize_re.sub(underscore_to_camel, field)


def _validation_message(detail: Any) -> str:
    if isinstance(detail, dict):
        for field, errors in detail.items():
            first = errors[0] if isinstance(errors, list) and errors else errors
            if isinstance(first, dict | list):
                return f"Invalid value for '{wire_name(str(field))}'."
            return f"{first}" if field == "non_field_errors" else f"{wire_name(str(field))}: {first}"
    if isinstance(detail, list) and detail:
        return str(detail[0])
    return str(detail) or "Invalid input."


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF EXCEPTION_HANDLER: every API error leaves in the one shape."""
    headers: dict[str, str] = {}
    if isinstance(exc, DomainError):
        status_code = http_status(exc)
        headers = _UNAUTHENTICATED_HEADERS if status_code == 401 else None
        return Response(error_body(exc.code, exc.message, exc.details), status=status_code, headers=headers)
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


_UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, BrokerUnavailable)
_UNAUTHENTICATED_HEADERS = {"WWW-Authenticate": 'Bearer realm="api"'}  # RFC 9110: every 401 names its scheme


def escaped_error(exception: Exception, method: str, path: str) -> tuple[int, dict, dict[str, str]]:
    """(status, body, headers) for an exception that escaped a view: the last line of defence of every
    HTTP route (JsonExceptionMiddleware for Django's, sessions_app.vapi.asgi for the ones before it).
    A bug is logged here and answered 500 in the same shape."""
    if isinstance(exception, DomainError):
        status_code = http_status(exception)
        headers = _UNAUTHENTICATED_HEADERS if status_code == 401 else {}
        return status_code, error_body(exception.code, exception.message, exception.details), headers
    if isinstance(exception, Http404):
        return 404, error_body("not_found", "Not found."), {}
    if isinstance(exception, PermissionDenied):
        return 403, error_body("forbidden", "You may not do this."), {}
    if isinstance(exception, RequestDataTooBig):
        return 413, error_body("payload_too_large", "The request body is too large."), {}
    if isinstance(exception, SuspiciousOperation):  # e.g. a Host header not in ALLOWED_HOSTS
        logging.getLogger("django.security").warning("%s %s: %s", method, path, exception)
        return 400, error_body("bad_request", "The request is invalid."), {}
    if isinstance(exception, _UNAVAILABLE):
        # Redis (cache, channel layer) or the Celery broker is down: the request cannot be served now,
        # and it is not a bug of ours.
        logger.warning("Service unavailable on %s %s: %r", method, path, exception)
        return 503, error_body("service_unavailable", "A service this request needs is unavailable; retry later."), {}
    logger.exception("Unhandled error on %s %s", method, path, exc_info=exception)
    return 500, error_body("server_error", "Something went wrong on our side. It has been logged."), {}


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
