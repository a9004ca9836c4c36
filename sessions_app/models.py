import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class AssessmentTemplate(models.Model):
    """What an organisation assesses for a role: the plan of its enterprise sessions."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="templates")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200)
    job_description = models.TextField(blank=True)
    # [{"key": "system_design", "name": "System design", "description": "...", "rubric": {"1": "...", "5": "..."}}]
    competencies = models.JSONField(default=list, blank=True)
    # Fixed questions asked in order; empty lets the engine plan from the role and job description.
    question_bank = models.JSONField(default=list, blank=True)
    max_questions = models.PositiveSmallIntegerField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class Candidate(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="candidates")
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    external_id = models.CharField(max_length=200, blank=True, help_text="The id in the recruiter's ATS.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["organisation", "email"], name="candidate_org_email")]

    def __str__(self) -> str:
        return self.name


class Session(models.Model):
    class Kind(models.TextChoices):
        STANDARD = "standard", "Standard (practice)"
        ENTERPRISE = "enterprise", "Enterprise (assessment)"

    class Status(models.TextChoices):
        CREATED = "created", "Created"
        LINKED = "linked", "Linked to a call"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    class AnalysisStatus(models.TextChoices):
        NONE = "none", "Not analysed"
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The owner: the practising user, or the recruiter who created an enterprise session.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="interview_sessions")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.STANDARD)
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="sessions"
    )
    template = models.ForeignKey(
        AssessmentTemplate, null=True, blank=True, on_delete=models.PROTECT, related_name="sessions"
    )
    candidate = models.ForeignKey(
        Candidate, null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions"
    )

    # The resume is copied in, so a session keeps working after its media is deleted.
    media = models.ForeignKey(
        "media_app.Media", null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions"
    )
    resume_text = models.TextField(blank=True)
    resume_data = models.JSONField(null=True, blank=True)

    assessment_area = models.CharField(max_length=200, blank=True)
    # otherContext, snake_case keys: current_role, target_role, job_description, job_description_link...
    context = models.JSONField(default=dict, blank=True)
    plan = models.JSONField(null=True, blank=True, help_text="juggy.ai Plan.to_dict()")
    state = models.JSONField(default=dict, blank=True, help_text="juggy.ai InterviewState.to_dict()")

    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CREATED, db_index=True)
    # The voice provider's call (VAPI call.id); one call per session, one session per call.
    call_id = models.CharField(max_length=200, null=True, blank=True, unique=True)
    call_status = models.CharField(max_length=30, blank=True)
    ended_reason = models.CharField(max_length=100, blank=True)
    recording_urls = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    duration_seconds = models.FloatField(null=True, blank=True)
    credits_used = models.PositiveIntegerField(default=0)

    analysis_status = models.CharField(
        max_length=10, choices=AnalysisStatus.choices, default=AnalysisStatus.NONE, db_index=True
    )
    analysis = models.JSONField(null=True, blank=True, help_text="juggy.ai Analysis.to_dict()")
    analysis_score = models.FloatField(null=True, blank=True, db_index=True)
    analysis_error = models.TextField(blank=True)
    # Identifies the analysis run that currently owns the result: a task writes only if its run id
    # still matches, so a superseded (re-run) or redelivered task never overwrites a newer result.
    analysis_run_id = models.UUIDField(null=True, blank=True, editable=False)
    analysis_requested_at = models.DateTimeField(null=True, blank=True)
    analysed_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="session_user_created"),
            models.Index(fields=["organisation", "-created_at"], name="session_org_created"),
            models.Index(fields=["kind", "status"], name="session_kind_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="standard") | Q(organisation__isnull=False),
                name="enterprise_session_has_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} session {self.id}"


class TranscriptTurn(models.Model):
    class Role(models.TextChoices):
        INTERVIEWER = "interviewer", "Interviewer"
        CANDIDATE = "candidate", "Candidate"

    id = models.BigAutoField(primary_key=True)
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="turns")
    index = models.PositiveIntegerField()
    role = models.CharField(max_length=12, choices=Role.choices)
    text = models.TextField()
    # Which plan question the turn belongs to, and whether it was a follow-up (interviewer turns).
    question_id = models.CharField(max_length=50, blank=True)
    is_follow_up = models.BooleanField(default=False)
    source = models.CharField(max_length=20, blank=True, help_text="vapi, api, websocket, report")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session", "index"]
        constraints = [models.UniqueConstraint(fields=["session", "index"], name="turn_unique_index")]

    def __str__(self) -> str:
        return f"{self.index} {self.role}: {self.text[:60]}"
