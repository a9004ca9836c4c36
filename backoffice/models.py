"""The back office's own records: the audit trail of reads (views, exports) and decisions (reviews,
erasures), and candidate data erasures with their status. Changes to models are recorded by
django-auditlog (backoffice.audit registers which)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """Who did what to whose interview. Append-only: the admin shows it read-only."""

    class Action(models.TextChoices):
        VIEWED = "viewed", "Viewed an interview"
        EXPORTED = "exported", "Exported interviews"
        REVIEWED = "reviewed", "Reviewed a scorecard"
        ERASURE_REQUESTED = "erasure_requested", "Requested an erasure"
        ERASED = "erased", "Erased candidate data"

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events"
    )
    actor_name = models.CharField(max_length=150, blank=True, help_text="Kept if the user is deleted.")
    action = models.CharField(max_length=20, choices=Action.choices, db_index=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events"
    )
    candidate = models.ForeignKey(
        "sessions_app.Candidate", null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events"
    )
    # The candidate as the actor saw them (an erasure replaces it with the stub's label).
    candidate_label = models.CharField(max_length=200, blank=True)
    object_type = models.CharField(max_length=40, blank=True, help_text="voice interview, live interview, candidate...")
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "audit event"
        indexes = [models.Index(fields=["organisation", "-at"], name="audit_org_at")]

    def __str__(self) -> str:
        return f"{self.actor_name or 'system'} {self.get_action_display().lower()} ({self.at:%Y-%m-%d %H:%M})"


class Erasure(models.Model):
    """One erasure job: a candidate's data everywhere (on request), or one expired interview (retention).
    Runs in a Celery task; `status` is what the admin and `GET /ent/erasures/{id}` show."""

    class Kind(models.TextChoices):
        CANDIDATE = "candidate", "Candidate (on request)"
        RETENTION = "retention", "Retention period expired"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    candidate = models.ForeignKey(
        "sessions_app.Candidate", null=True, blank=True, on_delete=models.SET_NULL, related_name="erasures"
    )
    conversation = models.ForeignKey(
        "conversations.Conversation", null=True, blank=True, on_delete=models.SET_NULL, related_name="erasures"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="erasures"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_by_name = models.CharField(max_length=150, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    # What was erased: {"conversations": n, "turns": n, "files": n, ...}.
    counts = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = "erasure"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} erasure ({self.get_status_display()})"
