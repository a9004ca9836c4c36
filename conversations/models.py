"""The interview itself, whatever carries it: one conversation, its transcript and its analysis.

A VAPI session (sessions_app) and a REST/WebSocket/LiveKit interview (interviews_app) are transport
records that point at a Conversation; everything the interviewer knows and decides lives here.
"""

from __future__ import annotations

import uuid

from django.conf import settings
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

    # Set when the candidate's data was erased (backoffice.erasure): what remains is an anonymised stub
    # that keeps the counts (status, times, scores) and nothing said or written by or about the candidate.
    erased_at = models.DateTimeField(null=True, blank=True)

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
        verbose_name = "transcript turn"
        constraints = [models.UniqueConstraint(fields=["conversation", "index"], name="conversation_turn_unique_index")]

    def __str__(self) -> str:
        return f"{self.index} {self.speaker}: {self.text[:60]}"


class Review(models.Model):
    """A person's final say on a conversation's analysis: the AI's values accepted, or overridden per
    competency and for the recommendation, with the reason. The AI's analysis is never changed; the values
    it had when reviewed are kept in `ai_snapshot` (a re-run of the analysis later does not rewrite them).
    One review per conversation: a second one replaces the first (the audit trail keeps both)."""

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", "Accepted the AI's assessment"
        OVERRIDDEN = "overridden", "Overrode the AI's assessment"

    class Recommendation(models.TextChoices):
        STRONG_HIRE = "strong_hire", "Strong hire"
        HIRE = "hire", "Hire"
        LEAN_HIRE = "lean_hire", "Lean hire"
        LEAN_NO_HIRE = "lean_no_hire", "Lean no hire"
        NO_HIRE = "no_hire", "No hire"

    conversation = models.OneToOneField(Conversation, on_delete=models.CASCADE, related_name="review")
    decision = models.CharField(max_length=12, choices=Decision.choices)
    # {competency key: 1-5}, only for the competencies the reviewer changed.
    competency_scores = models.JSONField(default=dict, blank=True)
    recommendation = models.CharField(max_length=20, choices=Recommendation.choices)
    overall_score = models.FloatField(null=True, blank=True, help_text="The mean of the reviewed competency scores.")
    reason = models.TextField(blank=True)
    # The AI's values the reviewer saw: {"overall_score", "recommendation", "competencies": {key: score}}.
    ai_snapshot = models.JSONField(default=dict, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviews"
    )
    reviewer_name = models.CharField(max_length=150, blank=True, help_text="Kept if the user is deleted.")
    reviewed_at = models.DateTimeField()

    class Meta:
        verbose_name = "human review"
        verbose_name_plural = "human reviews"
        ordering = ["-reviewed_at"]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} by {self.reviewer_name or 'a deleted user'}"
