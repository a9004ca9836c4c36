"""The interview itself, whatever carries it: one conversation, its transcript and its analysis.

A VAPI session (sessions_app) and a REST/WebSocket/LiveKit interview (interviews_app) are transport
records that point at a Conversation; everything the interviewer knows and decides lives here.
"""

from __future__ import annotations

import uuid

from django.db import models


class Conversation(models.Model):
    class Status(models.TextChoices):
        CREATED = "created", "Created"
        IN_PROGRESS = "in_progress", "In progress"
        ENDED = "ended", "Ended"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    class EndReason(models.TextChoices):
        NONE = "", "Not ended"
        COMPLETED = "completed", "Completed (the interviewer finished)"
        ENDED_BY_OWNER = "ended_by_owner", "Ended by the recruiter"
        ENDED_BY_CANDIDATE = "ended_by_candidate", "Ended by the candidate"
        CREDITS_EXHAUSTED = "credits_exhausted", "Credits ran out"
        CALL_ENDED = "call_ended", "The call ended"
        ERROR = "error", "The interviewer failed"

    class Origin(models.TextChoices):
        """Which transport record owns the conversation (the admin and the events need to know)."""

        VAPI_SESSION = "vapi_session", "VAPI session"
        INTERVIEW = "interview", "Interview (REST, WebSocket, LiveKit)"

    class AnalysisStatus(models.TextChoices):
        NONE = "none", "Not analysed"
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    origin = models.CharField(max_length=12, choices=Origin.choices)

    # The context snapshot: juggy.ai JobContext.to_dict() without the resume, and the resume copied in,
    # so the conversation keeps both when the template changes or the media is deleted.
    job = models.JSONField(default=dict, blank=True, help_text="juggy.ai JobContext (without the resume)")
    media = models.ForeignKey(
        "media_app.Media", null=True, blank=True, on_delete=models.SET_NULL, related_name="conversations"
    )
    resume_text = models.TextField(blank=True)
    resume = models.JSONField(null=True, blank=True, help_text="The structured resume at creation time.")

    plan = models.JSONField(null=True, blank=True, help_text="juggy.ai Plan.to_dict()")
    state = models.JSONField(default=dict, blank=True, help_text="juggy.ai InterviewState.to_dict()")
    # Compare-and-set guard of `state`: every write of a turn moves it on by one.
    version = models.PositiveIntegerField(default=0)
    # Stored turns; the next turn's index.
    turn_count = models.PositiveIntegerField(default=0)

    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CREATED)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, default=EndReason.NONE, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    # The analysis job. `analysis` keeps the last good result until a re-run succeeds.
    analysis_status = models.CharField(
        max_length=10, choices=AnalysisStatus.choices, default=AnalysisStatus.NONE
    )
    analysis = models.JSONField(null=True, blank=True, help_text="juggy.ai Analysis.to_dict()")
    analysis_score = models.FloatField(null=True, blank=True)
    analysis_error = models.TextField(blank=True)
    # The run that owns the job: a task writes only if its run id still matches, so a superseded or
    # redelivered task never overwrites a newer result.
    analysis_run_id = models.UUIDField(null=True, blank=True, editable=False)
    analysis_requested_at = models.DateTimeField(null=True, blank=True)
    analysed_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status"], name="conversation_status"),
            models.Index(fields=["analysis_status"], name="conversation_analysis_status"),
            models.Index(fields=["analysis_score"], name="conversation_analysis_score"),
        ]

    def __str__(self) -> str:
        return f"Conversation {self.id} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.CREATED, self.Status.IN_PROGRESS)

    @property
    def question_count(self) -> int:
        return len((self.plan or {}).get("questions") or [])


class Turn(models.Model):
    """One utterance of the transcript, in order."""

    class Speaker(models.TextChoices):
        INTERVIEWER = "interviewer", "Interviewer"
        CANDIDATE = "candidate", "Candidate"

    class Transport(models.TextChoices):
        VAPI = "vapi", "VAPI call"
        REPORT = "report", "VAPI end-of-call report"
        REST = "rest", "REST"
        WEBSOCKET = "websocket", "WebSocket"
        LIVEKIT = "livekit", "LiveKit agent"

    id = models.BigAutoField(primary_key=True)
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="turns")
    index = models.PositiveIntegerField()
    speaker = models.CharField(max_length=12, choices=Speaker.choices)
    text = models.TextField()
    # The plan question the turn belongs to; interviewer turns say whether they follow up on it.
    question_id = models.CharField(max_length=64, blank=True)
    is_follow_up = models.BooleanField(default=False)
    transport = models.CharField(max_length=10, choices=Transport.choices)
    # Speech recognition's confidence in a spoken candidate turn (0-1), when the transport knows it.
    confidence = models.FloatField(null=True, blank=True)
    spoken_at = models.DateTimeField(null=True, blank=True, help_text="When it was said, if the transport says.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["conversation", "index"]
        constraints = [models.UniqueConstraint(fields=["conversation", "index"], name="conversation_turn_unique_index")]

    def __str__(self) -> str:
        return f"{self.index} {self.speaker}: {self.text[:60]}"
