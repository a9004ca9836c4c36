"""The conversation core: the only caller of the interviewer engine.

Every transport (VAPI sessions, REST and WebSocket interviews, the LiveKit agent) adapts these
operations: create, start, take a turn (whole, or streamed in conversations.streaming), end, analyse.

Two rules hold everywhere:
- No engine, model or network call runs inside a database transaction. The engine works on a snapshot
  read without locks; the result is written by compare-and-set on the conversation's `version` and
  `turn_count`. A writer that lost the race re-reads and tries again (a whole turn) or adopts what the
  winner wrote (a plan, a streamed twin of the same request).
- What clients see changes only through a commit; the signals in conversations.signals are sent after it,
  so a transport that announces a turn finds it stored.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from conversations import signals
from conversations.models import Conversation, Turn
from juggy.ai import AIError, InterviewState, JobContext, Plan, ProviderError, TurnResult, get_engine
from juggy.ai import Turn as EngineTurn
from juggy.ai.heuristics.assess import wants_to_end
from juggy.errors import Conflict, NotFound, ServiceUnavailable
from juggy.rows import ModelColumns

if TYPE_CHECKING:
    from media_app.models import Media

logger = logging.getLogger("juggy.conversations")

Status = Conversation.Status
EndReason = Conversation.EndReason
AnalysisStatus = Conversation.AnalysisStatus

# Compare-and-set attempts of a whole turn before it gives up with a 409 (each lost attempt means
# another turn of the same conversation was written meanwhile).
TURN_ATTEMPTS = 8

# Closing line said for each way a conversation is ended from outside.
_CLOSING_FOR = {
    EndReason.ENDED_BY_OWNER: "completed",
    EndReason.ENDED_BY_CANDIDATE: "ended_by_candidate",
    EndReason.COMPLETED: "completed",
    EndReason.CREDITS_EXHAUSTED: "credits_exhausted",
    EndReason.ERROR: "error",
}
_FINAL = (Status.ENDED, Status.FAILED, Status.CANCELLED)


@dataclass
class Exchange:
    """A whole turn: the candidate's stored answer (None for the opening) and the interviewer's reply."""

    conversation: Conversation
    reply: Turn
    answer: Turn | None = None


def interviewer_unavailable(exc: AIError) -> ServiceUnavailable:
    transient = isinstance(exc, ProviderError) and exc.transient
    return ServiceUnavailable(
        "The AI interviewer is unavailable; try again." if transient else "The AI interviewer failed.",
        code="interviewer_unavailable",
        details={"reason": str(exc)},
    )


# --- context and plan -----------------------------------------------------------------------------


def job_context(conversation: Conversation) -> JobContext:
    """What the engine knows: the job snapshot and the copied resume."""
    return JobContext.from_dict({**(conversation.job or {}), "resume_text": conversation.resume_text,
                                 "resume": conversation.resume or None})


def resume_from_media(*, owner, media_id) -> Media | None:
    """The owner's media, checked usable as a resume. Another user's media is not found; one that is
    still being parsed or failed is refused rather than silently left out of the interview."""
    from media_app.models import Media

    if media_id is None:
        return None
    media = Media.objects.filter(pk=media_id, owner=owner).first()
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
            "The document could not be parsed; upload it again or go ahead without it.",
            code="media_parse_failed",
            details={"mediaId": str(media.pk), "error": media.parse_error},
        )
    return media


def conversation_new(*, origin: str, job: JobContext, media: Media | None = None, plan_now: bool = True) -> Conversation:
    """An unsaved conversation with its context snapshot (and its plan with `plan_now`), for the
    transport to save in the same transaction as its own record. Planning may call a model, so it is
    done here, before any transaction."""
    snapshot = job.to_dict()
    snapshot.pop("resume_text", None)
    snapshot.pop("resume", None)
    conversation = Conversation(
        origin=origin,
        job=snapshot,
        media=media,
        resume_text=media.text if media is not None else (job.resume_text or ""),
        resume=media.structured if media is not None else job.resume,
    )
    if plan_now:
        conversation.plan = _make_plan(conversation).to_dict()
    return conversation


def _make_plan(conversation: Conversation) -> Plan:
    try:
        return get_engine().plan(job_context(conversation))
    except AIError as exc:
        logger.warning("question plan failed for conversation %s: %s", conversation.pk, exc)
        raise interviewer_unavailable(exc) from exc


def ensure_plan(conversation: Conversation) -> Plan:
    """The question plan, made once. Two first turns racing both plan; the first write wins and the
    other adopts the stored plan, so every caller sees the same questions."""
    if conversation.plan:
        return Plan.from_dict(conversation.plan)
    plan = _make_plan(conversation)
    won = Conversation.objects.filter(pk=conversation.pk, plan__isnull=True).update(
        plan=plan.to_dict(), updated_at=timezone.now()
    )
    if not won:
        stored = Conversation.objects.filter(pk=conversation.pk).values_list("plan", flat=True).first()
        if stored:
            conversation.plan = stored
            return Plan.from_dict(stored)
    conversation.plan = plan.to_dict()
    return plan


def questions(conversation: Conversation) -> list[dict[str, Any]]:
    """The planned questions as shown to clients (empty until a plan exists)."""
    return [
        {"id": q.get("id"), "text": q.get("text"), "competency": q.get("competency"), "kind": q.get("kind")}
        for q in (conversation.plan or {}).get("questions") or []
    ]


def progress(conversation: Conversation) -> dict:
    """Question i of n, from the stored plan and state (no query)."""
    total = conversation.question_count
    state = InterviewState.from_dict(conversation.state)
    current = min(state.index + 1, total) if state.started else 0
    return {
        "current_question": current,
        "total_questions": total,
        "follow_ups_asked": state.follow_ups_asked if state.started else 0,
        "messages": conversation.turn_count,
        "finished": state.finished or conversation.status in _FINAL,
    }


def transcript_of(conversation_id) -> list[EngineTurn]:
    """The stored turns as the engine sees them. Read on every streamed turn (SQL written once, see
    juggy/rows.py)."""
    with connection.cursor() as cursor:
        cursor.execute(_TRANSCRIPT, [_TURNS.param("conversation", conversation_id)])
        return [EngineTurn(role=speaker, text=text) for speaker, text in cursor.fetchall()]


_TURNS, _CONVERSATIONS = ModelColumns(Turn, "t"), ModelColumns(Conversation, "c")
# Identifiers from the model's _meta; values only as parameters.
_TRANSCRIPT = (f"SELECT {_TURNS.column('speaker')}, {_TURNS.column('text')} FROM {_TURNS.table} "  # noqa: S608
               f"WHERE {_TURNS.column('conversation')} = %s ORDER BY {_TURNS.column('index')}")


# --- writing turns (compare-and-set) ----------------------------------------------------------------


def _fresh(conversation_id) -> Conversation:
    conversation = Conversation.objects.filter(pk=conversation_id).first()
    if conversation is None:
        raise NotFound("Interview not found.", code="interview_not_found")
    return conversation


def _reply_turn(result: TurnResult, transport: str) -> Turn:
    return Turn(
        speaker=Turn.Speaker.INTERVIEWER,
        text=result.utterance,
        question_id=result.question_id or "",
        is_follow_up=result.is_follow_up,
        transport=transport,
    )


def question_id_of(conversation: Conversation) -> str:
    """The plan question the candidate is answering now."""
    state = InterviewState.from_dict(conversation.state)
    asked = (conversation.plan or {}).get("questions") or []
    return asked[state.index]["id"] if state.started and 0 <= state.index < len(asked) else ""


def commit_turns(conversation: Conversation, turns: list[Turn], state: InterviewState | None,
                 announce: tuple[Turn, Turn | None] | None = None, revised: dict[int, str] | None = None,
                 start: bool = False, **fields) -> bool:
    """Append `turns` and write `state` and `fields` if nobody wrote since `conversation` was read.

    False (nothing written) when another writer got there first. On success the in-memory
    conversation and turns are updated and the reply signal is queued for after commit. `revised`
    (index -> text) corrects stored candidate turns; `start` moves a created conversation to in progress
    and sets its start time, in the same UPDATE."""
    now = timezone.now()
    updates = {"version": conversation.version + 1, "turn_count": conversation.turn_count + len(turns),
               "updated_at": now, **fields}
    if state is not None:
        updates["state"] = state.to_dict()
    expressions = {}
    # What was read is what the compare-and-set finds: a conversation read as started needs no start.
    start = start and (conversation.started_at is None or conversation.status == Status.CREATED)
    if start:
        # In SQL, not from what was read: a webhook may start the conversation without a new version.
        if "status" not in fields:
            status = _CONVERSATIONS.name("status")
            expressions["status"] = (f"CASE WHEN {status} = %s THEN %s ELSE {status} END",
                                     [Status.CREATED, Status.IN_PROGRESS])
        expressions["started_at"] = (f"COALESCE({_CONVERSATIONS.name('started_at')}, %s)",
                                     [_CONVERSATIONS.param("started_at", now)])
    # Every turn of every call writes here: SQL written once (juggy/rows.py), not compiled per turn.
    with transaction.atomic(), connection.cursor() as cursor:
        won = _CONVERSATIONS.update(
            cursor, updates, where={"pk": conversation.pk, "version": conversation.version,
                                    "turn_count": conversation.turn_count}, expressions=expressions,
        )
        if not won:
            return False
        for index, text in (revised or {}).items():
            Turn.objects.filter(conversation_id=conversation.pk, index=index).update(text=text)
        for offset, turn in enumerate(turns):
            turn.conversation = conversation
            turn.index = conversation.turn_count + offset
            turn.created_at = now
        _TURNS.insert(cursor, turns)
        for name, value in updates.items():
            setattr(conversation, name, value)
        if start:
            conversation.started_at = conversation.started_at or now
            if conversation.status == Status.CREATED:
                conversation.status = Status.IN_PROGRESS
        if announce is not None:
            _announce(conversation, *announce)
        _after_commit(conversation, fields)
    return True


def _after_commit(conversation: Conversation, fields: dict) -> None:
    """Queue what follows a committed write: the analysis of an ended conversation, and the signals."""
    if fields.get("status") in _FINAL:
        if Turn.objects.filter(conversation_id=conversation.pk, speaker=Turn.Speaker.CANDIDATE).exists():
            _analysis_claim(conversation)
        transaction.on_commit(lambda: signals.conversation_ended.send(Conversation, conversation=conversation),
                              robust=True)


def finish_fields(finished: bool, history: list[EngineTurn]) -> dict:
    """What a turn that the engine finished writes: ended, by the candidate if they asked to stop."""
    if not finished:
        return {}
    latest = history[-1].text if history and history[-1].role == "candidate" else ""
    reason = EndReason.ENDED_BY_CANDIDATE if wants_to_end(latest) else EndReason.COMPLETED
    return {"status": Status.ENDED, "end_reason": reason, "ended_at": timezone.now()}


def _announce(conversation: Conversation, reply: Turn, answer: Turn | None) -> None:
    transaction.on_commit(
        lambda: signals.turn_taken.send(Conversation, conversation=conversation, reply=reply, answer=answer),
        robust=True,
    )


def _fail(conversation: Conversation, exc: AIError, answer: Turn | None = None) -> None:
    """The engine failed beyond its retries. A transient failure leaves the conversation as it was (the
    caller may retry); any other fails it, keeping the answer that was being replied to."""
    if isinstance(exc, ProviderError) and exc.transient:
        return
    logger.warning("conversation %s failed: %s", conversation.pk, exc)
    commit_turns(conversation, [answer] if answer else [], None, status=Status.FAILED, end_reason=EndReason.ERROR,
            ended_at=timezone.now())


def start(conversation: Conversation, *, transport: str) -> Exchange:
    """The interviewer takes its seat and says its opening line (created -> in progress)."""
    conversation = _fresh(conversation.pk)
    if conversation.status == Status.IN_PROGRESS:
        raise Conflict("The interview has already started.", code="interview_already_started")
    if not conversation.is_open:
        raise Conflict("The interview has ended.", code="interview_ended")
    plan = ensure_plan(conversation)
    try:
        result = get_engine().opening(job_context(conversation), plan)
    except AIError as exc:
        raise interviewer_unavailable(exc) from exc
    reply = _reply_turn(result, transport)
    now = timezone.now()
    # Two starts at once: both make an opening, one writes it; the other is told it has started.
    won = commit_turns(conversation, [reply], result.state, announce=(reply, None), status=Status.IN_PROGRESS,
                  started_at=now)
    if not won:
        raise Conflict("The interview has already started.", code="interview_already_started")
    return Exchange(conversation=conversation, reply=reply)


def respond(conversation: Conversation, *, text: str, transport: str, confidence: float | None = None,
            reply_to: int | None = None) -> Exchange:
    """Store the candidate's answer and the interviewer's reply; the closing reply ends the conversation.

    Concurrent answers to one conversation are taken one after the other: the one that loses the
    compare-and-set reads the winner's turn and answers on top of it. With `reply_to` (the index of the
    interviewer message being answered) the answer is taken only while that message is still the last
    one: a client that re-sends an answer after a lost connection can never store it twice (409
    `already_answered`), however the two copies race."""
    for _ in range(TURN_ATTEMPTS):
        conversation = _fresh(conversation.pk)
        if conversation.status == Status.CREATED:
            raise Conflict("The interview has not started yet.", code="interview_not_started")
        if not conversation.is_open:
            raise Conflict("The interview has ended.", code="interview_ended")
        if reply_to is not None and reply_to != conversation.turn_count - 1:
            raise Conflict("That message has already been answered.", code="already_answered",
                           details={"replyTo": reply_to, "lastMessage": conversation.turn_count - 1})
        answer = Turn(speaker=Turn.Speaker.CANDIDATE, text=text, question_id=question_id_of(conversation),
                      transport=transport, confidence=confidence)
        history = [*transcript_of(conversation.pk), EngineTurn(role="candidate", text=text)]
        try:
            result = get_engine().turn(
                job_context(conversation), ensure_plan(conversation), InterviewState.from_dict(conversation.state),
                history,
            )
        except AIError as exc:
            _fail(conversation, exc, answer)
            raise interviewer_unavailable(exc) from exc
        reply = _reply_turn(result, transport)
        ending = finish_fields(result.finished, history)
        if commit_turns(conversation, [answer, reply], result.state, announce=(reply, answer), **ending):
            return Exchange(conversation=conversation, reply=reply, answer=answer)
    raise Conflict("Too many answers at once to this interview; send it again.", code="turn_conflict")


def end(conversation: Conversation, *, reason: str, transport: str) -> Conversation:
    """End an open conversation from outside. A started one gets the interviewer's closing line first."""
    for _ in range(TURN_ATTEMPTS):
        conversation = _fresh(conversation.pk)
        if not conversation.is_open:
            raise Conflict("The interview has already ended.", code="interview_ended")
        now = timezone.now()
        ending = {"status": Status.ENDED, "end_reason": reason, "ended_at": now}
        if conversation.status == Status.CREATED:
            if commit_turns(conversation, [], None, **ending):
                return conversation
            continue
        closing = get_engine().closing(job_context(conversation), _CLOSING_FOR.get(reason, "completed"))
        reply = Turn(speaker=Turn.Speaker.INTERVIEWER, text=closing, transport=transport)
        state = replace(InterviewState.from_dict(conversation.state), finished=True)
        if commit_turns(conversation, [reply], state, announce=(reply, None), **ending):
            return conversation
    raise Conflict("The interview changed while it was being ended; try again.", code="turn_conflict")


def close(conversation_id, *, status: str = Status.ENDED, reason: str = EndReason.CALL_ENDED,
          started_at: datetime | None = None, ended_at: datetime | None = None) -> bool:
    """The transport says the conversation is over (a call hung up, a room closed): no closing line.

    A final status is never left again: a late or redelivered close only records the times it brings."""
    times = {name: value for name, value in (("started_at", started_at), ("ended_at", ended_at)) if value}
    for _ in range(TURN_ATTEMPTS):
        conversation = _fresh(conversation_id)
        if conversation.status in _FINAL:
            if times:
                Conversation.objects.filter(pk=conversation.pk).update(**times, updated_at=timezone.now())
            return False
        if commit_turns(conversation, [], None, status=status, end_reason=reason, **{"ended_at": timezone.now(), **times}):
            return True
    return False


def mark_started(conversation_id, *, at: datetime | None = None) -> None:
    """The transport says the conversation is live (a call is in progress): created -> in progress."""
    at = at or timezone.now()
    Conversation.objects.filter(pk=conversation_id, status=Status.CREATED).update(
        status=Status.IN_PROGRESS, updated_at=at
    )
    Conversation.objects.filter(pk=conversation_id, started_at__isnull=True).update(started_at=at, updated_at=at)


# --- analysis ---------------------------------------------------------------------------------------

_IN_FLIGHT = (AnalysisStatus.PENDING, AnalysisStatus.RUNNING)


def _stale_before():
    # A claim older than the hard task time limit (plus a margin) belongs to a worker that died or a
    # message that was lost: it may be taken over, otherwise the conversation could never be analysed.
    return timezone.now() - timedelta(seconds=settings.WORK_STUCK_AFTER_SECONDS)  # hard time limit + 60 s


def has_answers(conversation: Conversation) -> bool:
    return Turn.objects.filter(conversation_id=conversation.pk, speaker=Turn.Speaker.CANDIDATE).exists()


def analysis_request(conversation: Conversation, *, force: bool = False) -> Conversation:
    """Queue an analysis unless one is done (without `force`), pending or running.

    With `force` (a re-run) the previous result stays readable until the new one succeeds."""
    if conversation.analysis_status == AnalysisStatus.DONE and not force:
        return conversation
    with transaction.atomic():
        _analysis_claim(conversation, force=force)
    conversation.refresh_from_db(
        fields=["analysis_status", "analysis_run_id", "analysis_requested_at", "analysis_error", "analysis",
                "analysis_score", "analysed_at"]
    )
    return conversation


def _analysis_claim(conversation: Conversation, *, force: bool = False) -> bool:
    """The claim is a conditional update: of two requests at once, one moves the job from "not in
    flight" to pending and queues the task (after commit). Without `force`, a job that finished since
    the caller read the row is not run again."""
    from conversations.tasks import conversation_analyse

    run_id, now = uuid.uuid4(), timezone.now()
    claimable = ~Q(analysis_status__in=_IN_FLIGHT) | Q(analysis_requested_at__lt=_stale_before())
    if not force:
        claimable &= ~Q(analysis_status=AnalysisStatus.DONE)
    claimed = (
        Conversation.objects.filter(pk=conversation.pk)
        .filter(claimable)
        .update(analysis_status=AnalysisStatus.PENDING, analysis_run_id=run_id, analysis_requested_at=now,
                updated_at=now)
    )
    if claimed:
        conversation.analysis_status, conversation.analysis_run_id = AnalysisStatus.PENDING, run_id
        conversation.analysis_requested_at = now
        conversation_analyse.delay_on_commit(str(conversation.pk), str(run_id))
    return bool(claimed)


def analysis_sweep_stuck() -> int:
    """Queue again every analysis (a session's analysis, an interview's summary) whose claim went stale:
    its worker died or its message was lost. Run by the periodic sweep (Celery beat); the claim is the
    same conditional update as a request's, so a run that finishes meanwhile is not repeated."""
    stuck = Conversation.objects.filter(analysis_status__in=_IN_FLIGHT, analysis_requested_at__lt=_stale_before())
    requeued = 0
    for conversation in stuck.only("pk", "analysis_status"):
        with transaction.atomic():
            requeued += _analysis_claim(conversation)
    if requeued:
        logger.warning("analysis sweep: %s stuck analyses re-queued", requeued)
    return requeued


def analysis_run(*, conversation_id, run_id) -> bool:
    """Run one claimed analysis (the Celery task). False when the run was superseded or is done.

    Safe to run twice: a redelivered task of a finished run finds its run id done and stops."""
    started = Conversation.objects.filter(
        pk=conversation_id, analysis_run_id=run_id, analysis_status__in=_IN_FLIGHT
    ).update(analysis_status=AnalysisStatus.RUNNING, updated_at=timezone.now())
    if not started:
        return False
    conversation = Conversation.objects.get(pk=conversation_id)
    analysis = get_engine().analyse(job_context(conversation), ensure_plan(conversation),
                                    transcript_of(conversation_id))
    now = timezone.now()
    # Written only if this run still owns the job: a re-run requested meanwhile wins.
    return bool(
        Conversation.objects.filter(pk=conversation_id, analysis_run_id=run_id).update(
            analysis=analysis.to_dict(), analysis_score=analysis.overall_score,
            analysis_status=AnalysisStatus.DONE, analysis_error="", analysed_at=now, updated_at=now,
        )
    )


def analysis_fail(*, conversation_id, run_id, error: str) -> None:
    """Mark a run failed; a previous successful result, if any, stays in `analysis`."""
    Conversation.objects.filter(pk=conversation_id, analysis_run_id=run_id).update(
        analysis_status=AnalysisStatus.FAILED, analysis_error=error[:2000], updated_at=timezone.now()
    )


def analysis_report(analysis: dict[str, Any] | None) -> str:
    """A readable plain-text report of a stored analysis."""
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
