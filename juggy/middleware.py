import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.deprecation import MiddlewareMixin

from juggy.errors import DomainError, http_status, json_error

logger = logging.getLogger("juggy.errors")

# Browser UIs keep Django's own slash handling (and its HTML pages).
_SLASH_EXEMPT = ("/admin/", "/api/docs/", "/static/", "/files/")

# Both middlewares are MiddlewareMixin-based, so they run sync and async: an async view (the streaming
# chat completions) is not pushed through a thread hop per middleware.


class OptionalTrailingSlashMiddleware(MiddlewareMixin):
    """The API contract has no trailing slashes; accept them anyway by resolving without one."""

    def process_request(self, request):
        path = request.path_info
        if len(path) > 1 and path.endswith("/") and not path.startswith(_SLASH_EXEMPT):
            request.path_info = path.rstrip("/") or "/"


class JsonExceptionMiddleware(MiddlewareMixin):
    """Last line of defence: an exception escaping a view becomes JSON in the one error shape,
    also with DEBUG on (Django's technical 500 page is HTML)."""

    def process_exception(self, request, exception):
        if request.path_info.startswith("/admin/") and settings.DEBUG:
            return None
        if isinstance(exception, DomainError):
            return json_error(http_status(exception), exception.code, exception.message, exception.details)
        if isinstance(exception, Http404):
            return json_error(404, "not_found", "Not found.")
        if isinstance(exception, PermissionDenied):
            return json_error(403, "forbidden", "You may not do this.")
        logger.exception("Unhandled error on %s %s", request.method, request.path)
        return json_error(500, "server_error", "Something went wrong on our side. It has been logged.")
