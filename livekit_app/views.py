from django.core.exceptions import RequestDataTooBig
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from juggy.accounts.authentication import BearerTokenAuthentication, is_service
from juggy.errors import PayloadTooLarge
from livekit_app import services, webhooks
from livekit_app.authentication import IsUserOrRoomPass, RoomPassAuthentication
from livekit_app.selectors import room_for_owner, rooms_for_owner
from livekit_app.serializers import (
    LivekitRoomCreateSerializer,
    LivekitRoomListQuerySerializer,
    LivekitRoomSerializer,
    LivekitTokenQuerySerializer,
    LivekitTokenRequestSerializer,
    LivekitTokenSerializer,
)

TAGS = ["livekit"]
_ERRORS = {
    400: OpenApiResponse(description="Invalid input."),
    401: OpenApiResponse(description="Missing or invalid credentials."),
    404: OpenApiResponse(description="No such room (another user's room is reported as missing)."),
    503: OpenApiResponse(description="The configured LiveKit server cannot be reached or failed."),
}
_TOKEN_ERRORS = {
    403: OpenApiResponse(description="Room pass for another room or identity."),
    409: OpenApiResponse(description="Service token: several users have a room of this name (code room_ambiguous)."),
}
_TOKEN_RULES = (
    "Returns a LiveKit access token that joins exactly this one room (publish, subscribe, data; no admin, "
    "create or list grants), valid for LIVEKIT_TOKEN_TTL_SECONDS. A user token gets tokens for rooms its "
    "user owns, by the name it gave them (a service token: any room, by the name on the LiveKit server or "
    "a name only one user has). A room pass (`Authorization: Bearer jgp_...`) gets a token for "
    "its own room and identity only: omitted `identity`/room default to the pass's, different ones are a "
    "403, and the token never outlives the pass."
)


class TokenView(APIView):
    authentication_classes = [RoomPassAuthentication, BearerTokenAuthentication]
    permission_classes = [IsUserOrRoomPass]

    @staticmethod
    def _context(request) -> dict:
        return {"room_pass": isinstance(request.auth, services.RoomPass)}

    def _issue(self, request, *, identity: str, room_name: str, name: str) -> Response:
        if isinstance(request.auth, services.RoomPass):
            issued = services.token_issue_for_pass(room_pass=request.auth, identity=identity, room_name=room_name, name=name)
        else:
            issued = services.token_issue_for_user(
                user=request.user, is_service=is_service(request), identity=identity, room_name=room_name, name=name
            )
        return Response(LivekitTokenSerializer(issued).data)

    @extend_schema(
        tags=TAGS, summary="LiveKit access token (query)", description=_TOKEN_RULES,
        parameters=[LivekitTokenQuerySerializer],
        responses={200: LivekitTokenSerializer, **_ERRORS, **_TOKEN_ERRORS},
    )
    def get(self, request):
        query = LivekitTokenQuerySerializer(data=request.query_params, context=self._context(request))
        query.is_valid(raise_exception=True)
        data = query.validated_data
        return self._issue(request, identity=data.get("identity", ""), room_name=data.get("room", ""), name=data.get("name", ""))

    @extend_schema(
        tags=TAGS, summary="LiveKit access token", description=_TOKEN_RULES, request=LivekitTokenRequestSerializer,
        responses={200: LivekitTokenSerializer, **_ERRORS, **_TOKEN_ERRORS},
    )
    def post(self, request):
        body = LivekitTokenRequestSerializer(data=request.data, context=self._context(request))
        body.is_valid(raise_exception=True)
        data = body.validated_data
        return self._issue(request, identity=data.get("identity", ""), room_name=data.get("room_name", ""), name=data.get("name", ""))


class RoomCreateView(APIView):
    @extend_schema(
        tags=TAGS, summary="Create a room",
        description="Creates a room owned by the caller (and on the LiveKit server when one is configured).",
        request=LivekitRoomCreateSerializer,
        responses={201: LivekitRoomSerializer, **_ERRORS,
                   409: OpenApiResponse(description="The caller already has a room of this name.")},
    )
    def post(self, request):
        body = LivekitRoomCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        room = services.room_create(owner=request.user, **body.validated_data)
        return Response(LivekitRoomSerializer(room).data, status=201)


class RoomDetailView(APIView):
    @extend_schema(
        tags=TAGS, summary="Get a room",
        description="The caller's room with its participants; with a LiveKit server, `live` holds the server's "
        "view including the participants connected right now.",
        responses={200: LivekitRoomSerializer, **_ERRORS},
    )
    def get(self, request, roomName: str):
        room = room_for_owner(request.user, roomName)
        live = services.room_live(name=room.livekit_name)
        return Response(LivekitRoomSerializer(room, context={"live": {room.livekit_name: live} if live else {}}).data)

    @extend_schema(
        tags=TAGS, summary="Delete a room",
        description="Deletes the room (on the LiveKit server first, disconnecting everyone) and its participants.",
        responses={204: None, **_ERRORS},
    )
    def delete(self, request, roomName: str):
        services.room_delete(room=room_for_owner(request.user, roomName))
        return Response(status=204)


class RoomListView(APIView):
    @extend_schema(
        tags=TAGS, summary="List your rooms",
        description="The caller's rooms, newest first, with participants; `state=active` lists open rooms only. "
        "With a LiveKit server, `live` is filled (one ListRooms call) for rooms open there; "
        "`live.participants` is null in this listing.",
        parameters=[LivekitRoomListQuerySerializer],
        responses={200: LivekitRoomSerializer(many=True), **_ERRORS},
    )
    def get(self, request):
        query = LivekitRoomListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rooms = rooms_for_owner(request.user)
        if query.validated_data.get("state"):
            rooms = rooms.filter(state=query.validated_data["state"])
        rooms = list(rooms)
        live = services.rooms_live(names=[room.livekit_name for room in rooms])
        return Response(LivekitRoomSerializer(rooms, many=True, context={"live": live}).data)


class WebhookView(APIView):
    """LiveKit's signed webhook. Authenticated by its signature, not by a user token."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

    @extend_schema(
        tags=TAGS, summary="LiveKit webhook receiver",
        description="Point LiveKit's `webhook.urls` here. The body is verified against the `Authorization` JWT "
        "(its sha256 claim) signed with LIVEKIT_API_KEY/SECRET (or the local key pair without a server). "
        "room_started, room_finished, participant_joined and participant_left update the room and are pushed "
        "to the room's Channels group; other events and unknown rooms are recorded and ignored. "
        "A redelivered event (same id) changes nothing.",
        request={"application/webhook+json": OpenApiTypes.OBJECT, "application/json": OpenApiTypes.OBJECT},
        responses={
            200: inline_serializer("LivekitWebhookResult", {
                "event_id": serializers.CharField(),
                "event": serializers.CharField(),
                "status": serializers.ChoiceField(choices=["processed", "duplicate", "ignored"]),
            }),
            400: OpenApiResponse(description="Signed, but not a LiveKit event."),
            401: OpenApiResponse(description="Missing or invalid signature, wrong key, expired or tampered body."),
            413: OpenApiResponse(description="Body larger than DATA_UPLOAD_MAX_MEMORY_SIZE."),
        },
    )
    def post(self, request):
        # The raw bytes: the signature covers the exact body, so it must not be parsed and re-encoded first.
        try:
            body = request.body
        except RequestDataTooBig as exc:
            raise PayloadTooLarge("The webhook body is too large.", code="webhook_too_large") from exc
        result = webhooks.webhook_receive(body=body, authorization=request.headers.get("Authorization", ""))
        status = "duplicate" if result.duplicate else "processed" if result.applied else "ignored"
        return Response({"event_id": result.event_id, "event": result.event, "status": status})
