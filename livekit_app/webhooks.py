"""LiveKit webhooks: verify, store once, apply to rooms and participants, announce after commit.

Redelivery: LiveKit retries a webhook it thinks failed, with the same event id. Every delivery is
stored in WebhookDelivery under its unique id first; a second delivery finds it and changes nothing.
Reordering: LiveKit may deliver events out of order, so each update is guarded by the event's own
timestamp (a `participant_joined` older than the participant's last leave is not applied, and so on).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import transaction
from django.utils import timezone
from google.protobuf import json_format
from livekit import api

from juggy.errors import BadRequest, NotAuthenticated
from livekit_app import client
from livekit_app.events import room_event_send_on_commit
from livekit_app.models import Participant, Room, WebhookDelivery

HANDLED_EVENTS = ("room_started", "room_finished", "participant_joined", "participant_left")


@dataclass(frozen=True)
class WebhookResult:
    event_id: str
    event: str
    duplicate: bool
    applied: bool


def webhook_verify(*, body: bytes, authorization: str) -> api.WebhookEvent:
    """The event, if LiveKit signed exactly this body with our key pair (the server's, or the local one)."""
    token = authorization.strip()
    if token[:7].lower() == "bearer ":  # LiveKit sends the bare JWT; tolerate a Bearer prefix
        token = token[7:].strip()
    if not token:
        raise NotAuthenticated("Missing webhook signature.", code="webhook_signature_missing")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest("The webhook body is not UTF-8.", code="webhook_malformed") from exc
    key, secret = client.credentials()
    try:
        return api.WebhookReceiver(api.TokenVerifier(key, secret)).receive(text, token)
    except json_format.ParseError as exc:  # raised only after the signature and hash checked out
        raise BadRequest("The webhook body is not a LiveKit event.", code="webhook_malformed") from exc
    except Exception as exc:
        # receive() raises jwt errors for the token and a bare Exception for a body-hash mismatch.
        raise NotAuthenticated("Invalid webhook signature.", code="webhook_signature_invalid") from exc


def webhook_receive(*, body: bytes, authorization: str) -> WebhookResult:
    event = webhook_verify(body=body, authorization=authorization)
    # Events without an id (not sent by current servers) are deduplicated by their exact body.
    event_id = event.id or "sha256:" + hashlib.sha256(body).hexdigest()
    at = datetime.fromtimestamp(event.created_at, UTC) if event.created_at else timezone.now()
    room_name = event.room.name
    with transaction.atomic():
        # Two concurrent deliveries of one event: the second insert waits on the unique index and
        # then finds the first one's row.
        delivery, created = WebhookDelivery.objects.get_or_create(
            event_id=event_id[:128], defaults={"event": event.event[:64], "room_name": room_name[:255], "occurred_at": at}
        )
        if not created:
            return WebhookResult(event_id, event.event, duplicate=True, applied=False)
        applied = _apply(event, at)
        if applied:
            WebhookDelivery.objects.filter(pk=delivery.pk).update(handled=True)
    return WebhookResult(event_id, event.event, duplicate=False, applied=applied)


def _apply(event: api.WebhookEvent, at: datetime) -> bool:
    if event.event not in HANDLED_EVENTS or not event.room.name:
        return False
    # LiveKit names rooms by their livekit_name (names clients chose are unique per owner only).
    room = Room.objects.select_for_update().filter(livekit_name=event.room.name).first()
    if room is None:
        return False  # a room created outside Juggy: recorded, nothing to update
    if event.event == "room_started":
        return _room_started(room, event.room.sid, at)
    if event.event == "room_finished":
        return _room_finished(room, at)
    participant = event.participant
    if not participant.identity:
        return False
    if event.event == "participant_joined":
        return _participant_joined(room, participant, at)
    return _participant_left(room, participant, at)


def _room_started(room: Room, sid: str, at: datetime) -> bool:
    if room.finished_at and at <= room.finished_at:
        return False  # the start of a session whose end we already stored
    room.state, room.started_at, room.finished_at = Room.State.ACTIVE, at, None
    room.sid = sid or room.sid
    room.save(update_fields=["state", "started_at", "finished_at", "sid"])
    room_event_send_on_commit(event="roomStarted", room=room, at=at)
    return True


def _room_finished(room: Room, at: datetime) -> bool:
    if room.started_at and at < room.started_at:
        return False  # an earlier session's end, arriving after the room was started again
    room.state, room.finished_at = Room.State.FINISHED, at
    room.save(update_fields=["state", "finished_at"])
    # LiveKit does not always send participant_left for everyone when a room closes.
    room.participants.filter(state=Participant.State.JOINED).update(state=Participant.State.LEFT, left_at=at)
    room_event_send_on_commit(event="roomFinished", room=room, at=at)
    return True


def _participant_joined(room: Room, info: api.ParticipantInfo, at: datetime) -> bool:
    participant, _ = Participant.objects.get_or_create(room=room, identity=info.identity)
    # A leave stamped in the same second wins: a join cannot follow its own leave that closely.
    if participant.left_at and at <= participant.left_at:
        return False
    participant.name, participant.sid = info.name or participant.name, info.sid or participant.sid
    participant.state, participant.joined_at, participant.left_at = Participant.State.JOINED, at, None
    participant.save()
    if room.state == Room.State.CREATED:
        # participant_joined may overtake room_started.
        room.state, room.started_at = Room.State.ACTIVE, at
        room.save(update_fields=["state", "started_at"])
    room_event_send_on_commit(
        event="participantJoined", room=room, at=at, identity=participant.identity, name=participant.name
    )
    return True


def _participant_left(room: Room, info: api.ParticipantInfo, at: datetime) -> bool:
    participant, _ = Participant.objects.get_or_create(room=room, identity=info.identity)
    if participant.joined_at and at < participant.joined_at:
        return False
    participant.name, participant.sid = info.name or participant.name, info.sid or participant.sid
    participant.state, participant.left_at = Participant.State.LEFT, at
    participant.save()
    room_event_send_on_commit(
        event="participantLeft", room=room, at=at, identity=participant.identity, name=participant.name
    )
    return True
