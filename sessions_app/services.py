"""Domain operations on interview sessions (the VAPI transport). Views, tasks, the admin and the VAPI
views call these; the interview itself is the conversation core's (conversations.services).
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q

from conversations import services as conversations
from conversations.models import Conversation
from juggy.accounts.models import CreditAccount, Organisation, User
from juggy.accounts.services import credit_account_for_organisation, credit_account_for_user
from juggy.ai import Competency, JobContext
from juggy.errors import BadRequest, Conflict, NotFound
from sessions_app.models import AssessmentTemplate, Candidate, Session

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


def session_job_context(
    *, kind: str, context: dict[str, Any], assessment_area: str, user: User, template: AssessmentTemplate | None = None,
    candidate_name: str = "",
) -> JobContext:
    """What the interviewer will know about a session, snapshotted into its conversation at creation: the
    candidate's own context for a practice session; the organisation's template (competencies, fixed
    questions) for an enterprise one."""
    common = {
        "current_role": context.get("current_role", ""),
        "current_company": context.get("current_company", ""),
        "experience": _experience(context),
    }
    if kind == Session.Kind.ENTERPRISE:
        competencies = [Competency.from_dict(c) for c in (template.competencies if template else [])]
        fixed = [str(q) for q in (template.question_bank if template else []) if str(q).strip()]
        return JobContext(
            **common,
            job_description=(template.job_description if template else "") or context.get("job_description", ""),
            assessment_area=assessment_area or (template.role if template else ""),
            target_role=(template.role if template else "") or context.get("target_role", ""),
            target_company=template.organisation.name if template else "",
            competencies=competencies or None,
            fixed_questions=fixed or None,
            mode="enterprise",
            candidate_name=candidate_name,
            max_questions=template.max_questions if template else None,
        )
    return JobContext(
        **common,
        job_description=context.get("job_description", ""),
        assessment_area=assessment_area,
        target_role=context.get("target_role", ""),
        target_company=context.get("target_company", ""),
        mode="practice",
        candidate_name=user.get_full_name(),
    )


def session_questions(session: Session) -> list[dict[str, Any]]:
    """The planned questions as shown to clients (empty until a plan exists)."""
    return conversations.questions(session.conversation)


# --- creation -------------------------------------------------------------------------------------


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
    media = conversations.resume_from_media(owner=user, media_id=media_id)
    context, area = _clean_context(other_context), (assessment_area or "").strip()
    job = session_job_context(kind=Session.Kind.STANDARD, context=context, assessment_area=area, user=user)
    conversation = conversations.conversation_new(
        origin=Conversation.Origin.VAPI_SESSION, job=job, media=media, plan_now=plan_now
    )
    session = Session(user=user, kind=Session.Kind.STANDARD, assessment_area=area, context=context)
    with transaction.atomic():
        conversation.save()
        session.conversation = conversation
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
    media = conversations.resume_from_media(owner=user, media_id=media_id)
    session = Session(
        user=user,
        kind=Session.Kind.ENTERPRISE,
        organisation=template.organisation,
        template=template,
        assessment_area=template.role,
        context={"target_role": template.role, "target_company": template.organisation.name},
    )
    candidate_name = candidate.name if candidate is not None else str((candidate_data or {}).get("name") or "")
    job = session_job_context(kind=Session.Kind.ENTERPRISE, context=session.context, assessment_area=template.role,
                              user=user, template=template, candidate_name=candidate_name.strip())
    # Planned (with `plan_now`) before the transaction: an LLM call must not hold the write lock.
    conversation = conversations.conversation_new(
        origin=Conversation.Origin.VAPI_SESSION, job=job, media=media, plan_now=plan_now
    )
    with transaction.atomic():
        session.candidate = candidate or candidate_get_or_create(
            organisation=template.organisation, **(candidate_data or {})
        )
        conversation.save()
        session.conversation = conversation
        session.save()
    return session


def session_credit_account(*, session: Session) -> CreditAccount:
    """Who pays for a session: the organisation for an assessment, the practising user otherwise."""
    if session.kind == Session.Kind.ENTERPRISE:
        return credit_account_for_organisation(session.organisation)
    return credit_account_for_user(session.user)


# --- call linking ---------------------------------------------------------------------------------


def session_link_call(*, sessions, session_id, call_id: str, session_kind: str) -> Session:
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
            if session.kind != session_kind:
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
            session.save(update_fields=["call_id", "updated_at"])
            return session
    except IntegrityError as exc:
        raise _call_taken(call_id) from exc


def _call_taken(call_id: str) -> Conflict:
    return Conflict("This call is already linked to another session.", code="call_already_linked", details={"callId": call_id})


# --- analysis -------------------------------------------------------------------------------------


def analysis_request(*, session: Session, force: bool = False) -> Conversation:
    """Queue the analysis of the session's conversation (see conversations.services.analysis_request).

    /session/analyse refuses a transcript without a candidate answer: there is nothing to analyse."""
    if not conversations.has_answers(session.conversation):
        raise Conflict(
            "The session has no candidate answers yet, so there is nothing to analyse.",
            code="empty_transcript",
            details={"sessionId": str(session.pk)},
        )
    return conversations.analysis_request(session.conversation, force=force)
