"""Room events over Channels: a webhook's effect is announced to `room_group(name)` after it commits.

Message: {"type": "room.event", "event": "participantJoined" | "participantLeft" | "roomStarted" |
"roomFinished", "data": {"roomName", "identity", "name", "at"}}; consumers implement
`async def room_event(self, message)`.
"""

from __future__ import annotations

import logging
from datetime import datetime

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger("juggy.livekit")

ROOM_EVENTS = ("participantJoined", "participantLeft", "roomStarted", "roomFinished")


def room_group(room_name: str) -> str:
    """Channels group of a room's events (room names are validated to be group-name safe)."""
    return f"livekit.room.{room_name}"


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


def room_event_send_on_commit(*, event: str, room_name: str, at: datetime, identity: str = "", name: str = "") -> None:
    message = room_event_message(event=event, room_name=room_name, at=at, identity=identity, name=name)
    # After commit, so no listener hears of a state it cannot read back yet. robust: a channel layer
    # outage is logged, it does not turn an already stored webhook into a 500 that LiveKit would retry.
    transaction.on_commit(lambda: _send(room_group(room_name), message), robust=True)
