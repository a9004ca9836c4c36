"""The audit trail: model changes through django-auditlog (registered here), and explicit entries for
what a change log cannot see: who viewed an interview, who exported, who reviewed, who erased."""

from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType

from backoffice.models import AuditEvent
from conversations.models import Review
from juggy.accounts.models import Membership, Organisation
from sessions_app.models import AssessmentTemplate, Candidate

# Who changed templates, candidates, memberships and reviews, and how. A review's free-text reason and
# the AI snapshot stay out of the change log (the `reviewed` audit event carries the reason, and an
# erasure scrubs it there).
auditlog.register(AssessmentTemplate)
auditlog.register(Candidate)
auditlog.register(Membership)
auditlog.register(Organisation)
auditlog.register(Review, exclude_fields=["reason", "ai_snapshot"])

ERASED_LABEL = "Erased candidate"


def audit_record(
    *,
    actor,
    action: str,
    organisation_id=None,
    candidate: Candidate | None = None,
    candidate_label: str = "",
    object_type: str = "",
    object_id: Any = "",
    details: dict | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=getattr(actor, "username", "") or "",
        action=action,
        organisation_id=organisation_id or (candidate.organisation_id if candidate else None),
        candidate=candidate,
        candidate_label=candidate_label or (candidate.name if candidate else ""),
        object_type=object_type,
        object_id=str(object_id or ""),
        details=details or {},
    )


def audit_scrub(*, candidate: Candidate | None, object_ids: list[str], review_ids: list[int]) -> int:
    """Remove a candidate's personal data from the trail, keeping who did what and when: labels become
    the stub's, review reasons and exported names go, and the change log's entries of the candidate and
    their reviews keep their action and actor but no values."""
    scrubbed = 0
    events = AuditEvent.objects.none()
    if candidate is not None:
        events = AuditEvent.objects.filter(candidate=candidate)
    if object_ids:
        events = events | AuditEvent.objects.filter(object_id__in=object_ids)
    scrubbed += events.update(candidate_label=ERASED_LABEL, details={})
    entries = LogEntry.objects.none()
    if candidate is not None:
        entries = LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Candidate), object_pk=str(candidate.pk)
        )
    if review_ids:
        entries = entries | LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Review), object_pk__in=[str(i) for i in review_ids]
        )
    scrubbed += entries.update(object_repr=ERASED_LABEL, changes=None, changes_text="", serialized_data=None,
                               additional_data=None)
    return scrubbed
