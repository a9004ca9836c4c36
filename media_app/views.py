"""Media endpoints (contract: platform_router_api.md, "Media Endpoints"). Thin: validate, call a
service or selector, render."""

from dataclasses import dataclass

from django.conf import settings
from djangorestframework_camel_case.parser import CamelCaseMultiPartParser
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from juggy.accounts.authentication import acting_user
from juggy.versioning import Version, VersionedView
from media_app import selectors, services
from media_app.models import Media
from media_app.serializers import (
    MediaDetailSerializer,
    MediaListItemSerializer,
    MediaMessageSerializer,
    MediaUploadInputSerializer,
    MediaUploadOutputSerializer,
)

# Multipart framing around the file (boundaries, part headers, other fields) that Content-Length counts.
MULTIPART_SLACK_BYTES = 64 * 1024

_UNAUTHENTICATED = OpenApiResponse(description="Missing or invalid bearer token.")
_NOT_FOUND = OpenApiResponse(description="No media with this id belongs to the caller.")


def upload_message(media: Media) -> str:
    """The contract's message, saying what has happened to the parse: in production the work is queued;
    in embedded mode (eager Celery) it has already run when the answer is written. The structuring of
    /media/upload/v2 has its own fields (`structureState`, `structureError`), never this text."""
    if media.state == Media.State.UPLOADED:
        return "document uploaded"
    if media.state in (Media.State.PENDING, Media.State.PARSING):
        return "document queued for parsing"
    if media.state == Media.State.FAILED:
        return f"document stored, but parsing failed: {media.parse_error}"
    return "document parsed successfully"


_UPLOAD_DESCRIPTION = (
    "Stores the document under a generated name (the client's filename is kept as `originalName`) and "
    "answers at once. With `toParse` (default true) the text is extracted in a background task: poll "
    "`GET /media/{media_uuid}` until `state` is `parsed` or `failed` (with `parseError`). A corrupt, "
    "encrypted or oversized PDF is still stored; its parse ends `failed` with the reason."
)
_UPLOAD_ERRORS = {
    400: OpenApiResponse(description="No file, an empty file, `toParse` not a boolean, `userId` not a UUID."),
    401: _UNAUTHENTICATED,
    403: OpenApiResponse(description="`userId` names another user and the caller is not a service token."),
    404: OpenApiResponse(description="A service token named a user that does not exist."),
    413: OpenApiResponse(description="The file is larger than MEDIA_MAX_UPLOAD_BYTES (default 10 MB)."),
    415: OpenApiResponse(description="Not a PDF, DOCX or UTF-8 text document (judged by content, not name)."),
}


@dataclass(frozen=True)
class UploadVersion(Version):
    structure: bool = False  # after parsing, also build the structured resume


# What both versions share; each row declares what it changes.
_UPLOAD = {
    "tags": ("media",),
    "request": {"multipart/form-data": MediaUploadInputSerializer},
    "status": 201,
    "response": MediaUploadOutputSerializer,
    "errors": _UPLOAD_ERRORS,
}

UPLOAD_VERSIONS = (
    UploadVersion(
        "media/upload",
        "media-upload",
        "Upload a document (resume)",
        _UPLOAD_DESCRIPTION,
        **_UPLOAD,
    ),
    UploadVersion(
        "media/upload/v2",
        "media-upload-v2",
        "Upload a resume and build its structured version",
        _UPLOAD_DESCRIPTION
        + " In addition, after parsing, the structured resume (contact, headline, summary, skills, "
        "experience, education, certifications, languages, links) is built: `structureState` goes "
        "`pending` -> `done` (or `failed` with `structureError`). With `toParse` false nothing is "
        "parsed, so nothing is structured either.",
        structure=True,
        **_UPLOAD,
    ),
)


class MediaUploadView(VersionedView):
    """POST /media/upload[/v2]; the url gives the UPLOAD_VERSIONS row."""

    parser_classes = [CamelCaseMultiPartParser]
    version: UploadVersion

    def post(self, request):
        # Refuse an oversized body before the parser spools it to disk.
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
        if declared > settings.MEDIA_MAX_UPLOAD_BYTES + MULTIPART_SLACK_BYTES:
            raise services.media_too_large(declared)
        data = MediaUploadInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        owner = acting_user(request, data.validated_data.get("user_id"))
        structure = self.version.structure
        media = services.media_upload(
            owner=owner,
            upload=data.validated_data["file"],
            parse=data.validated_data["to_parse"],
            structure=structure,
        )
        media.refresh_from_db(fields=["state", "parse_error", "structure_state", "structure_error"])
        body = {
            "message": upload_message(media),
            "media_id": media.id,
            "state": media.state,
            "structure_state": media.structure_state,
            "structure_error": media.structure_error or None,
        }
        return Response(self.version.response(body).data, status=self.version.status)


class MediaListView(APIView):
    @extend_schema(
        tags=["media"],
        summary="List my media",
        description="The caller's media, newest first, with parse and structure state (no extracted text).",
        responses={200: MediaListItemSerializer(many=True), 401: _UNAUTHENTICATED},
    )
    def get(self, request):
        media = selectors.media_list_for_user(request.user)
        return Response(MediaListItemSerializer(media, many=True).data)


_MEDIA_UUID = OpenApiParameter(
    "media_uuid", type=OpenApiTypes.UUID, location=OpenApiParameter.PATH, description="Media id."
)


class MediaDetailView(APIView):
    @extend_schema(
        tags=["media"],
        summary="Get one media with its text and structured resume",
        description="Not in the original contract; added so a frontend can poll parsing and show the result.",
        parameters=[_MEDIA_UUID],
        responses={200: MediaDetailSerializer, 401: _UNAUTHENTICATED, 404: _NOT_FOUND},
    )
    def get(self, request, media_uuid):
        return Response(MediaDetailSerializer(selectors.media_for_user(request.user, media_uuid)).data)


class MediaDeleteView(APIView):
    @extend_schema(
        tags=["media"],
        summary="Delete a media",
        description=(
            "Deletes the media and its stored file. Sessions created from it keep working: they hold "
            "their own copy of the resume text and structure, and their link to the media becomes null."
        ),
        parameters=[_MEDIA_UUID],
        responses={200: MediaMessageSerializer, 401: _UNAUTHENTICATED, 404: _NOT_FOUND},
    )
    def delete(self, request, media_uuid):
        services.media_delete(media=selectors.media_for_user(request.user, media_uuid))
        return Response(MediaMessageSerializer({"message": "media deleted successfully"}).data)
