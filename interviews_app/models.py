import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone


class Interview(models.Model):
    """An AI-conducted interview in a LiveKit room, followed over REST and WebSocket: the transport
    record of a conversation. It keeps the room, the candidate and presence; the interview itself, its
    transcript and summary are the conversation's (conversations.models)."""

    # Client-visible values, the conversation's own (an interview is never cancelled).
    class Status(models.TextChoices):
        CREATED = "created", "Created"
        IN_PROGRESS = "in_progress", "In progress"
        ENDED = "ended", "Ended"
        FAILED = "failed", "Failed"

    class SummaryStatus(models.TextChoices):
        NONE = "none", "Not requested"
        PENDING = "pending", "Pending"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    conversation = models.OneToOneField(
        "conversations.Conversation", on_delete=models.PROTECT, related_name="interview"
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="interviews")
    # The name is kept even if the room row goes (rooms are deleted when LiveKit closes them):
    # it names the Channels group of room events and is part of every candidate pass.
    room = models.ForeignKey(
        "livekit_app.Room", on_delete=models.SET_NULL, null=True, blank=True, related_name="interviews"
    )
    room_name = models.CharField(max_length=64)
    candidate_id = models.CharField(max_length=128)
    candidate_name = models.CharField(max_length=200, blank=True)
    # The settings as given at creation (the conversation keeps the job context they make).
    settings = models.JSONField(default=dict, blank=True)
    agent_dispatch_id = models.CharField(max_length=128, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "live interview"
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="interview_owner_created"),
            models.Index(fields=["room_name"], name="interview_room_name"),
        ]

    def __str__(self) -> str:
        return f"{self.candidate_name or self.candidate_id} in {self.room_name}"

    @property
    def status(self) -> str:
        return self.conversation.status

    @property
    def end_reason(self) -> str:
        return self.conversation.end_reason

    @property
    def summary_status(self) -> str:
        # A running analysis is still "pending" to the summary's clients.
        status = self.conversation.analysis_status
        return self.SummaryStatus.PENDING if status == "running" else status


# A WebSocket connection refreshes its presence row every PRESENCE_HEARTBEAT; a row older than
# PRESENCE_TTL belongs to a server process that died without a disconnect, and no longer counts.
PRESENCE_HEARTBEAT = timedelta(seconds=30)
PRESENCE_TTL = timedelta(seconds=90)


class InterviewConnection(models.Model):
    """A WebSocket client joined to an interview, so presence is visible from every server process.

    Rows are removed on leave and on disconnect. Each live connection refreshes `seen_at` (a heartbeat);
    a row not seen for PRESENCE_TTL (its server process died without a disconnect) no longer counts.
    """

    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        SERVICE = "service", "Service (acting for the owner)"
        CANDIDATE = "candidate", "Candidate"

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="connections")
    channel_name = models.CharField(max_length=200)
    identity = models.CharField(max_length=128)
    name = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=10, choices=Role.choices)
    joined_at = models.DateTimeField(auto_now_add=True)
    seen_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["joined_at"]
        verbose_name = "live connection"
        constraints = [
            models.UniqueConstraint(fields=["interview", "channel_name"], name="interview_connection_unique"),
        ]
        indexes = [models.Index(fields=["channel_name"], name="interview_connection_channel")]

    def __str__(self) -> str:
        return f"{self.identity} ({self.role}) in {self.interview_id}"
