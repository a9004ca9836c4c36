"""The interview WebSocket (/ws/interview and /): JSON messages {"event": "...", "data": {...}} both ways.

Client events: joinInterview {interviewId | sessionId, token?}, leaveInterview, candidateResponse
{response}, startInterview, endInterview. Server events: joinedInterview, participantJoined,
participantLeft, aiInterviewerMessage, interviewEnded, error {code, message, details}. The token of
joinInterview is, in this order: `data.token`, the handshake's `Authorization: Bearer`, `?token=`.

The consumer only decodes, checks who is asking and calls interviews_app.services; the events those
services send after commit reach every client of the interview, in every server process, through the
channel layer group `interview.<uuid>`. A client that is not authorised gets an `error` and is closed
(4401 bad credentials, 4403 not this interview); any other mistake is an `error` and the socket stays open.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils import timezone
from djangorestframework_camel_case.util import camelize, underscoreize

from conversations.models import Conversation, Turn
from interviews_app import events, selectors, services
from interviews_app.models import PRESENCE_HEARTBEAT, PRESENCE_TTL, Interview, InterviewConnection
from interviews_app.serializers import (
    RESPONSE_MAX_CHARS,
    InterviewDetailSerializer,
    InterviewMessageSerializer,
    InterviewResponseInputSerializer,
)
from juggy import jsoninput
from juggy.accounts.authentication import authenticate_key
from juggy.errors import BadRequest, Conflict, DomainError, NotAuthenticated, NotFound
from livekit_app.events import room_group
from livekit_app.services import ROOM_PASS_PREFIX, room_pass_verify

# Far above any legitimate message (an answer is at most RESPONSE_MAX_CHARS).
MAX_FRAME_CHARS = 64 * 1024
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
_MALFORMED = object()


@dataclass(frozen=True)
class Seat:
    """Who this connection is in which interview, fixed at join."""

    interview_id: str
    room_group: str | None  # the Channels group of its LiveKit room's events; None once the room is deleted
    identity: str
    name: str
    role: str

    def describe(self) -> dict:
        return {"interview_id": self.interview_id, "session_id": self.interview_id, "identity": self.identity,
                "name": self.name, "role": self.role, "via": "websocket"}


def _authorise(interview_id: str, token: str) -> tuple[Seat, Interview]:
    """The seat a token gives in an interview; NotAuthenticated (bad token) or NotFound (not yours)."""
    if token.startswith(ROOM_PASS_PREFIX):
        room_pass = room_pass_verify(token)
        interview = selectors.interview_for_actor(interview_id=interview_id, room_pass=room_pass)
        return Seat(str(interview.id), _room_group(interview), room_pass.identity, room_pass.name, "candidate"), interview
    api_token = authenticate_key(token)
    if api_token is None:
        raise NotAuthenticated("Invalid or revoked token.", code="invalid_token")
    user = api_token.user
    interview = selectors.interview_for_actor(interview_id=interview_id, user=user, is_service=api_token.is_service)
    role = "owner" if interview.owner_id == user.pk else "service"
    return Seat(str(interview.id), _room_group(interview), user.username, user.get_full_name(), role), interview


def _room_group(interview: Interview) -> str | None:
    return room_group(interview.room.livekit_name) if interview.room else None


@database_sync_to_async
def _join(interview_id: str, token: str, channel_name: str) -> tuple[Seat, dict]:
    seat, interview = _authorise(interview_id, token)
    now = timezone.now()
    InterviewConnection.objects.update_or_create(
        interview=interview, channel_name=channel_name,
        defaults={"identity": seat.identity, "name": seat.name, "role": seat.role, "seen_at": now},
    )
    # Rows of connections whose server process died without a disconnect.
    InterviewConnection.objects.filter(interview=interview, seen_at__lt=now - PRESENCE_TTL).delete()
    interview.participants = selectors.interview_participants(interview)
    snapshot = {
        **seat.describe(),
        "interview": InterviewDetailSerializer(interview).data,
        "transcript": InterviewMessageSerializer(selectors.interview_messages(interview), many=True).data,
    }
    return seat, camelize(snapshot)


@database_sync_to_async
def _leave(seat: Seat, channel_name: str) -> None:
    InterviewConnection.objects.filter(interview_id=seat.interview_id, channel_name=channel_name).delete()


@database_sync_to_async
def _heartbeat(seat: Seat, channel_name: str) -> None:
    InterviewConnection.objects.filter(interview_id=seat.interview_id, channel_name=channel_name).update(
        seen_at=timezone.now()
    )


@database_sync_to_async
def _act(seat: Seat, action: str, text: str = "", reply_to: int | None = None) -> None:
    interview = Interview.objects.select_related("conversation").filter(pk=seat.interview_id).first()
    if interview is None:
        raise NotFound("Interview not found.", code="interview_not_found")
    transport = Turn.Transport.WEBSOCKET
    if action == "start":
        services.interview_start(interview=interview, transport=transport)
    elif action == "respond":
        services.interview_respond(interview=interview, text=text, transport=transport, reply_to=reply_to)
    else:
        reason = (Conversation.EndReason.ENDED_BY_CANDIDATE if seat.role == "candidate"
                  else Conversation.EndReason.ENDED_BY_OWNER)
        services.interview_end(interview=interview, reason=reason, transport=transport)


def handshake_token(scope: dict) -> str:
    """The credential given when the socket was opened: `Authorization: Bearer <token>` (servers,
    agents, CLIs), else a `token` query parameter (browsers cannot set headers on a WebSocket)."""
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            scheme, _, credential = value.decode("latin-1").strip().partition(" ")
            if scheme.lower() == "bearer" and credential.strip():
                return credential.strip()
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token", [])
    return values[0].strip() if values else ""


class InterviewConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        self.seat: Seat | None = None
        self.heartbeat: asyncio.Task | None = None
        self.handshake_token = handshake_token(self.scope)
        await self.accept()

    async def disconnect(self, code):
        if self.heartbeat is not None:
            self.heartbeat.cancel()
        if self.seat is not None:
            await self._leave()

    async def _beat(self) -> None:
        """Keep this connection's presence row fresh while the socket is open."""
        while True:
            await asyncio.sleep(PRESENCE_HEARTBEAT.total_seconds())
            if self.seat is not None:
                await _heartbeat(self.seat, self.channel_name)

    # --- decoding ------------------------------------------------------------------------------------
    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if not text_data:
            await self.send_error("unsupported_frame", "Send JSON text frames; binary and empty frames are not understood.")
        elif len(text_data) > MAX_FRAME_CHARS:
            await self.send_error("message_too_large", f"Messages are at most {MAX_FRAME_CHARS} characters.")
        else:
            await super().receive(text_data=text_data, **kwargs)

    @classmethod
    async def decode_json(cls, text_data):
        try:
            return jsoninput.loads(text_data)
        except (ValueError, jsoninput.JsonTooDeep):  # JSONDecodeError, bad UTF-16 surrogates, too deep
            return _MALFORMED

    async def receive_json(self, content, **kwargs):
        if content is _MALFORMED:
            await self.send_error("malformed_json", "The message is not valid JSON.")
            return
        if not isinstance(content, dict) or not isinstance(content.get("event"), str):
            await self.send_error("invalid_message", 'Messages are objects: {"event": "...", "data": {...}}.')
            return
        event, data = content["event"], content.get("data")
        data = {} if data is None else data
        handler = self.client_events.get(event)
        if handler is None:
            await self.send_error(
                "unknown_event", f"Unknown event {event[:100]!r}.", {"events": sorted(self.client_events)}
            )
            return
        if not isinstance(data, dict):
            await self.send_error("invalid_payload", "data must be an object.")
            return
        try:
            await handler(self, data)
        except DomainError as exc:
            await self.send_error(exc.code, exc.message, exc.details)

    async def send_error(self, code: str, message: str, details=None) -> None:
        await self.send_json({"event": "error", "data": {"code": code, "message": message, "details": details}})

    # --- client events -------------------------------------------------------------------------------
    async def on_join(self, data: dict) -> None:
        interview_id = data.get("interviewId") or data.get("sessionId")
        # The token in the message first, then the handshake's (Authorization header, ?token=).
        token = data.get("token") or self.handshake_token
        try:
            interview_id = str(uuid.UUID(str(interview_id))) if interview_id else None
        except ValueError:
            interview_id = None
        if interview_id is None:
            raise BadRequest("joinInterview needs interviewId (or sessionId), a UUID.", code="invalid_payload",
                             details={"interviewId": ["A UUID is required."]})
        if not isinstance(token, str) or not token:
            missing = NotAuthenticated(
                "joinInterview needs a token (your API token or the candidate token) in data.token, "
                "or on the handshake: an Authorization: Bearer header or ?token= in the URL.",
                code="not_authenticated",
                details={"token": ["Missing: data.token, the Authorization header or the token query parameter."]},
            )
            await self._refuse(missing, CLOSE_UNAUTHENTICATED)
            return
        if self.seat is not None:
            if self.seat.interview_id == interview_id:
                raise Conflict("Already joined to this interview.", code="already_joined")
            await self._leave()
        try:
            seat, snapshot = await _join(interview_id, token, self.channel_name)
        except NotAuthenticated as exc:
            await self._refuse(exc, CLOSE_UNAUTHENTICATED)
            return
        except NotFound as exc:  # also a pass for another interview: not authorised for this one
            await self._refuse(exc, CLOSE_FORBIDDEN)
            return
        self.seat = seat
        if self.heartbeat is None:
            self.heartbeat = asyncio.create_task(self._beat())
        await self.channel_layer.group_add(events.interview_group(seat.interview_id), self.channel_name)
        if seat.room_group:
            await self.channel_layer.group_add(seat.room_group, self.channel_name)
        await self.send_json({"event": "joinedInterview", "data": snapshot})
        await self.channel_layer.group_send(
            events.interview_group(seat.interview_id),
            events.interview_event_message(event=events.PARTICIPANT_JOINED, data=seat.describe(), exclude=self.channel_name),
        )

    async def on_leave(self, data: dict) -> None:
        seat = self._require_seat()
        await self._leave()
        await self.send_json({"event": events.PARTICIPANT_LEFT, "data": camelize(seat.describe())})

    async def on_response(self, data: dict) -> None:
        seat = self._require_seat()
        payload = InterviewResponseInputSerializer(data=underscoreize(data))
        if not payload.is_valid():
            raise BadRequest(f"response must be a non-empty string of at most {RESPONSE_MAX_CHARS} characters.",
                             code="invalid_payload", details=camelize(payload.errors))
        await _act(seat, "respond", payload.validated_data["response"], payload.validated_data.get("reply_to"))

    async def on_start(self, data: dict) -> None:
        await _act(self._require_seat(), "start")

    async def on_end(self, data: dict) -> None:
        await _act(self._require_seat(), "end")

    client_events = {
        "joinInterview": on_join,
        "leaveInterview": on_leave,
        "candidateResponse": on_response,
        "startInterview": on_start,
        "endInterview": on_end,
    }

    # --- helpers -------------------------------------------------------------------------------------
    def _require_seat(self) -> Seat:
        if self.seat is None:
            raise Conflict("Join an interview first (joinInterview).", code="not_joined")
        return self.seat

    async def _refuse(self, exc: DomainError, close_code: int) -> None:
        await self.send_error(exc.code, exc.message, exc.details)
        await self.close(code=close_code)

    async def _leave(self) -> None:
        seat, self.seat = self.seat, None
        await self.channel_layer.group_discard(events.interview_group(seat.interview_id), self.channel_name)
        if seat.room_group:
            await self.channel_layer.group_discard(seat.room_group, self.channel_name)
        await _leave(seat, self.channel_name)
        await self.channel_layer.group_send(
            events.interview_group(seat.interview_id),
            events.interview_event_message(event=events.PARTICIPANT_LEFT, data=seat.describe()),
        )

    # --- channel layer messages ----------------------------------------------------------------------
    async def interview_event(self, message: dict) -> None:
        if message.get("exclude") != self.channel_name:
            await self.send_json({"event": message["event"], "data": message["data"]})

    async def room_event(self, message: dict) -> None:
        """LiveKit webhooks (livekit_app.events): people joining or leaving the room itself."""
        if self.seat is None or message.get("event") not in (events.PARTICIPANT_JOINED, events.PARTICIPANT_LEFT):
            return
        data = {**message.get("data", {}), "interviewId": self.seat.interview_id,
                "sessionId": self.seat.interview_id, "via": "livekit"}
        await self.send_json({"event": message["event"], "data": data})
