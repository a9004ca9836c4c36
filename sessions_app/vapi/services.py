"""Domain operations of live VAPI interviews (sync; the async views call them in a worker thread).

Billing (/v2 only): one credit per started minute of the call (VAPI_CREDITS_PER_MINUTE), charged to the
user's account with the idempotency key `vapi:session-<session id>:minute:<n>`, so retried and concurrent
requests of one call never charge a minute twice, however they found the session (a session serves one
call only). /v3 (enterprise) charges nothing per call; see docs/vapi.md.
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

from conversations import services as conversations
from conversations.models import Conversation, Turn
from conversations.streaming import PreparedTurn, history_record, turn_prepare
from juggy.ai import Turn as EngineTurn
from sessions_app.models import Session
from sessions_app.vapi.payload import ServerMessage

logger = logging.getLogger("juggy.vapi")

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
    session = Session.objects.select_related("conversation").filter(pk=session_id).first()
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
    turn: PreparedTurn
    credits_ok: bool = True


def vapi_turn_prepare(*, session: Session, turns: list[EngineTurn], now: datetime | None = None) -> Prepared:
    turn = turn_prepare(session.conversation, turns)
    credits_ok = True
    if session.kind == Session.Kind.STANDARD and not turn.replay:
        credits_ok = vapi_minutes_charge(session=session, now=now or timezone.now())
    return Prepared(session=session, turn=turn, credits_ok=credits_ok)


def vapi_minutes_charge(*, session: Session, now: datetime) -> bool:
    """Charge every started minute of the call not charged yet; False when the credits ran out."""
    from juggy.accounts.services import InsufficientCredits, credit_account_for_user, credits_charge

    rate = settings.VAPI_CREDITS_PER_MINUTE
    if rate <= 0:
        return True
    started = session.conversation.started_at or now
    minutes = max(1, math.floor((now - started).total_seconds() / 60) + 1)
    charged = session.credits_used // rate
    if charged >= minutes:
        return True  # the usual case mid-minute: no ledger round trip
    account = credit_account_for_user(session.user)
    # One key per session and minute, whatever linked the request to the session: racing first requests
    # of a call, one found by call id and one by metadata.sessionId, once charged minute 0 twice under
    # `vapi:<call id>:...` and `vapi:session-<id>:...`.
    ref = f"session-{session.pk}"
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


# --- webhooks -------------------------------------------------------------------------------------

# VAPI call statuses that mean the call is live; "ended" is decided by the ended reason (_ended_status).
_LIVE = ("in-progress", "forwarding")
_WAITING = ("scheduled", "queued", "ringing")


def _ended_status(reason: str) -> str:
    reason = reason.lower()
    if "error" in reason or reason.startswith(("pipeline-", "call.start", "twilio-failed", "vonage-failed")):
        return Conversation.Status.FAILED
    return Conversation.Status.ENDED


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
    if raw not in (*_LIVE, *_WAITING, "ended"):
        return "ignored"
    Session.objects.filter(pk=session.pk).update(call_status=raw[:30], updated_at=timezone.now())
    if raw == "ended":
        reason = str(body.get("endedReason") or "")
        if reason:
            Session.objects.filter(pk=session.pk, ended_reason="").update(ended_reason=reason[:100])
        moved = conversations.close(session.conversation_id, status=_ended_status(reason))
    elif raw in _LIVE:
        # Statuses only move forward: a late or redelivered "in-progress" cannot reopen an ended call.
        moved = session.conversation.status == Conversation.Status.CREATED
        conversations.mark_started(session.conversation_id)
    else:
        moved = False  # waiting: the session shows as linked already (it has a call)
    return "updated" if moved else "unchanged"


def _end_of_call(session: Session, message: ServerMessage) -> str:
    body = message.body
    reason = str(body.get("endedReason") or "")[:100]
    started, ended = _time(body.get("startedAt")), _time(body.get("endedAt"))
    duration = body.get("durationSeconds")
    if not isinstance(duration, int | float) or duration < 0:
        duration = (ended - started).total_seconds() if started and ended and ended >= started else None
    turns = message.report_turns()
    answers_before = _answers(session)
    if turns:
        # Turns we never saw (another LLM served the call, a request failed, the last words came after
        # our last reply) are added; what we have is kept.
        history_record(conversation_id=session.conversation_id, history=turns, transport=Turn.Transport.REPORT)
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        locked.recording_urls = {**(locked.recording_urls or {}), **message.recording_urls()}
        locked.ended_reason = reason or locked.ended_reason
        locked.call_status = "ended"
        locked.duration_seconds = duration if duration is not None else locked.duration_seconds
        locked.save(update_fields=["recording_urls", "ended_reason", "call_status", "duration_seconds", "updated_at"])
    # Closing the conversation queues its analysis (when the candidate said anything).
    conversations.close(session.conversation_id, status=_ended_status(reason), started_at=started, ended_at=ended)
    conversation = Conversation.objects.get(pk=session.conversation_id)
    if not conversations.has_answers(conversation):
        logger.info("session %s ended (%s) without candidate answers: nothing to analyse", session.pk, reason)
        return "stored"
    # The closing line may have queued the analysis already; answers only the report brings (the
    # candidate's last words) make it run again on the whole transcript.
    late_answers = _answers(session) > answers_before and conversation.analysis_status != "none"
    conversations.analysis_request(conversation, force=late_answers)
    return "stored"


def _answers(session: Session) -> int:
    return Turn.objects.filter(conversation_id=session.conversation_id, speaker=Turn.Speaker.CANDIDATE).count()
