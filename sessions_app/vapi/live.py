"""One interviewer turn of a live VAPI call: what to say, streamed as it is produced, and stored after.

Order of work, so that nothing the database does delays a token:
1. before the first token, one trip to the database reads the session, its plan, state and stored
   turns, and charges a newly started minute (/v2) — it has to, to know what to say;
2. the candidate's new turns are written while the reply streams (started right after the first token);
3. the interviewer's reply is written after its last token, before `[DONE]`, so VAPI's next request
   (which comes only after the candidate has spoken) finds it; on a client disconnect, what was said
   so far is written instead.

The engine (juggy.ai) decides every step itself: which question, follow-up or closing. Models only
phrase the step, so there are no model tool calls to run here; VAPI's own `tools` are ignored.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import aclosing
from dataclasses import dataclass, replace

from django.db import DatabaseError

from juggy.ai import TurnDone, TurnResult, get_engine
from juggy.ai.errors import AIError
from juggy.errors import ApiError
from sessions_app.models import Session
from sessions_app.vapi import services
from sessions_app.vapi.db import db_call
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
    kind: str
    prepared: services.Prepared | None = None
    fixed_text: str = ""  # an apology or a replayed reply: said as is, nothing stored
    end_after_fixed: bool = False  # the fixed text ends the call (an apology)

    @property
    def session_id(self):
        return self.prepared.session.pk if self.prepared else None

    async def pieces(self) -> AsyncIterator[str]:
        """The reply as text pieces; storing happens as described in the module docstring."""
        if self.prepared is None:
            yield self.fixed_text
            if self.end_after_fixed:
                schedule_end_call(self.request.control_url, self.fixed_text)
            return
        prepared, engine = self.prepared, get_engine()
        said: list[str] = []
        result: TurnResult | None = None
        closing: str | None = None  # the closing reason when we wrap up instead of the engine's step
        pending: asyncio.Future | None = None
        try:
            if not prepared.credits_ok:
                closing = "credits_exhausted"
                text = engine.closing(prepared.ctx, "credits_exhausted")
                said.append(text)
                yield text
            else:
                events = engine.astream_turn(prepared.ctx, prepared.plan, prepared.state, self.request.turns)
                try:
                    async with aclosing(events) as stream:
                        async for event in stream:
                            if isinstance(event, TurnDone):
                                result = event.result
                                continue
                            said.append(event.text)
                            yield event.text
                            if pending is None:
                                pending = self._store_conversation()
                except AIError as exc:
                    # Mid-stream (or before it, after the provider's own retries): close gracefully in
                    # the same stream rather than leave the caller in silence.
                    logger.warning("session %s: interviewer model failed: %s", self.session_id, exc)
                    closing = "error"
                    text = ("" if not said else " ") + engine.closing(prepared.ctx, "error")
                    said.append(text)
                    yield text
        finally:
            # shield: Django cancels this task when the caller hangs up; what was said must still be stored.
            await asyncio.shield(self._finish(pending or self._store_conversation(), "".join(said).strip(), result, closing))

    def _store_conversation(self) -> asyncio.Future:
        record = db_call(services.vapi_conversation_record)
        return asyncio.ensure_future(record(session_id=self.session_id, turns=self.request.turns))

    async def _finish(
        self, pending: asyncio.Future, text: str, result: TurnResult | None, closing: str | None
    ) -> None:
        try:
            await self._store_reply(await pending, text, result, closing)
        except DatabaseError:
            # The words are out already; failing here would only cut the stream before [DONE]. The
            # end-of-call report brings the turns back (see docs/vapi.md, "Webhook").
            logger.exception("session %s: could not store the turn", self.session_id)

    async def _store_reply(self, index: int, text: str, result: TurnResult | None, closing: str | None) -> None:
        if not text:
            return
        prepared, engine = self.prepared, get_engine()
        if result is not None:
            state, question_id, follow_up, finished = result.state, result.question_id, result.is_follow_up, result.finished
        elif closing:
            state = replace(prepared.state, started=True, finished=True, turn_count=prepared.state.turn_count + 1)
            question_id, follow_up, finished = None, False, True
        else:
            # Cut off by a disconnect: the step being said is the engine's decision for this conversation.
            step = engine.decide(prepared.ctx, prepared.plan, prepared.state, self.request.turns)
            state, finished = step.state, step.action == "finish"
            question_id = step.question.id if step.question and not finished else None
            follow_up = step.action == "follow_up"
        stored = await db_call(services.vapi_reply_record)(
            session_id=self.session_id,
            index=index,
            text=text,
            state=state,
            question_id=question_id,
            is_follow_up=follow_up,
        )
        if not stored:
            logger.info("session %s: reply %s was already stored by a concurrent request", self.session_id, index)
        if finished:
            schedule_end_call(self.request.control_url, text)


def _find_and_prepare(request: ChatRequest, kind: str) -> tuple[services.Prepared | None, str]:
    session, why = services.vapi_session_find(call_id=request.call_id, session_ref=request.session_ref)
    if session is None:
        return None, why
    if session.kind != kind:
        return None, f"session {session.pk} is {session.kind}, this endpoint serves {kind} sessions"
    if session.status == Session.Status.CANCELLED:
        return None, f"session {session.pk} was cancelled"
    return services.vapi_turn_prepare(session=session, turns=request.turns), ""


async def live_turn_start(request: ChatRequest, kind: str, path: str) -> LiveTurn:
    """Everything that must be known before the first token: the session and what to say."""
    end = get_engine().end_call_phrase
    try:
        prepared, why = await db_call(_find_and_prepare)(request, kind)
    except (AIError, ApiError, DatabaseError) as exc:
        # The plan could not be made (model down) or the database is unreachable or overloaded: the
        # caller hears an apology rather than silence, and VAPI still gets a well-formed stream.
        logger.error("%s: no interviewer for call %r: %r", path, request.call_id, exc)
        return LiveTurn(request, kind, fixed_text=f"{UNAVAILABLE_APOLOGY} {end}", end_after_fixed=True)
    if prepared is None:
        logger.warning("%s: apology for call %r (sessionId %r): %s", path, request.call_id, request.session_ref, why)
        return LiveTurn(request, kind, fixed_text=f"{NOT_FOUND_APOLOGY} {end}", end_after_fixed=True)
    if prepared.replay:
        logger.info("session %s: retried turn %s, replaying the stored reply", prepared.session.pk, prepared.covered)
        return LiveTurn(request, kind, fixed_text=prepared.replay)
    return LiveTurn(request, kind, prepared=prepared)

