from __future__ import annotations

from django.db.models import QuerySet

from juggy.errors import NotFound
from livekit_app.models import Room


def room_owned(owner, name: str) -> Room | None:
    """The owner's room of this name (names are unique per owner only)."""
    return Room.objects.filter(owner=owner, name=name).first()


def room_by_livekit_name(livekit_name: str) -> Room | None:
    """The room behind a name on the LiveKit server (webhooks, passes, agent jobs)."""
    return Room.objects.filter(livekit_name=livekit_name).first() if livekit_name else None


def room_for_owner(owner, name: str) -> Room:
    """The owner's room by name; another user's room is reported as missing, never as forbidden."""
    room = Room.objects.filter(owner=owner, name=name).prefetch_related("participants").first()
    if room is None:
        raise NotFound("Room not found.", code="room_not_found", details={"roomName": name})
    return room


def rooms_for_owner(owner) -> QuerySet[Room]:
    return Room.objects.filter(owner=owner).prefetch_related("participants").order_by("-created_at")
