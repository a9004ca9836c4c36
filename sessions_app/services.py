"""Domain operations on interview sessions. Views, tasks, the admin and the VAPI views call these.

juggy.ai is imported inside the functions: it is a heavy package that the URL configuration and the
admin do not need at import time.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from juggy.accounts.models import CreditAccount, Organisation, User
from juggy.accounts.services import credit_account_for_organisation, credit_account_for_user
from juggy.errors import BadRequest, Conflict, NotFound, ServiceUnavailable
from sessions_app.models import AssessmentTemplate, Candidate, Session, TranscriptTurn

if TYPE_CHECKING:
    from juggy.ai import JobContext, Plan
    from media_app.models import Media

logger = logging.getLogger(__name__)

# otherContext fields, in the order they are shown back; all optional.
CONTEXT_FIELDS = (
    "current_role",
    "current_company",
    "total_product_management_experience",
    "total_work_experience",
    "target_role",
    "target_company",
    "job_description",
    "job_description_link",
)


# --- job context and plan -------------------------------------------------------------------------


def _experience(context: dict[str, Any]) -> str:
    parts = []
    if context.get("total_work_experience"):
        parts.append(f"Total work experience: {context['total_work_experience']}")
    if context.get("total_product_management_experience"):
        parts.append(f"Product management experience: {context['total_product_management_experience']}")
    return "; ".join(parts)


def session_job_context(session: Session) -> JobContext:
    """What the interviewer engine needs to know about a session: the candidate's own context for a
    practice session; the organisation's template (competencies, fixed questions) for an enterprise one."""
    from juggy.ai import Competency, JobContext

    context = session.context or {}
    common = {
        "current_role": context.get("current_role", ""),
        "current_company": context.get("current_company", ""),
        "experience": _experience(context),
        "resume_text": session.resume_text,
        "resume": session.resume_data or None,
    }
    if session.kind == Session.Kind.ENTERPRISE:
        template = session.template
        competencies = [Competency.from_dict(c) for c in (template.competencies if template else [])]
        fixed = [str(q) for q in (template.question_bank if template else []) if str(q).strip()]
        return JobContext(
            **common,
            job_description=(template.job_description if template else "") or context.get("job_description", ""),
            assessment_area=session.assessment_area or (template.role if template else ""),
            target_role=(template.role if template else "") or context.get("target_role", ""),
            target_company=session.organisation.name if session.organisation_id else "",
            competencies=competencies or None,
            fixed_questions=fixed or None,
            mode="enterprise",
            candidate_name=session.candidate.name if session.candidate_id else "",
            max_questions=template.max_questions if template else None,
        )
    return JobContext(
        **common,
        job_description=context.get("job_description", ""),
        assessment_area=session.assessment_area,
        target_role=context.get("target_role", ""),
        target_company=context.get("target_company", ""),
        mode="practice",
        candidate_name=session.user.get_full_name() if session.user_id else "",
    )


def _generate_plan(session: Session) -> Plan:
    from juggy.ai import get_engine
    from juggy.ai.errors import AIError

    try:
        return get_engine().plan(session_job_context(session))
    except AIError as exc:
        logger.warning("question plan failed for session %s: %s", session.pk, exc)
        raise ServiceUnavailable(
            "The interviewer engine could not prepare the questions; try again shortly.", code="ai_unavailable"
        ) from exc


def session_ensure_plan(session: Session) -> Plan:
    """The session's question plan, generated once and stored on the session."""
    from juggy.ai import Plan

    if session.plan:
        return Plan.from_dict(session.plan)
    # Generated outside any transaction: with an LLM this takes seconds and must not hold a lock.
    plan = _generate_plan(session)
    # Race: two first turns of a v2 session (or a turn and an analysis) may both find no plan and
    # both generate one. Only the first write wins (conditional update); the loser adopts the stored
    # plan, so every caller sees the same questions.
    won = Session.objects.filter(pk=session.pk, plan__isnull=True).update(plan=plan.to_dict(), updated_at=timezone.now())
    if not won:
        stored = Session.objects.filter(pk=session.pk).values_list("plan", flat=True).first()
        if stored:
            session.plan = stored
            return Plan.from_dict(stored)
    session.plan = plan.to_dict()
    return plan


def session_questions(session: Session) -> list[dict[str, Any]]:
    """The planned questions as shown to clients (empty until a plan exists)."""
    return [
        {"id": q.get("id"), "text": q.get("text"), "competency": q.get("competency"), "kind": q.get("kind")}
        for q in (session.plan or {}).get("questions") or []
    ]


# --- creation -------------------------------------------------------------------------------------


def _resume_from_media(*, user: User, media_id) -> Media | None:
    """The caller's own media, checked usable as a resume. Another user's media is not found."""
    from media_app.models import Media

    if media_id is None:
        return None
    media = Media.objects.filter(pk=media_id, owner=user).first()
    if media is None:
        raise NotFound("Media not found.", code="media_not_found", details={"mediaId": str(media_id)})
    if media.state in (Media.State.PENDING, Media.State.PARSING):
        raise Conflict(
            "The document is still being parsed; retry in a few seconds.",
            code="media_not_ready",
            details={"mediaId": str(media.pk), "state": media.state},
        )
    if media.state == Media.State.FAILED:
        raise Conflict(
            "The document could not be parsed; upload it again or create the session without it.",
            code="media_parse_failed",
            details={"mediaId": str(media.pk), "error": media.parse_error},
        )
    return media


def _clean_context(other_context: dict[str, Any] | None) -> dict[str, str]:
    other_context = other_context or {}
    return {k: str(other_context[k]).strip() for k in CONTEXT_FIELDS if str(other_context.get(k) or "").strip()}


def session_create_standard(
    *,
    user: User,
    assessment_area: str = "",
    media_id=None,
    other_context: dict[str, Any] | None = None,
    plan_now: bool = True,
) -> Session:
    """A practice session for `user` (POST /context/upload[/v2]). With `plan_now` the questions are
    generated before the row is written, so a session never exists with a half-made plan."""
    media = _resume_from_media(user=user, media_id=media_id)
    session = Session(
        user=user,
        kind=Session.Kind.STANDARD,
        assessment_area=(assessment_area or "").strip(),
        context=_clean_context(other_context),
        # Copied, not referenced: the session keeps its resume when the media is deleted later.
        media=media,
        resume_text=media.text if media else "",
        resume_data=media.structured if media else None,
    )
    if plan_now:
        session.plan = _generate_plan(session).to_dict()
    session.save()
    return session


def template_create(
    *,
    organisation: Organisation,
    created_by: User | None,
    name: str,
    role: str,
    job_description: str = "",
    competencies: list[dict[str, Any]] | None = None,
    question_bank: list[str] | None = None,
    max_questions: int | None = None,
) -> AssessmentTemplate:
    return AssessmentTemplate.objects.create(
        organisation=organisation,
        created_by=created_by,
        name=name.strip(),
        role=role.strip(),
        job_description=job_description.strip(),
        competencies=competencies or [],
        question_bank=[q.strip() for q in question_bank or [] if q.strip()],
        max_questions=max_questions,
    )


def candidate_get_or_create(*, organisation: Organisation, name: str, email: str = "", external_id: str = "") -> Candidate:
    """The organisation's candidate with this email (or ATS id), else a new one: recruiters invite the
    same person to several assessments and expect one candidate record."""
    lookup = Q()
    if email:
        lookup |= Q(email__iexact=email)
    if external_id:
        lookup |= Q(external_id=external_id)
    if lookup:
        existing = Candidate.objects.filter(lookup, organisation=organisation).order_by("created_at").first()
        if existing is not None:
            return existing
    return Candidate.objects.create(organisation=organisation, name=name.strip(), email=email, external_id=external_id)


def session_create_enterprise(
    *,
    user: User,
    template: AssessmentTemplate,
    candidate: Candidate | None = None,
    candidate_data: dict[str, str] | None = None,
    media_id=None,
    plan_now: bool = False,
) -> Session:
    """An assessment of a candidate (an existing one, or found/created from `candidate_data`) against
    `template`, owned by the recruiter `user` and billed to the template's organisation. The caller has
    already checked that `user` works for that organisation."""
    if not template.is_active:
        raise Conflict("This assessment template is archived.", code="template_inactive")
    if candidate is not None and candidate.organisation_id != template.organisation_id:
        raise BadRequest("The candidate belongs to another organisation.", code="candidate_organisation_mismatch")
    media = _resume_from_media(user=user, media_id=media_id)
    session = Session(
        user=user,
        kind=Session.Kind.ENTERPRISE,
        organisation=template.organisation,
        template=template,
        candidate=candidate or Candidate(organisation=template.organisation, **(candidate_data or {})),
        assessment_area=template.role,
        context={"target_role": template.role, "target_company": template.organisation.name},
        media=media,
        resume_text=media.text if media else "",
        resume_data=media.structured if media else None,
    )
    if plan_now:
        # Before the transaction: an LLM call must not hold the write lock.
        session.plan = _generate_plan(session).to_dict()
    with transaction.atomic():
        if candidate is None:
            session.candidate = candidate_get_or_create(organisation=template.organisation, **(candidate_data or {}))
        session.save()
    return session


def session_credit_account(*, session: Session) -> CreditAccount:
    """Who pays for a session: the organisation for an assessment, the practising user otherwise."""
    if session.kind == Session.Kind.ENTERPRISE:
        return credit_account_for_organisation(session.organisation)
    return credit_account_for_user(session.user)


# --- call linking ---------------------------------------------------------------------------------


def session_link_call(*, sessions, session_id, call_id: str, kind: str) -> Session:
    """Link a voice provider's call to a session out of `sessions` (the ones the caller may see).

    Idempotent for the same pair; a call belongs to one session and a session to one call."""
    call_id = call_id.strip()
    try:
        with transaction.atomic():
            # Race: the client retries /session/link while the first request is still running, or two
            # calls are started for one session. The row lock makes the second request wait and then
            # see the first one's call_id; the unique constraint on call_id covers one call linked to
            # two sessions at once (caught below).
            session = sessions.select_for_update(of=("self",)).filter(pk=session_id).first()
            if session is None:
                raise NotFound("Session not found.", code="session_not_found", details={"sessionId": str(session_id)})
            if session.kind != kind:
                other = "/ent/session/link" if session.kind == Session.Kind.ENTERPRISE else "/session/link"
                raise BadRequest(
                    f"This is a{'n' if session.kind == Session.Kind.ENTERPRISE else ''} {session.kind} session; "
                    f"link it with {other}.",
                    code="wrong_session_kind",
                    details={"kind": session.kind},
                )
            if session.call_id == call_id:
                return session
            if session.call_id:
                raise Conflict(
                    "This session is already linked to another call.",
                    code="session_already_linked",
                    details={"sessionId": str(session.pk)},
                )
            if Session.objects.filter(call_id=call_id).exists():
                raise _call_taken(call_id)
            session.call_id = call_id
            fields = ["call_id", "updated_at"]
            if session.status == Session.Status.CREATED:
                session.status = Session.Status.LINKED
                fields.append("status")
            session.save(update_fields=fields)
            return session
    except IntegrityError as exc:
        raise _call_taken(call_id) from exc


def _call_taken(call_id: str) -> Conflict:
    return Conflict("This call is already linked to another session.", code="call_already_linked", details={"callId": call_id})


# --- analysis -------------------------------------------------------------------------------------

_IN_FLIGHT = (Session.AnalysisStatus.PENDING, Session.AnalysisStatus.RUNNING)


def _stale_before():
    # A claim older than the hard task time limit (plus a margin) belongs to a worker that died or a
    # message that was lost: it may be taken over, otherwise the session could never be analysed again.
    return timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)


def analysis_request(*, session: Session, force: bool = False) -> Session:
    """Queue an analysis of the session's transcript unless one is already pending or running.

    Without `force`, an existing result is kept and nothing is queued. With `force` (re-run), the
    previous result stays readable until the new one succeeds."""
    from sessions_app.tasks import session_analyse

    if not TranscriptTurn.objects.filter(session_id=session.pk, role=TranscriptTurn.Role.CANDIDATE).exists():
        raise Conflict(
            "The session has no candidate answers yet, so there is nothing to analyse.",
            code="empty_transcript",
            details={"sessionId": str(session.pk)},
        )
    if session.analysis_status == Session.AnalysisStatus.DONE and not force:
        return session
    run_id = uuid.uuid4()
    now = timezone.now()
    with transaction.atomic():
        # Race: two requests (or a request and the admin action) start an analysis of the same
        # session at once. The conditional update is the claim: only one of them changes the row
        # from "not in flight" to pending, and only that one queues a task.
        claimed = (
            Session.objects.filter(pk=session.pk)
            .filter(~Q(analysis_status__in=_IN_FLIGHT) | Q(analysis_requested_at__lt=_stale_before()))
            .update(
                analysis_status=Session.AnalysisStatus.PENDING,
                analysis_run_id=run_id,
                analysis_requested_at=now,
                analysis_error="",
                updated_at=now,
            )
        )
        if claimed:
            session_analyse.delay_on_commit(str(session.pk), str(run_id))
    session.refresh_from_db(
        fields=["analysis_status", "analysis_run_id", "analysis_requested_at", "analysis_error", "analysis",
                "analysis_score", "analysed_at"]
    )
    return session


def analysis_run(*, session_id, run_id) -> bool:
    """Run one claimed analysis (the Celery task). Returns False when the run was superseded.

    Safe to run twice: a redelivered task of a finished run finds its run id done and stops."""
    from juggy.ai import Turn, get_engine
    from sessions_app.selectors import session_with_transcript

    started = Session.objects.filter(pk=session_id, analysis_run_id=run_id, analysis_status__in=_IN_FLIGHT).update(
        analysis_status=Session.AnalysisStatus.RUNNING, updated_at=timezone.now()
    )
    if not started:
        return False
    session = session_with_transcript(session_id)
    transcript = [Turn(role=t.role, text=t.text) for t in session.turns.all()]
    plan = session_ensure_plan(session)
    analysis = get_engine().analyse(session_job_context(session), plan, transcript)
    now = timezone.now()
    # Written only if this run still owns the session: a re-run requested meanwhile wins.
    return bool(
        Session.objects.filter(pk=session_id, analysis_run_id=run_id).update(
            analysis=analysis.to_dict(),
            analysis_score=analysis.overall_score,
            analysis_status=Session.AnalysisStatus.DONE,
            analysis_error="",
            analysed_at=now,
            updated_at=now,
        )
    )


def analysis_fail(*, session_id, run_id, error: str) -> None:
    """Mark a run failed; a previous successful result, if any, stays in `analysis`."""
    Session.objects.filter(pk=session_id, analysis_run_id=run_id).update(
        analysis_status=Session.AnalysisStatus.FAILED, analysis_error=error[:2000], updated_at=timezone.now()
    )


def analysis_report(analysis: dict[str, Any] | None) -> str:
    """A readable plain-text report of a stored analysis (the contract's `analysis` string)."""
    if not analysis:
        return ""
    lines = []
    score = analysis.get("overall_score")
    if not analysis.get("sufficient", True):
        lines.append("Not enough of the interview was answered for a reliable assessment.")
    if score is not None:
        lines.append(f"Overall score: {score:.1f} / 5")
    if analysis.get("recommendation"):
        lines.append(f"Recommendation: {str(analysis['recommendation']).replace('_', ' ')}")
    if analysis.get("summary"):
        lines += ["", str(analysis["summary"])]
    for title, key in (("Strengths", "strengths"), ("To improve", "improvements")):
        if analysis.get(key):
            lines += ["", f"{title}:", *(f"- {item}" for item in analysis[key])]
    competencies = analysis.get("competencies") or []
    if competencies:
        lines += ["", "Competencies:"]
        for c in competencies:
            lines.append(f"- {c.get('name') or c.get('competency')}: {c.get('score')}/5. {c.get('rationale', '')}".rstrip())
            lines += [f'    "{e.get("quote")}" (turn {e.get("turn_index")})' for e in c.get("evidence") or []]
    return "\n".join(lines).strip()
