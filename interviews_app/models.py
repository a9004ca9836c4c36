import uuid

from django.conf import settings
from django.db import models


class Interview(models.Model):
    """An AI-conducted interview in a LiveKit room, followed over REST and WebSocket."""

    class Status(models.TextChoices):
        CREATED = "created", "Created"
        IN_PROGRESS = "in_progress", "In progress"
        ENDED = "ended", "Ended"
        FAILED = "failed", "Failed"

    class EndReason(models.TextChoices):
        NONE = "", "Not ended"
        COMPLETED = "completed", "Completed (the interviewer finished)"
        ENDED_BY_OWNER = "ended_by_owner", "Ended by the recruiter"
        ENDED_BY_CANDIDATE = "ended_by_candidate", "Ended by the candidate"

    class SummaryStatus(models.TextChoices):
        NONE = "none", "Not requested"
        PENDING = "pending", "Pending"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="interviews")
    # The name is kept even if the room row goes (rooms are deleted when LiveKit closes them):
    # it names the Channels group of room events and is part of every candidate pass.
    room = models.ForeignKey(
        "livekit_app.Room", on_delete=models.SET_NULL, null=True, blank=True, related_name="interviews"
    )
    room_name = models.CharField(max_length=64)
    candidate_id = models.CharField(max_length=128)
    candidate_name = models.CharField(max_length=200, blank=True)
    job_description = models.TextField()

    media = models.ForeignKey(
        "media_app.Media", on_delete=models.SET_NULL, null=True, blank=True, related_name="interviews"
    )
    # A snapshot, so the interview keeps its context if the resume is re-parsed or deleted.
    resume_text = models.TextField(blank=True)
    resume = models.JSONField(null=True, blank=True, help_text="Structured resume at creation time.")

    settings = models.JSONField(default=dict, blank=True)
    plan = models.JSONField(null=True, blank=True, help_text="The engine's question plan.")
    state = models.JSONField(default=dict, blank=True, help_text="The engine's interview state.")

    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CREATED)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, default=EndReason.NONE, blank=True)
    agent_dispatch_id = models.CharField(max_length=128, blank=True)
    # Messages so far; the next message's index. Written under the row lock with each message.
    message_count = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    summary_status = models.CharField(
        max_length=8, choices=SummaryStatus.choices, default=SummaryStatus.NONE
    )
    summary = models.JSONField(null=True, blank=True)
    summary_error = models.TextField(blank=True)
    summary_requested_at = models.DateTimeField(null=True, blank=True)
    summary_started_at = models.DateTimeField(null=True, blank=True, help_text="When a worker claimed it.")
    summary_done_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="interview_owner_created"),
            models.Index(fields=["room_name"], name="interview_room_name"),
            models.Index(fields=["status"], name="interview_status"),
        ]

    def __str__(self) -> str:
        return f"{self.candidate_name or self.candidate_id} in {self.room_name}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.CREATED, self.Status.IN_PROGRESS)


class InterviewMessage(models.Model):
    class Role(models.TextChoices):
        INTERVIEWER = "interviewer", "Interviewer"
        CANDIDATE = "candidate", "Candidate"

    class Source(models.TextChoices):
        ENGINE = "engine", "Interviewer engine"
        REST = "rest", "REST"
        WEBSOCKET = "websocket", "WebSocket"

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="messages")
    index = models.PositiveIntegerField()
    role = models.CharField(max_length=12, choices=Role.choices)
    text = models.TextField()
    question_id = models.CharField(max_length=64, blank=True)
    is_follow_up = models.BooleanField(default=False)
    source = models.CharField(max_length=10, choices=Source.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["interview", "index"]
        constraints = [
            models.UniqueConstraint(fields=["interview", "index"], name="interview_message_index_unique"),
        ]

    def __str__(self) -> str:
        return f"#{self.index} {self.role}: {self.text[:60]}"


class InterviewConnection(models.Model):
    """A WebSocket client joined to an interview, so presence is visible from every server process.

    Rows are removed on leave and on disconnect; a process killed without a disconnect leaves rows
    behind until the same channel name disconnects, which is why listings show `joined_at`.
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

    class Meta:
        ordering = ["joined_at"]
        constraints = [
            models.UniqueConstraint(fields=["interview", "channel_name"], name="interview_connection_unique"),
        ]
        indexes = [models.Index(fields=["channel_name"], name="interview_connection_channel")]

    def __str__(self) -> str:
        return f"{self.identity} ({self.role}) in {self.interview_id}"
