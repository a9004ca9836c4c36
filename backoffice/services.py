"""Back-office operations: roles, human review, candidate erasure and retention.

The admin, the REST views, the Celery tasks and the management command all call these.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from auditlog.context import disable_auditlog
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Case, F, Q, QuerySet, Value, When
from django.utils import timezone

from backoffice.audit import ERASED_LABEL, audit_record, audit_scrub
from backoffice.models import AuditEvent, Erasure
from conversations import review as reviews
from conversations.models import Conversation, Review, Turn
from interviews_app.models import Interview, InterviewConnection
from juggy.accounts.models import Membership, User
from juggy.errors import Forbidden, NotFound
from livekit_app.models import Room
from media_app.models import Media
from sessions_app.models import Candidate, Session

logger = logging.getLogger("juggy.backoffice")

FINISHED = (Conversation.Status.ENDED, Conversation.Status.FAILED, Conversation.Status.CANCELLED)


# --- roles ----------------------------------------------------------------------------------------


def organisation_ids(user: User, *, role: str | None = None) -> list:
    """Organisations `user` works for (as `role`, when given)."""
    memberships = Membership.objects.filter(user=user)
    if role:
        memberships = memberships.filter(role=role)
    return list(memberships.values_list("organisation_id", flat=True))


def is_organisation_admin(user: User, organisation_id) -> bool:
    return Membership.objects.filter(user=user, organisation_id=organisation_id, role=Membership.Role.ADMIN).exists()


def transport_of(conversation: Conversation) -> Session | Interview | None:
    """The session or interview that carries a conversation."""
    try:
        return conversation.session if conversation.origin == Conversation.Origin.VAPI_SESSION else conversation.interview
    except (Session.DoesNotExist, Interview.DoesNotExist):
        return None


def may_review(user: User, conversation: Conversation) -> bool:
    """Recruiters and admins of the organisation review its assessments: an enterprise session of
    the organisation, or an enterprise-mode interview run by one of its members (interviews belong to
    their owner). A practice conversation is never reviewed by anyone."""
    if not user.is_authenticated or not reviews.is_reviewable(conversation):
        return False
    carrier = transport_of(conversation)
    if isinstance(carrier, Session):
        return carrier.kind == Session.Kind.ENTERPRISE and carrier.organisation_id in organisation_ids(user)
    if isinstance(carrier, Interview):
        return carrier.owner_id == user.pk and bool(organisation_ids(user))
    return False


# --- review ---------------------------------------------------------------------------------------


def review_conversation(
    *, user: User, conversation: Conversation, decision: str, competency_scores: dict[str, int] | None = None,
    recommendation: str | None = None, reason: str = "",
) -> Review:
    if not may_review(user, conversation):
        raise Forbidden("Only recruiters and admins of the organisation review its assessments.", code="not_reviewer")
    review = reviews.review_submit(
        conversation=conversation, reviewer=user, decision=decision, competency_scores=competency_scores,
        recommendation=recommendation, reason=reason,
    )
    carrier = transport_of(conversation)
    candidate = getattr(carrier, "candidate", None)
    audit_record(
        actor=user, action=AuditEvent.Action.REVIEWED, organisation_id=getattr(carrier, "organisation_id", None),
        candidate=candidate, candidate_label=candidate_label_of(carrier), object_type=object_type_of(carrier),
        object_id=carrier.pk if carrier else conversation.pk,
        details={"decision": review.decision, "recommendation": review.recommendation,
                 "aiRecommendation": review.ai_snapshot.get("recommendation"),
                 "competencyScores": review.competency_scores, "reason": review.reason},
    )
    return review


def object_type_of(carrier) -> str:
    return "voice interview" if isinstance(carrier, Session) else "live interview" if carrier else "conversation"


def candidate_label_of(carrier) -> str:
    if isinstance(carrier, Session):
        return carrier.candidate.name if carrier.candidate_id else ""
    if isinstance(carrier, Interview):
        return carrier.candidate_name or carrier.candidate_id
    return ""


def audit_view(*, user: User, carrier: Session | Interview) -> None:
    audit_record(
        actor=user, action=AuditEvent.Action.VIEWED, organisation_id=getattr(carrier, "organisation_id", None),
        candidate=getattr(carrier, "candidate", None), candidate_label=candidate_label_of(carrier),
        object_type=object_type_of(carrier), object_id=carrier.pk,
    )


def audit_export(*, user: User, object_type: str, ids: list, organisation_ids_: list) -> None:
    audit_record(
        actor=user, action=AuditEvent.Action.EXPORTED,
        organisation_id=organisation_ids_[0] if len(set(organisation_ids_)) == 1 else None,
        object_type=object_type, details={"count": len(ids), "ids": [str(i) for i in ids]},
    )


# --- erasure --------------------------------------------------------------------------------------


@dataclass
class ErasureCounts:
    conversations: int = 0
    turns: int = 0
    media: int = 0
    files: int = 0
    reviews: int = 0
    rooms: int = 0
    audit_entries: int = 0
    object_ids: list[str] = field(default_factory=list)
    review_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if isinstance(v, int)}


def _delete_file(name: str, counts: ErasureCounts) -> None:
    if name and default_storage.exists(name):
        default_storage.delete(name)
        counts.files += 1


def _speech_files(texts: list[str], owners: list[str], counts: ErasureCounts) -> None:
    """Synthesized speech is cached by content (juggy.ai.speech.services): once per input under
    tts-cache/<hash of provider, text, voice, format, speed>, and a public copy per owner under
    tts/<HMAC of owner and that hash>. Delete both, for every line of the transcript, each voice and
    format at normal speed, and every owner who may have asked (the recruiters, the candidate's pass)."""
    from juggy.ai.speech import FORMATS, VOICES, get_tts
    from juggy.ai.speech.services import speech_cache_key, speech_owner_key

    try:
        provider = get_tts().identity
    except Exception:  # no speech engine here: nothing was synthesized by it
        return
    for text in texts:
        for voice in VOICES:
            for fmt in FORMATS:
                key = speech_cache_key(provider=provider, text=text, voice=voice, fmt=fmt, speed=1.0)
                names = [f"tts-cache/{key}.{fmt}", f"tts-cache/{key}.json"]
                for owner in owners:
                    public = speech_owner_key(owner=owner, cache_key=key)
                    names += [f"tts/{public}.{fmt}", f"tts-meta/{public}.json"]
                for name in names:
                    _delete_file(name, counts)


def _speech_owners(carrier) -> list[str]:
    """Who may have had the transcript's lines spoken (juggy's speech owners: "user:<id>", "pass:<interview or room>:<identity>")."""
    if isinstance(carrier, Session):
        users = [carrier.user_id]
        if carrier.organisation_id:
            users += list(Membership.objects.filter(organisation_id=carrier.organisation_id).values_list("user_id", flat=True))
        return sorted({f"user:{u}" for u in users})
    if isinstance(carrier, Interview):
        from interviews_app.services import pass_speech_owner

        # The candidate's pass speaks as its interview; passes without one, as the room's name.
        return [f"user:{carrier.owner_id}", pass_speech_owner(str(carrier.id), carrier.candidate_id),
                pass_speech_owner(carrier.room_name, carrier.candidate_id)]
    return []


def conversation_erase(conversation: Conversation, counts: ErasureCounts) -> None:
    """Erase one conversation down to an anonymised stub: status, times, turn count, overall score and
    the reviewed recommendation stay (the dashboard's counts and averages); everything said or written
    by or about the candidate goes, with the resume file, the synthesized speech of its lines, the room
    and its participants. Safe to run twice."""
    from conversations import services as core

    if conversation.is_open:
        core.close(conversation.pk, status=Conversation.Status.CANCELLED, reason=Conversation.EndReason.ENDED_BY_OWNER)
    carrier = transport_of(conversation)
    texts = list(Turn.objects.filter(conversation=conversation).values_list("text", flat=True))
    _speech_files(texts, _speech_owners(carrier), counts)
    media = conversation.media
    if media is not None:
        _delete_file(media.file.name, counts)
        counts.media += 1
    with transaction.atomic():
        counts.turns += Turn.objects.filter(conversation=conversation).delete()[0]
        review = Review.objects.filter(conversation=conversation).first()
        if review is not None:
            counts.review_ids.append(review.pk)
            # The decision stays (aggregates); who decided is in the audit trail, the reason goes.
            Review.objects.filter(pk=review.pk).update(reason="", ai_snapshot={}, competency_scores={})
            counts.reviews += 1
        if media is not None:
            Media.objects.filter(pk=media.pk).delete()
        job = conversation.job or {}
        Conversation.objects.filter(pk=conversation.pk).update(
            media=None, resume_text="", resume=None, plan=None, state={}, analysis=None, analysis_error="",
            # A queued or running analysis must not write a result back: it no longer owns the job.
            analysis_run_id=None,
            analysis_status=Case(When(analysis_status__in=["pending", "running"], then=Value("none")),
                                 default=F("analysis_status")),
            # Only what describes the role stays: the dashboard groups scores by it.
            job={k: job.get(k) for k in ("target_role", "target_company", "assessment_area", "mode") if job.get(k)},
            erased_at=conversation.erased_at or timezone.now(), updated_at=timezone.now(),
        )
        if isinstance(carrier, Session):
            Session.objects.filter(pk=carrier.pk).update(
                context={k: v for k, v in (carrier.context or {}).items() if k in ("target_role", "target_company")},
                recording_urls={}, call_id=None, updated_at=timezone.now(),
            )
        elif isinstance(carrier, Interview):
            InterviewConnection.objects.filter(interview=carrier).delete()
            if carrier.room_id and Room.objects.filter(pk=carrier.room_id).delete()[0]:
                counts.rooms += 1
            Interview.objects.filter(pk=carrier.pk).update(
                candidate_id="erased", candidate_name="", room=None,
                settings={k: v for k, v in (carrier.settings or {}).items() if k in ("mode", "target_role")},
                updated_at=timezone.now(),
            )
    counts.conversations += 1
    if carrier is not None:
        counts.object_ids.append(str(carrier.pk))


def candidate_conversations(candidate: Candidate) -> QuerySet[Conversation]:
    """Every conversation about the candidate: their sessions, and the live interviews that members of
    the candidate's organisation ran with the candidate's id, email or ATS id as `candidateId`."""
    keys = [k for k in (str(candidate.pk), candidate.email, candidate.external_id) if k]
    members = Membership.objects.filter(organisation_id=candidate.organisation_id).values("user_id")
    return Conversation.objects.filter(
        Q(session__candidate=candidate)
        | Q(interview__owner_id__in=members, interview__candidate_id__in=keys)
    ).select_related("media")


def candidate_erase(*, candidate: Candidate) -> ErasureCounts:
    """Erase a candidate everywhere; the Candidate row stays as an anonymised stub (its sessions still
    count). Idempotent."""
    counts = ErasureCounts()
    with disable_auditlog():
        for conversation in candidate_conversations(candidate):
            conversation_erase(conversation, counts)
        Candidate.objects.filter(pk=candidate.pk).update(name=ERASED_LABEL, email="", external_id="")
        counts.audit_entries = audit_scrub(candidate=candidate, object_ids=counts.object_ids, review_ids=counts.review_ids)
    return counts


def erasure_request(*, candidate: Candidate, user: User | None) -> Erasure:
    """Queue the erasure of a candidate (organisation admins only). A request while one is pending or
    running returns that one."""
    if user is not None and not is_organisation_admin(user, candidate.organisation_id):
        raise Forbidden("Only an admin of the candidate's organisation may erase their data.", code="not_organisation_admin")
    from backoffice.tasks import erasure_run

    with transaction.atomic():
        # Two admins pressing erase at once: lock the candidate so one erasure is queued.
        Candidate.objects.select_for_update().filter(pk=candidate.pk).first()
        running = Erasure.objects.filter(
            candidate=candidate, status__in=[Erasure.Status.PENDING, Erasure.Status.RUNNING]
        ).first()
        if running is not None:
            return running
        erasure = Erasure.objects.create(
            kind=Erasure.Kind.CANDIDATE, candidate=candidate, organisation_id=candidate.organisation_id,
            requested_by=user, requested_by_name=getattr(user, "username", "") or "",
        )
        audit_record(actor=user, action=AuditEvent.Action.ERASURE_REQUESTED, candidate=candidate,
                     object_type="candidate", object_id=candidate.pk, details={"erasure": str(erasure.pk)})
        erasure_run.delay_on_commit(str(erasure.pk))
    return erasure


def erasure_run(*, erasure_id) -> Erasure | None:
    """Run a queued erasure (the Celery task). A redelivered task of a finished one does nothing."""
    claimed = Erasure.objects.filter(pk=erasure_id, status__in=[Erasure.Status.PENDING, Erasure.Status.RUNNING]).update(
        status=Erasure.Status.RUNNING
    )
    if not claimed:
        return None
    erasure = Erasure.objects.select_related("candidate", "conversation", "requested_by").get(pk=erasure_id)
    try:
        if erasure.kind == Erasure.Kind.CANDIDATE:
            counts = candidate_erase(candidate=erasure.candidate)
        else:
            counts = ErasureCounts()
            with disable_auditlog():
                conversation_erase(erasure.conversation, counts)
                counts.audit_entries = audit_scrub(candidate=None, object_ids=counts.object_ids,
                                                   review_ids=counts.review_ids)
    except Exception as exc:
        # Recorded on the row for the admin and GET /ent/erasures/{id}; asking again starts a new run,
        # which finishes the work (each step is idempotent).
        logger.exception("erasure %s failed", erasure_id)
        Erasure.objects.filter(pk=erasure_id).update(status=Erasure.Status.FAILED, error=str(exc)[:2000],
                                                     finished_at=timezone.now())
        erasure.refresh_from_db()
        return erasure
    Erasure.objects.filter(pk=erasure_id).update(
        status=Erasure.Status.DONE, counts=counts.as_dict(), error="", finished_at=timezone.now()
    )
    audit_record(actor=erasure.requested_by, action=AuditEvent.Action.ERASED, organisation_id=erasure.organisation_id,
                 candidate=erasure.candidate, candidate_label=ERASED_LABEL if erasure.candidate_id else "",
                 object_type=erasure.get_kind_display().lower(),
                 object_id=erasure.candidate_id or erasure.conversation_id,
                 details={"erasure": str(erasure.pk), **counts.as_dict()})
    erasure.refresh_from_db()
    return erasure


def candidate_for_erasure(*, user: User, candidate_id, service: bool = False) -> Candidate:
    """The candidate `user` may erase: one of their organisations' (any organisation for a service token)."""
    candidates = Candidate.objects.all() if service else Candidate.objects.filter(organisation_id__in=organisation_ids(user))
    candidate = candidates.filter(pk=candidate_id).first()
    if candidate is None:
        raise NotFound("Candidate not found.", code="candidate_not_found", details={"candidateId": str(candidate_id)})
    return candidate


# --- retention ------------------------------------------------------------------------------------


def retention_expired(*, now=None) -> QuerySet[Conversation]:
    """Finished, not yet erased conversations older than DATA_RETENTION_DAYS (none when it is 0)."""
    days = settings.DATA_RETENTION_DAYS
    if days <= 0:
        return Conversation.objects.none()
    cutoff = (now or timezone.now()) - timedelta(days=days)
    return (
        Conversation.objects.filter(status__in=FINISHED, erased_at__isnull=True)
        .filter(Q(ended_at__lt=cutoff) | Q(ended_at__isnull=True, created_at__lt=cutoff))
        .order_by("created_at")
    )


def retention_sweep(*, dry_run: bool = False, limit: int = 500) -> list[Conversation]:
    """Erase (or, dry, list) the expired conversations, each as its own erasure job."""
    expired = list(retention_expired().select_related("session", "interview")[:limit])
    if dry_run:
        return expired
    for conversation in expired:
        carrier = transport_of(conversation)
        erasure = Erasure.objects.create(
            kind=Erasure.Kind.RETENTION, conversation=conversation,
            organisation_id=getattr(carrier, "organisation_id", None), requested_by_name="retention",
        )
        # A failure is on the erasure row (and logged); the conversation stays unerased, so the next sweep
        # tries it again.
        erasure_run(erasure_id=erasure.pk)
    return expired
