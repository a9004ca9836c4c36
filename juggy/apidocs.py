"""The API docs pages: Swagger UI at /api/docs/ and ReDoc at /api/redoc/, offline.

Their scripts and styles come from /static/ (drf-spectacular-sidecar), the ReDoc page leaves out its
web fonts, and both pages are sent with a Content-Security-Policy that keeps them on our own origin: the
few things the bundles would still fetch from elsewhere (ReDoc's "API docs by Redocly" logo) are refused
by the browser, so opening the docs never reaches out to the internet.
"""

from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",  # the pages' small inline bootstrap scripts
        "style-src 'self' 'unsafe-inline'",  # the UIs style their components inline
        "img-src 'self' data:",
        "font-src 'self' data:",
        "worker-src 'self' blob:",  # ReDoc searches in a web worker built from a blob
        "connect-src 'self'",
        "frame-ancestors 'none'",
    )
)


class _OwnOrigin:
    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        return response


class SwaggerView(_OwnOrigin, SpectacularSwaggerView):
    pass


class RedocView(_OwnOrigin, SpectacularRedocView):
    template_name = "juggy/redoc.html"
