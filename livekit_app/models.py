"""LiveKit rooms as Django rows: the local registry, and LiveKit's mirror when a server is configured."""

import secrets
import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models

# LiveKit accepts almost any string; we keep names URL-, log- and Channels-group-safe.
ROOM_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"
room_name_validator = RegexValidator(
    ROOM_NAME_PATTERN,
    "Room names are 1-64 characters: letters, digits, '-' and '_', starting with a letter or digit.",
    code="invalid_room_name",
)


def livekit_name_suffixed(name: str) -> str:
    """A LiveKit name no other room can have: the name, '.', a random suffix (see Room.livekit_name)."""
    return f"{name}.{secrets.token_hex(8)}"


def livekit_name_for(name: str) -> str:
    """A new room's LiveKit name: its name while no room uses that on the server, else suffixed."""
    return livekit_name_suffixed(name) if Room.objects.filter(livekit_name=name).exists() else name


class Room(models.Model):
    class State(models.TextChoices):
        CREATED = "created", "Created"
        ACTIVE = "active", "Active"
        FINISHED = "finished", "Finished"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="livekit_rooms")
    # What the owner chose and every API answer shows: unique per owner only, so that no user can take
    # a name another is about to use (issue 15).
    name = models.CharField(max_length=64, validators=[room_name_validator])
    # The room's name on the LiveKit server (tokens' grant, webhooks, agent dispatch, Channels group):
    # `name` itself while no other room uses it there, else `name.<random suffix>`. A '.' never appears
    # in `name`, so the two kinds never meet. At most 81 characters: `livekit.room.<livekit_name>` stays
    # a valid Channels group name.
    livekit_name = models.CharField("LiveKit room name", max_length=96, unique=True, editable=False)
    empty_timeout = models.PositiveIntegerField(null=True, blank=True, help_text="Seconds LiveKit keeps the room open while empty.")
    max_participants = models.PositiveIntegerField(null=True, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.CREATED, db_index=True)
    sid = models.CharField("LiveKit room sid", max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="livekit_room_owner_created")]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="livekit_unique_owner_room_name")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.livekit_name:  # rooms made outside livekit_app.services (admin, fixtures)
            self.livekit_name = livekit_name_for(self.name)
        super().save(*args, **kwargs)


class Participant(models.Model):
    class State(models.TextChoices):
        JOINED = "joined", "Joined"
        LEFT = "left", "Left"

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="participants")
    identity = models.CharField(max_length=255)
    name = models.CharField(max_length=255, blank=True)
    sid = models.CharField("LiveKit participant sid", max_length=64, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.JOINED)
    joined_at = models.DateTimeField(null=True, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["joined_at", "id"]
        verbose_name = "room participant"
        constraints = [
            models.UniqueConstraint(fields=["room", "identity"], name="livekit_unique_room_identity"),
        ]

    def __str__(self) -> str:
        return f"{self.identity} in {self.room_id}"


class WebhookDelivery(models.Model):
    """One processed LiveKit webhook; its unique event id makes a redelivery a no-op."""

    event_id = models.CharField(max_length=128, unique=True)
    event = models.CharField(max_length=64)
    room_name = models.CharField(max_length=255, blank=True, db_index=True)
    occurred_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    handled = models.BooleanField(default=False, help_text="False for unknown rooms and events Juggy ignores.")

    class Meta:
        ordering = ["-received_at"]
        verbose_name = "LiveKit webhook delivery"
        verbose_name_plural = "LiveKit webhook deliveries"

    def __str__(self) -> str:
        return f"{self.event} {self.event_id}"
