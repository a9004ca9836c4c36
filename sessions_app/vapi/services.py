"""Domain operations of live VAPI interviews (sync; the async views call them in a worker thread).

Billing (/v2 only): one credit per started minute of the call (VAPI_CREDITS_PER_MINUTE), charged to the
user's account with the idempotency key `vapi:<call>:minute:<n>`, so retried and concurrent requests of
one call never charge a minute twice. /v3 (enterprise) charges nothing per call; see docs/vapi.md.
"""

from __future__ import annotations

import logging
import math
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from juggy.ai import InterviewState, JobContext, Plan, Turn
from juggy.errors import Conflict
from sessions_app.models import Session, TranscriptTurn
from sessions_app.vapi.payload import ServerMessage
from sessions_app.vapi.transcript import align

logger = logging.getLogger("juggy.vapi")

_FINAL = (Session.Status.COMPLETED, Session.Status.FAILED, Session.Status.CANCELLED)
_NOT_STARTED = (Session.Status.CREATED, Session.Status.LINKED)


# --- finding the session --------------------------------------------------------------------------


def vapi_session_find(*, call_id: str, session_ref: str) -> tuple[Session | None, str]:
    """The session a VAPI request is about, and why not when there is none (for the log).

    By the linked call first; else by a session id in the metadata, which also links the call if the
    session has none yet. A session already linked to another call is never served to this one."""
    from sessions_app.selectors import session_for_call

    session = session_for_call(call_id) if call_id else None
    if session is not None:
        return session, ""
    if not session_ref:
        return None, f"call {call_id!r} is not linked to a session" if call_id else "no call id and no sessionId"
    try:
        session_id = uuid.UUID(session_ref)
    except ValueError:
        return None, f"metadata sessionId {session_ref!r} is not a UUID"
    session = (
        Session.objects.select_related("user", "organisation", "template", "candidate").filter(pk=session_id).first()
    )
    if session is None:
        return None, f"session {session_id} does not exist"
    if call_id and session.call_id and session.call_id != call_id:
        return None, f"session {session_id} is linked to another call"
    if call_id and not session.call_id:
        try:
            with transaction.atomic():
                # Race: two first requests of the call link it at once; the condition lets one write.
                linked = Session.objects.filter(pk=session.pk, call_id__isnull=True).update(
                    call_id=call_id, updated_at=timezone.now()
                )
        except IntegrityError:
            return None, f"call {call_id!r} is linked to another session"
        if linked:
            session.call_id = call_id
    return session, ""


# --- the interview state --------------------------------------------------------------------------


@dataclass
class Prepared:
    """What a chat request needs before its first token, read in one trip to the database."""

    session: Session
    ctx: JobContext
    plan: Plan
    state: InterviewState
    covered: int  # the conversation's length in stored turns: the reply's index
    replay: str = ""  # the stored reply to this very conversation (a retried request), if any
    credits_ok: bool = True


def vapi_turn_prepare(*, session: Session, turns: list[Turn], now: datetime | None = None) -> Prepared:
    from sessions_app.services import session_ensure_plan, session_job_context

    plan = session_ensure_plan(session)
    stored = [Turn(role=r, text=t) for r, t in session.turns.order_by("index").values_list("role", "text")]
    covered = align(stored, turns).covered
    replay = stored[covered].text if covered < len(stored) and stored[covered].role == "interviewer" else ""
    credits_ok = True
    if session.kind == Session.Kind.STANDARD and not replay:
        credits_ok = vapi_minutes_charge(session=session, now=now or timezone.now())
    return Prepared(
        session=session,
        ctx=session_job_context(session),
        plan=plan,
        state=InterviewState.from_dict(session.state),
        covered=covered,
        replay=replay,
        credits_ok=credits_ok,
    )


def vapi_minutes_charge(*, session: Session, now: datetime) -> bool:
    """Charge every started minute of the call not charged yet; False when the credits ran out."""
    from juggy.accounts.services import InsufficientCredits, credit_account_for_user, credits_charge

    rate = settings.VAPI_CREDITS_PER_MINUTE
    if rate <= 0:
        return True
    started = session.started_at or now
    minutes = max(1, math.floor((now - started).total_seconds() / 60) + 1)
    charged = session.credits_used // rate
    if charged >= minutes:
        return True  # the usual case mid-minute: no ledger round trip
    account = credit_account_for_user(session.user)
    ref = session.call_id or f"session-{session.pk}"
    ok = True
    for minute in range(charged, minutes):
        try:
            credits_charge(
                account=account,
                amount=rate,
                idempotency_key=f"vapi:{ref}:minute:{minute}",
                memo=f"Interview {session.pk}, minute {minute + 1}",
            )
        except InsufficientCredits:
            logger.info("session %s: credits ran out at minute %s of call %s", session.pk, minute + 1, ref)
            ok = False
            break
        charged = minute + 1
    used = charged * rate
    # Race: concurrent requests of one call charge the same minutes (the ledger counts each key once);
    # the counter only ever grows, so the slower request cannot write back a smaller number.
    Session.objects.filter(pk=session.pk, credits_used__lt=used).update(credits_used=used, updated_at=timezone.now())
    session.credits_used = max(session.credits_used, used)
    return ok


def vapi_conversation_record(*, session_id, turns: list[Turn], source: str = "vapi") -> int:
    """Store the conversation's turns we do not have yet; return its length in stored turns.

    Idempotent: the same conversation sent again adds nothing."""
    with transaction.atomic():
        # Race: VAPI retries a turn while the first request is still storing it, or two turns of a call
        # overlap. The row lock serialises them, so the second sees the first one's turns and appends
        # nothing twice (the unique (session, index) constraint stays a backstop).
        session = Session.objects.select_for_update().get(pk=session_id)
        rows = list(session.turns.order_by("index"))
        result = align([Turn(role=r.role, text=r.text) for r in rows], turns)
        for index, text in result.revised.items():
            rows[index].text = text
        if result.revised:
            TranscriptTurn.objects.bulk_update([rows[i] for i in result.revised], ["text"])
        if result.new:
            state = InterviewState.from_dict(session.state)
            awaiting = (session.plan or {}).get("questions") or []
            question_id = awaiting[state.index]["id"] if state.started and state.index < len(awaiting) else ""
            TranscriptTurn.objects.bulk_create(
                TranscriptTurn(
                    session=session,
                    index=len(rows) + i,
                    role=turn.role,
                    text=turn.text,
                    question_id=question_id if turn.role == "candidate" else "",
                    source=source,
                )
                for i, turn in enumerate(result.new)
            )
        _mark_started(session)
        return result.covered


def _mark_started(session: Session) -> None:
    now = timezone.now()
    Session.objects.filter(pk=session.pk, status__in=_NOT_STARTED).update(
        status=Session.Status.IN_PROGRESS, updated_at=now
    )
    Session.objects.filter(pk=session.pk, started_at__isnull=True).update(started_at=now, updated_at=now)


def vapi_reply_record(
    *, session_id, index: int, text: str, state: InterviewState, question_id: str | None, is_follow_up: bool
) -> bool:
    """Store the interviewer's reply as turn `index` and move the interview state on.

    False (nothing written) when that turn exists already: a concurrent twin of this request answered
    the same conversation first, and only one answer may count."""
    text = text.strip()
    if not text:
        return False
    try:
        with transaction.atomic():
            session = Session.objects.select_for_update().get(pk=session_id)
            if session.turns.count() != index:
                return False
            TranscriptTurn.objects.create(
                session=session,
                index=index,
                role=TranscriptTurn.Role.INTERVIEWER,
                text=text,
                question_id=question_id or "",
                is_follow_up=is_follow_up,
                source="vapi",
            )
            Session.objects.filter(pk=session.pk).update(state=state.to_dict(), updated_at=timezone.now())
    except IntegrityError:
        return False
    return True


# --- webhooks -------------------------------------------------------------------------------------

# VAPI call statuses -> ours. "ended" is decided by the ended reason (see _ended_status).
_STATUS = {
    "scheduled": Session.Status.LINKED,
    "queued": Session.Status.LINKED,
    "ringing": Session.Status.LINKED,
    "in-progress": Session.Status.IN_PROGRESS,
    "forwarding": Session.Status.IN_PROGRESS,
}
_ORDER = {Session.Status.CREATED: 0, Session.Status.LINKED: 1, Session.Status.IN_PROGRESS: 2}


def _ended_status(reason: str) -> str:
    reason = reason.lower()
    if "error" in reason or reason.startswith(("pipeline-", "call.start", "twilio-failed", "vonage-failed")):
        return Session.Status.FAILED
    return Session.Status.COMPLETED


def _time(value) -> datetime | None:
    if isinstance(value, int | float) and value > 0:
        # Epoch milliseconds (VAPI's `timestamp`), tolerated wherever a time is expected.
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    if isinstance(value, str) and value.strip():
        try:
            parsed = parse_datetime(value.strip())
        except ValueError:
            return None
        if parsed is not None and timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed, UTC)
        return parsed
    return None


def vapi_event_handle(*, message: ServerMessage) -> str:
    """Apply one VAPI server message; return what happened (for the response and the log).

    Every branch is idempotent: a redelivered message finds the work done and changes nothing."""
    if message.type not in ("status-update", "end-of-call-report"):
        return "ignored"
    session, why = vapi_session_find(call_id=message.call_id, session_ref=message.session_ref)
    if session is None:
        logger.warning("VAPI %s for an unknown session: %s", message.type, why)
        return "unknown_session"
    if message.type == "status-update":
        return _status_update(session, message.body)
    return _end_of_call(session, message)


def _status_update(session: Session, body: dict) -> str:
    raw = str(body.get("status") or "").strip()
    now = timezone.now()
    if raw == "ended":
        target = _ended_status(str(body.get("endedReason") or ""))
    elif raw in _STATUS:
        target = _STATUS[raw]
    else:
        return "ignored"
    updates = {"call_status": raw[:30], "updated_at": now}
    if target in _FINAL:
        # A final status is never left again (a late or redelivered "in-progress" cannot reopen it).
        moved = Session.objects.filter(pk=session.pk).exclude(status__in=_FINAL).update(
            status=target, ended_at=now, **updates
        )
        if body.get("endedReason"):
            Session.objects.filter(pk=session.pk, ended_reason="").update(ended_reason=str(body["endedReason"])[:100])
    else:
        # Statuses only move forward: created -> linked -> in_progress.
        behind = [s for s, rank in _ORDER.items() if rank < _ORDER[target]]
        moved = Session.objects.filter(pk=session.pk, status__in=behind).update(status=target, **updates)
        if target == Session.Status.IN_PROGRESS:
            Session.objects.filter(pk=session.pk, started_at__isnull=True).update(started_at=now)
    return "updated" if moved else "unchanged"


def _end_of_call(session: Session, message: ServerMessage) -> str:
    from sessions_app.services import analysis_request

    body = message.body
    reason = str(body.get("endedReason") or "")[:100]
    started, ended = _time(body.get("startedAt")), _time(body.get("endedAt"))
    duration = body.get("durationSeconds")
    if not isinstance(duration, int | float) or duration < 0:
        duration = (ended - started).total_seconds() if started and ended and ended >= started else None
    turns = message.report_turns()
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        if not locked.turns.exists() and turns:
            # We never saw the call (another LLM served it, or every request failed): theirs is all there is.
            TranscriptTurn.objects.bulk_create(
                TranscriptTurn(session=locked, index=i, role=t.role, text=t.text, source="report")
                for i, t in enumerate(turns)
            )
        elif turns:
            vapi_conversation_record(session_id=locked.pk, turns=turns, source="report")
        locked.recording_urls = {**(locked.recording_urls or {}), **message.recording_urls()}
        locked.ended_reason = reason or locked.ended_reason
        locked.call_status = "ended"
        locked.started_at = started or locked.started_at
        locked.ended_at = ended or locked.ended_at or timezone.now()
        locked.duration_seconds = duration if duration is not None else locked.duration_seconds
        if locked.status not in _FINAL:
            locked.status = _ended_status(reason)
        locked.save(
            update_fields=[
                "recording_urls", "ended_reason", "call_status", "started_at", "ended_at", "duration_seconds",
                "status", "updated_at",
            ]
        )
    if not locked.turns.filter(role=TranscriptTurn.Role.CANDIDATE).exists():
        logger.info("session %s ended (%s) without candidate answers: nothing to analyse", locked.pk, reason)
        return "stored"
    try:
        analysis_request(session=locked)
    except Conflict as exc:
        logger.info("session %s: analysis not queued: %s", locked.pk, exc.message)
    return "stored"


