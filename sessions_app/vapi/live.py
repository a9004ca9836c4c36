"""One interviewer turn of a live VAPI call: the VAPI side of the conversation core's streaming turn.

What is VAPI's own here: finding the session of the call, charging its minutes (/v2), the apologies
spoken when there is no interviewer to give, and hanging up the call once the interviewer has closed it.
The turn itself (what to say, streamed as it is produced, and stored after) is
conversations.streaming.StreamingTurn; see its module for the order of work.

The engine decides every step itself: which question, follow-up or closing. Models only phrase the
step, so there are no model tool calls to run here; VAPI's own `tools` are ignored.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from functools import partial

from django.db import DatabaseError

from conversations.db import db_call
from conversations.models import Conversation, Turn
from conversations.streaming import StreamingTurn
from juggy.ai import get_engine
from juggy.ai.errors import AIError
from juggy.errors import DomainError
from sessions_app.vapi import services
from sessions_app.vapi.outbound import schedule_end_call
from sessions_app.vapi.payload import ChatRequest

logger = logging.getLogger("juggy.vapi")

NOT_FOUND_APOLOGY = (
    "I'm sorry, I can't find the interview for this call, so I can't go on. "
    "Please check your interview link and try again."
)
UNAVAILABLE_APOLOGY = "I'm sorry, the interviewer is not available right now. Please try again in a few minutes."


@dataclass
class LiveTurn:
    request: ChatRequest
    turn: StreamingTurn | None = None
    fixed_text: str = ""  # an apology or a replayed reply: said as is, nothing stored
    end_after_fixed: bool = False  # the fixed text ends the call (an apology)

    async def pieces(self) -> AsyncIterator[str]:
        if self.turn is not None:
            async for piece in self.turn.pieces():
                yield piece
            return
        yield self.fixed_text
        if self.end_after_fixed:
            schedule_end_call(self.request.control_url, self.fixed_text)


def _find_and_prepare(request: ChatRequest, serves: str) -> tuple[services.Prepared | None, str]:
    session, why = services.vapi_session_find(call_id=request.call_id, session_ref=request.session_ref)
    if session is None:
        return None, why
    if session.kind != serves:
        return None, f"session {session.pk} is {session.kind}, this endpoint serves {serves} sessions"
    if session.conversation.status == Conversation.Status.CANCELLED:
        return None, f"session {session.pk} was cancelled"
    return services.vapi_turn_prepare(session=session, turns=request.turns), ""


async def live_turn_start(request: ChatRequest, serves: str, path: str) -> LiveTurn:
    """Everything that must be known before the first token: the session and what to say."""
    end = get_engine().end_call_phrase
    try:
        prepared, why = await db_call(_find_and_prepare)(request, serves)
    except (AIError, DomainError, DatabaseError) as exc:
        # The plan could not be made (model down) or the database is unreachable or overloaded: the
        # caller hears an apology rather than silence, and VAPI still gets a well-formed stream.
        logger.error("%s: no interviewer for call %r: %r", path, request.call_id, exc)
        return LiveTurn(request, fixed_text=f"{UNAVAILABLE_APOLOGY} {end}", end_after_fixed=True)
    if prepared is None:
        logger.warning("%s: apology for call %r (sessionId %r): %s", path, request.call_id, request.session_ref, why)
        return LiveTurn(request, fixed_text=f"{NOT_FOUND_APOLOGY} {end}", end_after_fixed=True)
    if prepared.turn.replay:
        logger.info("session %s: retried turn %s, replaying the stored reply", prepared.session.pk, prepared.turn.covered)
        return LiveTurn(request, fixed_text=prepared.turn.replay)
    turn = StreamingTurn(
        prepared.turn,
        transport=Turn.Transport.VAPI,
        closing=None if prepared.credits_ok else "credits_exhausted",
        on_finished=partial(schedule_end_call, request.control_url),
    )
    return LiveTurn(request, turn=turn)
