from django.conf import settings
from django.views.static import serve


def absolute_url(request, url: str) -> str:
    """The absolute URL a client can fetch `url` at. Remote storages (S3) already give one;
    PUBLIC_BASE_URL, when set, is the base; otherwise the scheme, host and port that served this request
    (a trusted proxy's X-Forwarded-Proto/-Host/-Port with TRUSTED_PROXY_COUNT > 0)."""
    if "://" in url:
        return url
    if settings.PUBLIC_BASE_URL:
        return settings.PUBLIC_BASE_URL.rstrip("/") + url
    return request.build_absolute_uri(url)


def serve_public_file(request, path):
    # MEDIA_ROOT is read per request (not bound at import), so it follows settings overrides.
    return serve(request, path, document_root=settings.MEDIA_ROOT)
