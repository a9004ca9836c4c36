"""LiveKit rooms as Django rows: the local registry, and LiveKit's mirror when a server is configured."""

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


class Room(models.Model):
    class State(models.TextChoices):
        CREATED = "created", "Created"
        ACTIVE = "active", "Active"
        FINISHED = "finished", "Finished"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="livekit_rooms")
    name = models.CharField(max_length=64, unique=True, validators=[room_name_validator])
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

    def __str__(self) -> str:
        return self.name


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
