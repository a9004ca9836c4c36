"""Versioned endpoints as declared differences.

An endpoint with several versions is one view and a table of rows, one per version. A row names where
the version lives (path, url name), how it is documented (summary, description, request, responses) and,
in a subclass of Version, the behaviour it differs in. The view reads its row (`self.version`), and the
urls and the OpenAPI entries are derived from the same rows:

    @dataclass(frozen=True)
    class UploadVersion(Version):
        structure: bool = False

    UPLOAD_VERSIONS = (UploadVersion("media/upload", "media-upload", ...), UploadVersion(..., structure=True))
    urlpatterns = [*urls(MediaUploadView, UPLOAD_VERSIONS)]

The session listings (sessions_app.listings) follow the same idea with their own, richer schema.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import KW_ONLY, dataclass, field
from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework.views import APIView


@dataclass(frozen=True)
class Version:
    path: str  # without the leading slash
    name: str  # the url name
    summary: str
    description: str
    _: KW_ONLY
    tags: tuple[str, ...] = ()
    operation_id: str | None = None  # None: drf-spectacular's default, derived from the path and method
    # For DRF views, documented by VersionSchema (plain Django views document themselves in a hook):
    request: Any = None  # the body, as extend_schema(request=...) takes it
    status: int = 200  # the success status ...
    response: Any = None  # ... and the serializer of its body, which the view renders with
    errors: Mapping[int, OpenApiResponse] = field(default_factory=dict)


class VersionSchema(AutoSchema):
    """Documents a VersionedView from the row it was given."""

    @property
    def _version(self) -> Version:
        return self.view.version

    def get_operation_id(self):
        return self._version.operation_id or super().get_operation_id()

    def get_summary(self):
        return self._version.summary

    def get_description(self):
        return self._version.description

    def get_tags(self):
        return list(self._version.tags) or super().get_tags()

    def get_request_serializer(self):
        return self._version.request

    def get_response_serializers(self):
        version = self._version
        return {version.status: version.response, **version.errors}


class VersionedView(APIView):
    """A DRF view serving every row of a table; the url gives it its row (`as_view(version=row)`)."""

    version: Version | None = None
    schema = VersionSchema()


def urls(view, versions: Iterable[Version]) -> list[URLPattern]:
    """One url per row. A view class gets its row through as_view(version=row), a view function as the
    `version` keyword argument."""
    if isinstance(view, type):
        return [path(v.path, view.as_view(version=v), name=v.name) for v in versions]
    return [path(v.path, view, {"version": v}, name=v.name) for v in versions]
