"""Interview lifecycle: the one place that writes interviews. REST views, the WebSocket consumer,
Celery tasks and the admin all call these functions.

Every write that changes what clients see announces it with an event sent after commit
(interviews_app.events).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from interviews_app import events
from interviews_app.models import Interview, InterviewMessage
from interviews_app.serializers import InterviewMessageSerializer, progress_of
from juggy.ai import AIError, InterviewState, JobContext, Plan, ProviderError, Turn, TurnResult, get_engine
from juggy.errors import Conflict, ServiceUnavailable
from livekit_app import services as livekit

logger = logging.getLogger("juggy.interviews")

# A summary claimed by a worker longer ago than this is presumed lost (worker killed) and may be
# claimed again; well above CELERY_TASK_TIME_LIMIT.
SUMMARY_STALE_AFTER = timedelta(minutes=10)

# What the engine's closing line says for each way an interview can be ended from outside.
_CLOSING_REASON = {
    Interview.EndReason.ENDED_BY_OWNER: "completed",
    Interview.EndReason.ENDED_BY_CANDIDATE: "ended_by_candidate",
}


@dataclass
class CreatedInterview:
    interview: Interview
    candidate_token: str


@dataclass
class Exchange:
    """The result of a turn: the candidate's stored answer (None for the opening) and the reply."""

    interview: Interview
    reply: InterviewMessage
    answer: InterviewMessage | None = None


def _ai_unavailable(exc: AIError) -> ServiceUnavailable:
    transient = isinstance(exc, ProviderError) and exc.transient
    return ServiceUnavailable(
        "The AI interviewer is unavailable; try again." if transient else "The AI interviewer failed.",
        code="interviewer_unavailable",
        details={"reason": str(exc)},
    )


def job_context(interview: Interview) -> JobContext:
    options = interview.settings or {}
    return JobContext(
        job_description=interview.job_description,
        resume_text=interview.resume_text,
        resume=interview.resume,
        candidate_name=interview.candidate_name,
        mode=options.get("mode") or "enterprise",
        target_role=options.get("target_role") or "",
        target_company=options.get("target_company") or "",
        assessment_area=options.get("assessment_area") or "",
        fixed_questions=options.get("fixed_questions") or None,
        max_questions=options.get("max_questions"),
    )


def interview_create(
    *,
    owner,
    room_name: str,
    candidate_id: str,
    job_description: str,
    candidate_name: str = "",
    media=None,
    settings: dict | None = None,
) -> CreatedInterview:
    """Create an interview (and its room if missing) and a candidate pass scoped to it."""
    interview = Interview(
        owner=owner,
        room_name=room_name,
        candidate_id=candidate_id,
        candidate_name=candidate_name,
        job_description=job_description,
        media=media,
        resume_text=media.text if media is not None else "",
        resume=media.structured if media is not None else None,
        settings=settings or {},
    )
    # Planning may call a language model: done before the transaction, so no lock waits on it.
    try:
        interview.plan = get_engine().plan(job_context(interview)).to_dict()
    except AIError as exc:
        raise _ai_unavailable(exc) from exc
    with transaction.atomic():
        interview.room = livekit.room_ensure(owner=owner, name=room_name)
        interview.save()
        # Inside the transaction: if the pass cannot be issued, no interview is left without one.
        token = livekit.room_pass_issue(
            room_name=room_name,
            identity=candidate_id,
            name=candidate_name,
            scope={"interview": str(interview.id)},
        )
    return CreatedInterview(interview=interview, candidate_token=token)


def _locked(interview: Interview) -> Interview:
    return Interview.objects.select_for_update().get(pk=interview.pk)


def _add_message(interview: Interview, *, role: str, text: str, source: str, result: TurnResult | None = None):
    message = InterviewMessage.objects.create(
        interview=interview,
        index=interview.message_count,
        role=role,
        text=text,
        source=source,
        question_id=(result.question_id or "") if result else "",
        is_follow_up=result.is_follow_up if result else False,
    )
    interview.message_count += 1
    return message


def _announce_reply(interview: Interview, reply: InterviewMessage, answer: InterviewMessage | None) -> None:
    events.interview_event_send_on_commit(
        interview_id=interview.id,
        event=events.AI_INTERVIEWER_MESSAGE,
        data={
            "interview_id": str(interview.id),
            "session_id": str(interview.id),
            "message": InterviewMessageSerializer(reply).data,
            "in_reply_to": InterviewMessageSerializer(answer).data if answer else None,
            "text": reply.text,
            "status": interview.status,
            "progress": progress_of(interview),
        },
    )


def _finish(interview: Interview, reason: str) -> None:
    """Mark a locked interview ended, announce it and queue its summary (both after commit)."""
    interview.status = Interview.Status.ENDED
    interview.end_reason = reason
    interview.ended_at = timezone.now()
    events.interview_event_send_on_commit(
        interview_id=interview.id,
        event=events.INTERVIEW_ENDED,
        data={
            "interview_id": str(interview.id),
            "session_id": str(interview.id),
            "reason": reason,
            "ended_at": interview.ended_at.isoformat(),
            "progress": progress_of(interview),
        },
    )
    if interview.message_count:
        _summary_queue(interview)


def _check_open(interview: Interview) -> None:
    if interview.status == Interview.Status.CREATED:
        raise Conflict("The interview has not started yet.", code="interview_not_started")
    if not interview.is_open:
        raise Conflict("The interview has ended.", code="interview_ended")


def interview_start(*, interview: Interview) -> Exchange:
    """Start: the AI interviewer takes its seat and says its opening line."""
    with transaction.atomic():
        # Two start calls (say REST and WebSocket) at once: the lock lets one through; the other then
        # sees in_progress and gets a 409, so the agent is dispatched and the opening said once.
        interview = _locked(interview)
        if interview.status == Interview.Status.IN_PROGRESS:
            raise Conflict("The interview has already started.", code="interview_already_started")
        if not interview.is_open:
            raise Conflict("The interview has ended.", code="interview_ended")
        engine = get_engine()
        plan = Plan.from_dict(interview.plan or {})
        try:
            if not plan.questions:
                plan = engine.plan(job_context(interview))
                interview.plan = plan.to_dict()
            result = engine.opening(job_context(interview), plan)
        except AIError as exc:
            raise _ai_unavailable(exc) from exc
        if livekit.livekit_configured():
            # Inside the lock, so a racing start cannot dispatch a second agent; if LiveKit refuses,
            # the start rolls back and can be retried.
            interview.agent_dispatch_id = (
                livekit.agent_dispatch(
                    room_name=interview.room_name,
                    metadata={"interviewId": str(interview.id), "candidateId": interview.candidate_id},
                )
                or ""
            )
        interview.status = Interview.Status.IN_PROGRESS
        interview.started_at = timezone.now()
        interview.state = result.state.to_dict()
        reply = _add_message(
            interview, role=InterviewMessage.Role.INTERVIEWER, text=result.utterance, source="engine", result=result
        )
        interview.save()
        _announce_reply(interview, reply, None)
    return Exchange(interview=interview, reply=reply)


def interview_respond(*, interview: Interview, text: str, source: str) -> Exchange:
    """Store the candidate's answer and the interviewer's reply; the last reply ends the interview."""
    with transaction.atomic():
        # Two answers at once (a double submit, REST and WebSocket together) would both read the same
        # state and transcript and write interleaved turns: the row lock makes the second wait for the
        # first reply and then answer on top of it.
        interview = _locked(interview)
        _check_open(interview)
        answer = _add_message(interview, role=InterviewMessage.Role.CANDIDATE, text=text, source=source)
        transcript = [Turn(role=m.role, text=m.text) for m in interview.messages.order_by("index")]
        try:
            result = get_engine().turn(
                job_context(interview),
                Plan.from_dict(interview.plan or {}),
                InterviewState.from_dict(interview.state),
                transcript,
            )
        except AIError as exc:
            raise _ai_unavailable(exc) from exc
        interview.state = result.state.to_dict()
        reply = _add_message(
            interview, role=InterviewMessage.Role.INTERVIEWER, text=result.utterance, source="engine", result=result
        )
        _announce_reply(interview, reply, answer)
        if result.finished:
            _finish(interview, Interview.EndReason.COMPLETED)
        interview.save()
    return Exchange(interview=interview, reply=reply, answer=answer)


def interview_end(*, interview: Interview, reason: str = Interview.EndReason.ENDED_BY_OWNER) -> Interview:
    """End an open interview. A started one gets the interviewer's closing line first."""
    with transaction.atomic():
        interview = _locked(interview)
        if not interview.is_open:
            raise Conflict("The interview has already ended.", code="interview_ended")
        if interview.status == Interview.Status.IN_PROGRESS:
            closing = get_engine().closing(job_context(interview), _CLOSING_REASON[reason])
            reply = _add_message(interview, role=InterviewMessage.Role.INTERVIEWER, text=closing, source="engine")
            state = InterviewState.from_dict(interview.state)
            state.finished = True
            interview.state = state.to_dict()
            _announce_reply(interview, reply, None)
        _finish(interview, reason)
        interview.save()
    return interview


def _summary_queue(interview: Interview) -> None:
    from interviews_app.tasks import interview_summarise

    interview.summary_status = Interview.SummaryStatus.PENDING  # summary_error stays until a success
    interview.summary_requested_at = timezone.now()
    interview.summary_started_at = None
    interview_id = str(interview.id)
    transaction.on_commit(lambda: interview_summarise.delay(interview_id))


def interview_summary_request(*, interview: Interview) -> Interview:
    """Queue the summary unless it is done or already on its way; returns the interview as stored."""
    if interview.status != Interview.Status.ENDED:
        raise Conflict("A summary is made once the interview has ended.", code="interview_not_ended")
    with transaction.atomic():
        # Two GETs at once must not queue two summaries: the lock serialises the check and the mark.
        interview = _locked(interview)
        pending = interview.summary_status == Interview.SummaryStatus.PENDING
        requested = interview.summary_requested_at or interview.ended_at
        lost = pending and requested < timezone.now() - SUMMARY_STALE_AFTER
        if interview.summary_status in (Interview.SummaryStatus.NONE, Interview.SummaryStatus.FAILED) or lost:
            _summary_queue(interview)
            interview.save()
    interview.refresh_from_db()  # eager Celery has run the task by now
    return interview


def interview_summary_build(*, interview_id) -> None:
    """The Celery task's body: claim the pending summary, analyse, store. Safe to run twice."""
    now = timezone.now()
    # Claim with a conditional update: of two workers given the same id, one gets the row.
    claimed = (
        Interview.objects.filter(pk=interview_id, summary_status=Interview.SummaryStatus.PENDING)
        .exclude(summary_started_at__gt=now - SUMMARY_STALE_AFTER)
        .update(summary_started_at=now)
    )
    if not claimed:
        return
    interview = Interview.objects.get(pk=interview_id)
    transcript = [Turn(role=m.role, text=m.text) for m in interview.messages.order_by("index")]
    try:
        analysis = get_engine().analyse(job_context(interview), Plan.from_dict(interview.plan or {}), transcript)
    except ProviderError as exc:
        if exc.transient:
            # Let the task retry: release the claim so the retry can take it again.
            Interview.objects.filter(pk=interview_id, summary_started_at=now).update(summary_started_at=None)
            raise
        _summary_fail(interview_id, now, str(exc))
        return
    except AIError as exc:
        _summary_fail(interview_id, now, str(exc))
        return
    Interview.objects.filter(pk=interview_id, summary_started_at=now).update(
        summary_status=Interview.SummaryStatus.DONE,
        summary=analysis.to_dict(),
        summary_error="",
        summary_done_at=timezone.now(),
    )


def _summary_fail(interview_id, claimed_at, error: str) -> None:
    logger.warning("Summary of interview %s failed: %s", interview_id, error)
    Interview.objects.filter(pk=interview_id, summary_started_at=claimed_at).update(
        summary_status=Interview.SummaryStatus.FAILED, summary_error=error[:2000]
    )


def interview_summary_release(*, interview_id, error: str) -> None:
    """After the task's last retry: mark the summary failed so a later request queues it again."""
    Interview.objects.filter(pk=interview_id, summary_status=Interview.SummaryStatus.PENDING).update(
        summary_status=Interview.SummaryStatus.FAILED, summary_error=error[:2000], summary_started_at=None
    )
