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
    """A practice or assessment interview carried by a VAPI call: the transport record of a conversation.

    It keeps what is the call's own (the call id, credits, what VAPI's webhooks report) and what the
    API was given at creation (otherContext); the interview itself, its transcript and analysis are the
    conversation's (conversations.models)."""

    class Kind(models.TextChoices):
        STANDARD = "standard", "Standard (practice)"
        ENTERPRISE = "enterprise", "Enterprise (assessment)"

    class Status(models.TextChoices):
        """The status shown to clients: the conversation's, with the call linked before it starts."""

        CREATED = "created", "Created"
        LINKED = "linked", "Linked to a call"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    conversation = models.OneToOneField(
        "conversations.Conversation", on_delete=models.PROTECT, related_name="session"
    )
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

    assessment_area = models.CharField(max_length=200, blank=True)
    # otherContext as given, snake_case keys: current_role, target_role, job_description, job_description_link...
    context = models.JSONField(default=dict, blank=True)

    # The voice provider's call (VAPI call.id); one call per session, one session per call.
    call_id = models.CharField(max_length=200, null=True, blank=True, unique=True)
    call_status = models.CharField(max_length=30, blank=True)
    ended_reason = models.CharField(max_length=100, blank=True)
    recording_urls = models.JSONField(default=dict, blank=True)
    duration_seconds = models.FloatField(null=True, blank=True)
    credits_used = models.PositiveIntegerField(default=0)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "voice interview"
        indexes = [
            models.Index(fields=["user", "-created_at"], name="session_user_created"),
            models.Index(fields=["organisation", "-created_at"], name="session_org_created"),
            models.Index(fields=["kind"], name="session_kind"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="standard") | Q(organisation__isnull=False),
                name="enterprise_session_has_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} session {self.id}"

    @property
    def status(self) -> str:
        return session_status(self.conversation.status, bool(self.call_id))


# Conversation status -> the session status clients see (a created conversation with a call is "linked").
_STATUS = {
    "created": Session.Status.CREATED,
    "in_progress": Session.Status.IN_PROGRESS,
    "ended": Session.Status.COMPLETED,
    "failed": Session.Status.FAILED,
    "cancelled": Session.Status.CANCELLED,
}


def session_status(conversation_status: str, linked: bool) -> str:
    status = _STATUS[conversation_status]
    return Session.Status.LINKED if status == Session.Status.CREATED and linked else status


def session_status_q(status: str) -> Q:
    """Sessions whose client-visible status is `status`, as a filter (the inverse of session_status)."""
    if status == Session.Status.LINKED:
        return Q(conversation__status="created", call_id__isnull=False)
    if status == Session.Status.CREATED:
        return Q(conversation__status="created", call_id__isnull=True)
    return Q(conversation__status=next(k for k, v in _STATUS.items() if v == status))
