"""The session listings: /session/get-all, /v2 ... /v6 and /paginated.

One view class and one queryset; each version is a row of VERSIONS naming what it changes (which
sessions, which fields, filters, pagination). The OpenAPI schema is derived from the same rows.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.db.models.fields.json import KeyTextTransform
from djangorestframework_camel_case.util import camelize_re, underscore_to_camel, underscoreize
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from juggy.accounts.authentication import acting_user
from juggy.errors import BadRequest
from sessions_app.models import Session, session_status_q
from sessions_app.selectors import session_owned_by, session_visible_to
from sessions_app.serializers import SessionSerializer

FULL = (
    "id", "kind", "status", "assessment_area", "context", "questions", "resume_attached", "call_id",
    "call_status", "ended_reason", "started_at", "ended_at", "duration_seconds", "credits_used", "turn_count",
    "analysis", "created_at", "updated_at",
)
ROW = (
    "id", "kind", "status", "assessment_area", "target_role", "target_company", "started_at",
    "duration_seconds", "analysis_status", "created_at",
)
SCORE = ("analysis_score", "recommendation", "analysed_at")
ORG = ("organisation", "template", "candidate")
# The big JSON columns a light row never reads.
HEAVY = ("recording_urls", *(f"conversation__{f}" for f in ("plan", "state", "analysis", "job", "resume_text", "resume")))


@dataclass(frozen=True)
class Version:
    path: str
    name: str
    summary: str
    description: str
    fields: tuple[str, ...]
    scope: str = "own"  # "own": the caller's sessions; "visible": plus their organisations' assessments
    pagination: str = "none"  # "none", "page" (page/limit) or "cursor"
    filters: bool = False
    light: bool = False  # defer HEAVY columns

    @property
    def related(self) -> tuple[str, ...]:
        return ("conversation", *(f for f in ORG if f in self.fields), *(("conversation__media",) if "media" in self.fields else ()),
                *(("conversation__review",) if "analysis" in self.fields else ()))


VERSIONS = {
    v.name: v
    for v in (
        Version(
            "session/get-all", "v1", "All my sessions (full objects)",
            "Every session of the caller, newest first, as full objects: context, planned questions, timing, "
            "credits and the analysis (state, structured result and report). No transcript: read one session "
            "with GET /session/get/{id} for that.",
            FULL,
        ),
        Version(
            "session/get-all/v2", "v2", "All my sessions with their resume media",
            "As /session/get-all, plus the media the session was created from (null when none was given or it "
            "was deleted since; the session keeps its copy of the resume either way).",
            (*FULL, "media"),
        ),
        Version(
            "session/get-all/v3", "v3", "Dashboard rows",
            "Light rows for a dashboard: kind, status, assessment area, target role and company, when and how "
            "long, analysis state. Skips the large columns (plan, analysis, resume).",
            ROW, light=True,
        ),
        Version(
            "session/get-all/v4", "v4", "Dashboard rows with the analysis score",
            "The v3 rows plus the overall analysis score (1-5), the recommendation and when it was analysed.",
            (*ROW, *SCORE), light=True,
        ),
        Version(
            "session/get-all/v5", "v5", "Dashboard rows including my organisations' assessments",
            "The v3 rows of the caller's own sessions and of the enterprise sessions of every organisation the "
            "caller is a recruiter or admin of, with organisation, template and candidate.",
            (*ROW, *ORG), scope="visible", light=True,
        ),
        Version(
            "session/get-all/v6", "v6", "Search and filter sessions (cursor pagination)",
            "The v5 set and fields plus the analysis score, filtered by status, kind, creation date range and a "
            "search term (assessment area, target role or company, template or candidate name), newest first. "
            "The body is a list of session objects, as the contract says: pages of `limit` rows; the next page "
            "is named in the `Link: <url>; rel=\"next\"` header (the same query with its `cursor`) and its "
            "opaque cursor in `X-Next-Cursor`. Neither header is sent on the last page.",
            (*ROW, *SCORE, *ORG), scope="visible", pagination="cursor", filters=True, light=True,
        ),
        Version(
            "session/get-all/paginated", "paginated", "All my sessions, page by page",
            "The /session/get-all objects in pages: `page` (from 1) and `limit` (1-100, default 20), with the "
            "total count. A page past the end is empty.",
            FULL, pagination="page",
        ),
    )
}


def listing_serializer(version: Version) -> type[SessionSerializer]:
    """The member of the SessionSerializer family that a version returns (its own schema component)."""
    meta = type("Meta", (SessionSerializer.Meta,), {"fields": list(version.fields)})
    name = f"SessionListing{version.name.capitalize()}"
    return type(name, (SessionSerializer,), {"Meta": meta, "__module__": __name__})


SERIALIZERS = {name: listing_serializer(v) for name, v in VERSIONS.items()}


# --- query parameters and pagination --------------------------------------------------------------


class ListingQuerySerializer(serializers.Serializer):
    user_id = serializers.UUIDField(required=False, allow_null=True, default=None, help_text="Service tokens only.")


class PageQuerySerializer(ListingQuerySerializer):
    page = serializers.IntegerField(min_value=1, max_value=100000, required=False, default=1)
    limit = serializers.IntegerField(min_value=1, max_value=100, required=False, default=20)


class CursorQuerySerializer(ListingQuerySerializer):
    cursor = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    limit = serializers.IntegerField(min_value=1, max_value=100, required=False, default=20)
    status = serializers.ChoiceField(choices=Session.Status.choices, required=False)
    kind = serializers.ChoiceField(choices=Session.Kind.choices, required=False)
    created_after = serializers.DateTimeField(required=False, help_text="ISO 8601, inclusive.")
    created_before = serializers.DateTimeField(required=False, help_text="ISO 8601, exclusive.")
    q = serializers.CharField(max_length=200, required=False, allow_blank=True, default="", trim_whitespace=True)

    def validate(self, attrs):
        after, before = attrs.get("created_after"), attrs.get("created_before")
        if after and before and after >= before:
            raise serializers.ValidationError({"created_before": ["Must be later than createdAfter."]})
        return attrs


QUERY_SERIALIZERS = {"none": ListingQuerySerializer, "page": PageQuerySerializer, "cursor": CursorQuerySerializer}


def encode_cursor(session: Session) -> str:
    raw = json.dumps([session.created_at.isoformat(), str(session.pk)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> Q:
    """Keyset position: rows strictly after (created_at, id) in newest-first order."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        created_at, pk = json.loads(raw)
        created_at = datetime.fromisoformat(created_at)
        pk = str(pk)
    except (binascii.Error, ValueError, TypeError) as exc:
        raise BadRequest("The cursor is not valid; start again without it.", code="invalid_cursor") from exc
    return Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lt=pk)


# --- the queryset ---------------------------------------------------------------------------------


def listing_queryset(*, version: Version, user, params: dict) -> QuerySet[Session]:
    """One selector for every version: scope, columns, joins and filters come from the version row."""
    sessions = session_visible_to(user) if version.scope == "visible" else session_owned_by(user)
    if version.related:
        sessions = sessions.select_related(*version.related)
    if version.light:
        sessions = sessions.defer(*HEAVY)
    if "recommendation" in version.fields:
        sessions = sessions.annotate(recommendation=KeyTextTransform("recommendation", "conversation__analysis"))
    if version.filters:
        sessions = _filter(sessions, params)
    return sessions.order_by("-created_at", "-pk")


def _filter(sessions: QuerySet[Session], params: dict) -> QuerySet[Session]:
    if params.get("status"):
        sessions = sessions.filter(session_status_q(params["status"]))
    if params.get("kind"):
        sessions = sessions.filter(kind=params["kind"])
    if params.get("created_after"):
        sessions = sessions.filter(created_at__gte=params["created_after"])
    if params.get("created_before"):
        sessions = sessions.filter(created_at__lt=params["created_before"])
    if params.get("q"):
        q = params["q"]
        sessions = sessions.filter(
            Q(assessment_area__icontains=q)
            | Q(context__target_role__icontains=q)
            | Q(context__target_company__icontains=q)
            | Q(template__name__icontains=q)
            | Q(candidate__name__icontains=q)
        )
    return sessions


# --- the schema, from the same table --------------------------------------------------------------


def _envelope(version: Version) -> type[serializers.Serializer]:
    fields = {
        "items": SERIALIZERS[version.name](many=True),
        "page": serializers.IntegerField(),
        "limit": serializers.IntegerField(),
        "total": serializers.IntegerField(),
        "total_pages": serializers.IntegerField(),
        "has_next": serializers.BooleanField(),
    }
    return type(f"SessionPage{version.name.capitalize()}", (serializers.Serializer,), {**fields, "__module__": __name__})


# Page-numbered listings answer an envelope; cursor listings a plain list with the cursor in headers.
ENVELOPES = {name: _envelope(v) for name, v in VERSIONS.items() if v.pagination == "page"}

CURSOR_HEADERS = [
    OpenApiParameter(
        "Link", OpenApiTypes.STR, OpenApiParameter.HEADER, response=[200],
        description='`<absolute URL of the next page>; rel="next"` (RFC 8288); absent on the last page.',
    ),
    OpenApiParameter(
        "X-Next-Cursor", OpenApiTypes.STR, OpenApiParameter.HEADER, response=[200],
        description="The opaque cursor of the next page (pass it as `cursor`); absent on the last page.",
    ),
]


class ListingSchema(AutoSchema):
    """Documents each route of SessionListView from its VERSIONS row."""

    @property
    def _version(self) -> Version:
        return VERSIONS[self.view.listing]

    def get_operation_id(self):
        return f"sessions_list_{self._version.name}"

    def get_summary(self):
        return self._version.summary

    def get_description(self):
        return self._version.description

    def get_tags(self):
        return ["sessions"]

    def get_request_serializer(self):
        return None

    def get_response_serializers(self):
        version = self._version
        if version.pagination == "page":
            return ENVELOPES[version.name]
        return SERIALIZERS[version.name](many=True)

    def get_override_parameters(self):
        # Query parameters are camelCase like the bodies (the view accepts snake_case too).
        pagination = self._version.pagination
        query = [_parameter(name, field) for name, field in QUERY_SERIALIZERS[pagination]().fields.items()]
        return [*query, *(CURSOR_HEADERS if pagination == "cursor" else [])]


_PARAMETER_TYPES = [
    (serializers.UUIDField, OpenApiTypes.UUID),
    (serializers.IntegerField, OpenApiTypes.INT),
    (serializers.DateTimeField, OpenApiTypes.DATETIME),
    (serializers.CharField, OpenApiTypes.STR),
]


def _parameter(name: str, field: serializers.Field) -> OpenApiParameter:
    if isinstance(field, serializers.ChoiceField):
        kind, enum = OpenApiTypes.STR, list(field.choices)
    else:
        kind, enum = next(t for cls, t in _PARAMETER_TYPES if isinstance(field, cls)), None
    description = str(field.help_text or "")
    if isinstance(field, serializers.IntegerField):
        description = f"{description} {field.min_value}-{field.max_value}, default {field.default}.".strip()
    return OpenApiParameter(camelize_re.sub(underscore_to_camel, name), kind, OpenApiParameter.QUERY,
                            description=description, enum=enum)


# --- the view -------------------------------------------------------------------------------------


class SessionListView(APIView):
    """GET /session/get-all[/vN|/paginated]; `listing` (a key of VERSIONS) is set by the url."""

    listing = "v1"
    schema = ListingSchema()

    def get(self, request):
        version = VERSIONS[self.listing]
        query = QUERY_SERIALIZERS[version.pagination](data=underscoreize(request.query_params.dict()))
        query.is_valid(raise_exception=True)
        params = query.validated_data
        user = acting_user(request, params.get("user_id"))
        sessions = listing_queryset(version=version, user=user, params=params)
        serializer = SERIALIZERS[version.name]

        if version.pagination == "page":
            page, limit = params["page"], params["limit"]
            total = sessions.count()
            rows = sessions[(page - 1) * limit : page * limit]
            return Response(
                {
                    "items": serializer(rows, many=True).data,
                    "page": page,
                    "limit": limit,
                    "total": total,
                    "total_pages": (total + limit - 1) // limit,
                    "has_next": page * limit < total,
                }
            )
        if version.pagination == "cursor":
            limit = params["limit"]
            if params["cursor"]:
                sessions = sessions.filter(decode_cursor(params["cursor"]))
            rows = list(sessions[: limit + 1])
            response = Response(serializer(rows[:limit], many=True).data)
            if len(rows) > limit:
                next_cursor = encode_cursor(rows[limit - 1])
                response["X-Next-Cursor"] = next_cursor
                response["Link"] = f'<{_next_page_url(request, next_cursor)}>; rel="next"'
            return response
        return Response(serializer(sessions, many=True).data)


def _next_page_url(request, cursor: str) -> str:
    """The same listing with the same filters, at the next cursor."""
    query = request.query_params.copy()
    query.pop("cursor", None)
    query["cursor"] = cursor
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
