"""Room events over Channels: a webhook's effect is announced to `room_group(room.livekit_name)` after
it commits (the globally unique name: two owners' rooms of the same name never share a group).

Message: {"type": "room.event", "event": "participantJoined" | "participantLeft" | "roomStarted" |
"roomFinished", "data": {"roomName", "identity", "name", "at"}}, roomName being the name the owner
gave the room; consumers implement `async def room_event(self, message)`.
"""

from __future__ import annotations

import logging
from datetime import datetime

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from livekit_app.models import Room

logger = logging.getLogger("juggy.livekit")

ROOM_EVENTS = ("participantJoined", "participantLeft", "roomStarted", "roomFinished")


def room_group(livekit_name: str) -> str:
    """Channels group of a room's events, by `Room.livekit_name` (group-name safe, short enough)."""
    return f"livekit.room.{livekit_name}"


def room_event_message(*, event: str, room_name: str, at: datetime, identity: str = "", name: str = "") -> dict:
    return {
        "type": "room.event",
        "event": event,
        "data": {"roomName": room_name, "identity": identity, "name": name, "at": at.isoformat()},
    }


def _send(group: str, message: dict) -> None:
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(group, message)


def room_event_send_on_commit(*, event: str, room: Room, at: datetime, identity: str = "", name: str = "") -> None:
    message = room_event_message(event=event, room_name=room.name, at=at, identity=identity, name=name)
    # After commit, so no listener hears of a state it cannot read back yet. robust: a channel layer
    # outage is logged, it does not turn an already stored webhook into a 500 that LiveKit would retry.
    group = room_group(room.livekit_name)
    transaction.on_commit(lambda: _send(group, message), robust=True)
