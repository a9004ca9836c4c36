"""Interviews: the REST, WebSocket and LiveKit transport of the conversation core.

What is the interview's own: its room, the candidate's pass, the LiveKit agent dispatch, presence and
the WebSocket events. Starting, answering, ending and summarising are conversations.services; the
events follow the core's signals (sent after commit), whichever transport took the turn.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from conversations import services as conversations
from conversations import signals
from conversations.models import Conversation, Turn
from interviews_app import events
from interviews_app.models import Interview
from juggy.ai import JobContext
from juggy.errors import Conflict, DomainError
from livekit_app import services as livekit

logger = logging.getLogger("juggy.interviews")

EndReason = Conversation.EndReason


@dataclass
class CreatedInterview:
    interview: Interview
    candidate_token: str


def job_context(*, job_description: str, candidate_name: str, settings: dict) -> JobContext:
    """The job context an interview's settings make (snapshotted into its conversation)."""
    return JobContext(
        job_description=job_description,
        candidate_name=candidate_name,
        mode=settings.get("mode") or "enterprise",
        target_role=settings.get("target_role") or "",
        target_company=settings.get("target_company") or "",
        assessment_area=settings.get("assessment_area") or "",
        fixed_questions=settings.get("fixed_questions") or None,
        max_questions=settings.get("max_questions"),
    )


def interview_create(
    *,
    owner,
    room_name: str,
    candidate_id: str,
    job_description: str,
    candidate_name: str = "",
    media_id=None,
    settings: dict | None = None,
) -> CreatedInterview:
    """Create an interview (and its room if missing) and a candidate pass scoped to it."""
    settings = settings or {}
    media = conversations.resume_from_media(owner=owner, media_id=media_id)
    job = job_context(job_description=job_description, candidate_name=candidate_name, settings=settings)
    # Planned before the transaction: planning may call a language model.
    conversation = conversations.conversation_new(origin=Conversation.Origin.INTERVIEW, job=job, media=media)
    interview = Interview(owner=owner, room_name=room_name, candidate_id=candidate_id,
                          candidate_name=candidate_name, settings=settings)
    # Before the transaction: with LiveKit configured, creating the room is a call to its server. An
    # interview that then fails to save leaves a room of the owner's, which the next attempt reuses.
    interview.room = livekit.room_ensure(owner=owner, name=room_name)
    with transaction.atomic():
        conversation.save()
        interview.conversation = conversation
        interview.save()
        # Inside the transaction: if the pass cannot be issued, no interview is left without one.
        token = candidate_pass_issue(interview=interview)
    return CreatedInterview(interview=interview, candidate_token=token)


# The candidate's pass lives this long from the interview's creation, however often it is issued.
CANDIDATE_PASS_TTL = timedelta(seconds=livekit.ROOM_PASS_DEFAULT_TTL_SECONDS)


def candidate_pass_expiry(interview: Interview) -> datetime:
    return interview.created_at + CANDIDATE_PASS_TTL


def pass_speech_owner(interview_or_room: str, identity: str) -> str:
    """Whose synthesized speech a room pass's copies are (juggy.ai.speech owners): its candidate in its
    interview, or in its room for a pass without one."""
    return f"pass:{interview_or_room}:{identity}"


def candidate_pass_issue(*, interview: Interview) -> str | None:
    """The candidate's pass (jgp_...): this interview's room and candidate, scope {"interview": id}, expiring
    when the one handed out at creation does (so showing it again, e.g. in the admin, never extends it).
    None once that time has passed."""
    remaining = int((candidate_pass_expiry(interview) - timezone.now()).total_seconds())
    if remaining < 1:
        return None
    return livekit.room_pass_issue(
        room_name=interview.room_name,
        room_id=interview.room_id,
        identity=interview.candidate_id,
        name=interview.candidate_name,
        scope={"interview": str(interview.id)},
        ttl=remaining,
    )


def interview_start(*, interview: Interview, transport: str = Turn.Transport.REST) -> conversations.Exchange:
    """Start: the interviewer says its opening line; with LiveKit, the agent is dispatched to the room.

    The start is decided first (of two racing starts one wins, the other gets a 409), so at most one
    agent is dispatched, and the dispatch (a network call) runs outside any transaction. If LiveKit
    refuses, the interview goes on with the server's own interviewer (REST and WebSocket), and the
    error is logged."""
    exchange = conversations.start(interview.conversation, transport=transport)
    interview.conversation = exchange.conversation
    if livekit.livekit_configured():
        if interview.room is None:
            logger.error("interview %s: its room was deleted; no LiveKit agent is dispatched", interview.pk)
            return exchange
        try:
            dispatch_id = livekit.agent_dispatch(
                room_name=interview.room.livekit_name,
                metadata={"interviewId": str(interview.id), "conversationId": str(interview.conversation_id),
                          "candidateId": interview.candidate_id},
            )
        except DomainError as exc:
            logger.error("interview %s: the LiveKit agent could not be dispatched: %s", interview.pk, exc.message)
            return exchange
        interview.agent_dispatch_id = dispatch_id or ""
        Interview.objects.filter(pk=interview.pk).update(agent_dispatch_id=interview.agent_dispatch_id)
    return exchange


def interview_respond(*, interview: Interview, text: str, transport: str,
                      reply_to: int | None = None) -> conversations.Exchange:
    """The candidate's answer and the interviewer's reply; the closing reply ends the interview.
    `reply_to`: the index of the interviewer message answered (a re-sent answer is never stored twice)."""
    exchange = conversations.respond(interview.conversation, text=text, transport=transport, reply_to=reply_to)
    interview.conversation = exchange.conversation
    return exchange


def interview_end(*, interview: Interview, reason: str = EndReason.ENDED_BY_OWNER,
                  transport: str = Turn.Transport.REST) -> Interview:
    """End an open interview. A started one gets the interviewer's closing line first."""
    interview.conversation = conversations.end(interview.conversation, reason=reason, transport=transport)
    return interview


def interview_summary_request(*, interview: Interview) -> Conversation:
    """Queue the summary unless it is done or on its way (a failed one is queued again)."""
    conversation = interview.conversation
    if conversation.status not in (Conversation.Status.ENDED, Conversation.Status.FAILED):
        raise Conflict("A summary is made once the interview has ended.", code="interview_not_ended")
    return conversations.analysis_request(conversation)


# --- events: what the core did, told to the interview's WebSocket clients ---------------------------


def _interview_of(conversation: Conversation) -> Interview | None:
    if conversation.origin != Conversation.Origin.INTERVIEW:
        return None
    interview = Interview.objects.filter(conversation_id=conversation.pk).only("id", "conversation_id").first()
    if interview is not None:
        interview.conversation = conversation
    return interview


@receiver(signals.turn_taken, dispatch_uid="interviews_turn_taken")
def _on_turn(sender, conversation: Conversation, reply: Turn, answer: Turn | None, **kwargs) -> None:
    from interviews_app.serializers import InterviewMessageSerializer

    interview = _interview_of(conversation)
    if interview is None:
        return
    events.interview_event_send(
        interview_id=interview.id,
        event=events.AI_INTERVIEWER_MESSAGE,
        data={
            "interview_id": str(interview.id),
            "session_id": str(interview.id),
            "message": InterviewMessageSerializer(reply).data,
            "in_reply_to": InterviewMessageSerializer(answer).data if answer else None,
            "text": reply.text,
            "status": conversation.status,
            "progress": conversations.progress(conversation),
        },
    )


@receiver(signals.conversation_ended, dispatch_uid="interviews_conversation_ended")
def _on_ended(sender, conversation: Conversation, **kwargs) -> None:
    interview = _interview_of(conversation)
    if interview is None:
        return
    events.interview_event_send(
        interview_id=interview.id,
        event=events.INTERVIEW_ENDED,
        data={
            "interview_id": str(interview.id),
            "session_id": str(interview.id),
            "reason": conversation.end_reason,
            "ended_at": conversation.ended_at.isoformat() if conversation.ended_at else None,
            "progress": conversations.progress(conversation),
        },
    )
