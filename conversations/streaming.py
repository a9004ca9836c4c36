"""A turn in its streaming form: the interviewer's reply as text pieces, stored as it is produced.

For transports whose client holds the conversation and sends it whole (VAPI resends the history with
each request; the LiveKit agent keeps a chat context). Order of work, so that nothing the database does
delays a piece of text:
1. `turn_prepare` (sync, one trip before the first piece) reads the conversation, its plan, state and
   stored turns, and aligns the client's history with them;
2. the client's new turns are stored while the reply streams (started right after the first piece);
3. the reply is stored after its last piece by compare-and-set, so the client's next request finds it;
   on a disconnect, what was said so far is stored instead. A concurrent twin of the same request that
   stored its reply first wins; this one adopts it (nothing is written twice).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import aclosing
from dataclasses import dataclass, field, replace

from django.db import DatabaseError, transaction
from django.utils import timezone

from conversations import services
from conversations.db import db_call
from conversations.models import Conversation, Turn
from conversations.transcript import align
from juggy.ai import AIError, InterviewState, JobContext, Plan, TurnDone, TurnResult, get_engine
from juggy.ai import Turn as EngineTurn

logger = logging.getLogger("juggy.conversations")


@dataclass
class PreparedTurn:
    """What a streamed turn needs before its first piece."""

    conversation: Conversation  # as read: its version guards the reply's write
    ctx: JobContext
    plan: Plan
    state: InterviewState
    history: list[EngineTurn]  # the conversation as the client sees it
    covered: int  # the conversation's length in stored turns once the client's new turns are in: the reply's index
    replay: str = ""  # the stored reply to this very history (a retried request), if any
    stored_count: int = 0  # turns stored when it was read
    new: list[EngineTurn] = field(default_factory=list)  # the client's turns we do not have yet
    revised: dict[int, str] = field(default_factory=dict)  # stored index -> the client's newer candidate text


def turn_prepare(conversation: Conversation, history: list[EngineTurn]) -> PreparedTurn:
    """One read (the stored turns; the conversation is the caller's, read with its transport record)."""
    plan = services.ensure_plan(conversation)
    stored = services.transcript_of(conversation.pk)
    alignment = align(stored, history)
    covered = alignment.covered
    replay = stored[covered].text if covered < len(stored) and stored[covered].role == "interviewer" else ""
    return PreparedTurn(
        conversation=conversation,
        ctx=services.job_context(conversation),
        plan=plan,
        state=InterviewState.from_dict(conversation.state),
        history=history,
        covered=covered,
        replay=replay,
        stored_count=len(stored),
        new=alignment.new,
        revised=alignment.revised,
    )


def history_record(
    *, conversation_id, history: list[EngineTurn], transport: str, confidences: dict[str, float] | None = None
) -> int:
    """Store the turns of the client's history that we do not have yet; return its length in stored turns.

    Idempotent: the same history sent again adds nothing. Turns are only appended (stored indexes never
    move); a candidate turn the client's speech recognition revised gets the new text."""
    for _ in range(services.TURN_ATTEMPTS):
        conversation = Conversation.objects.get(pk=conversation_id)
        rows = list(Turn.objects.filter(conversation_id=conversation_id).order_by("index"))
        result = align([EngineTurn(role=r.speaker, text=r.text) for r in rows], history)
        with transaction.atomic():
            if result.new:
                # Race: the client retries a turn while the first request is still storing it. The
                # count is the guard: the second writer re-reads and finds the turns there.
                won = Conversation.objects.filter(pk=conversation_id, turn_count=len(rows)).update(
                    turn_count=len(rows) + len(result.new), updated_at=timezone.now()
                )
                if not won:
                    continue
                question_id = services.question_id_of(conversation)
                Turn.objects.bulk_create(
                    Turn(conversation_id=conversation_id, index=len(rows) + i, speaker=turn.role, text=turn.text,
                         question_id=question_id if turn.role == "candidate" else "", transport=transport,
                         confidence=confidence_of(turn.text, confidences) if turn.role == "candidate" else None)
                    for i, turn in enumerate(result.new)
                )
            for index, text in result.revised.items():
                rows[index].text = text
            if result.revised:
                Turn.objects.bulk_update([rows[i] for i in result.revised], ["text"])
        services.mark_started(conversation_id)
        return result.covered
    raise DatabaseError(f"conversation {conversation_id}: the history could not be stored (too many writers)")


def confidence_of(text: str, confidences: dict[str, float] | None) -> float | None:
    """The recogniser's confidence in a candidate turn: the mean over the recognised utterances it is
    made of (a turn may join several), None when the transport knows none."""
    found = [c for said, c in (confidences or {}).items() if c is not None and said.strip() and said.strip() in text]
    return round(sum(found) / len(found), 3) if found else None


class StreamingTurn:
    """One streamed reply. `closing` ends the conversation with that closing line instead of the engine's
    step (e.g. "credits_exhausted"); `on_finished(text)` runs once the reply that ends it is stored;
    `confidences` (recognised text -> 0-1) go with the candidate's turns."""

    def __init__(self, prepared: PreparedTurn, *, transport: str, closing: str | None = None,
                 on_finished: Callable[[str], None] | None = None, confidences: dict[str, float] | None = None):
        self.prepared = prepared
        self.transport = transport
        self.closing = closing
        self.on_finished = on_finished
        self.confidences = confidences

    @property
    def conversation_id(self):
        return self.prepared.conversation.pk

    async def pieces(self) -> AsyncIterator[str]:
        prepared, engine = self.prepared, get_engine()
        said: list[str] = []
        result: TurnResult | None = None
        closing = self.closing
        try:
            if closing:
                text = engine.closing(prepared.ctx, closing)
                said.append(text)
                yield text
            else:
                events = engine.astream_turn(prepared.ctx, prepared.plan, prepared.state, prepared.history)
                try:
                    async with aclosing(events) as stream:
                        async for event in stream:
                            if isinstance(event, TurnDone):
                                result = event.result
                                continue
                            said.append(event.text)
                            yield event.text
                except AIError as exc:
                    # Mid-stream (or before it, after the provider's own retries): close gracefully in the
                    # same stream rather than leave the candidate in silence; the conversation fails.
                    logger.warning("conversation %s: interviewer model failed: %s", self.conversation_id, exc)
                    closing = "error"
                    text = ("" if not said else " ") + engine.closing(prepared.ctx, "error")
                    said.append(text)
                    yield text
        finally:
            # shield: the server cancels this task when the client hangs up; what was said must be stored.
            await asyncio.shield(self._finish("".join(said).strip(), result, closing))

    async def _finish(self, text: str, result: TurnResult | None, closing: str | None) -> None:
        try:
            if await db_call(self.store)(text, result, closing) and self.on_finished:
                self.on_finished(text)
        except DatabaseError:
            # The words are out already; failing here would only cut the stream. The transport may bring
            # the turns back later (VAPI's end-of-call report does).
            logger.exception("conversation %s: could not store the turn", self.conversation_id)

    def store(self, text: str, result: TurnResult | None, closing: str | None) -> bool:
        """After the reply: the client's new turns and the reply, in one compare-and-set transaction.
        True when the reply ended the conversation.

        A twin of this request (the client retried while this one streamed) that stored first wins; this
        one then only makes sure the client's turns are in (history_record) and stores no second reply."""
        prepared = self.prepared
        if not text:
            if prepared.new or prepared.revised:
                history_record(conversation_id=self.conversation_id, history=prepared.history,
                               transport=self.transport, confidences=self.confidences)
            return False
        fields: dict = {}
        if result is not None:
            state, question_id, follow_up = result.state, result.question_id, result.is_follow_up
            fields = services.finish_fields(result.finished, prepared.history)
        elif closing:
            state = replace(prepared.state, started=True, finished=True, turn_count=prepared.state.turn_count + 1)
            question_id, follow_up = None, False
            failed = closing == "error"
            fields = {"status": Conversation.Status.FAILED if failed else Conversation.Status.ENDED,
                      "end_reason": closing, "ended_at": timezone.now()}
        else:
            # Cut off by a disconnect: the step being said is the engine's decision for this history.
            step = get_engine().decide_streamed(prepared.ctx, prepared.plan, prepared.state, prepared.history)
            state, finished = step.state, step.action == "finish"
            question_id = step.question.id if step.question and not finished else None
            follow_up = step.action == "follow_up"
            fields = services.finish_fields(finished, prepared.history)
        reply = Turn(speaker=Turn.Speaker.INTERVIEWER, text=text, question_id=question_id or "",
                     is_follow_up=follow_up, transport=self.transport)
        question = services.question_id_of(prepared.conversation)
        answers = [
            Turn(speaker=turn.role, text=turn.text, transport=self.transport,
                 question_id=question if turn.role == "candidate" else "",
                 confidence=confidence_of(turn.text, self.confidences) if turn.role == "candidate" else None)
            for turn in prepared.new
        ]
        conversation = prepared.conversation
        conversation.turn_count = prepared.stored_count
        stored = services.commit_turns(
            conversation, [*answers, reply], state,
            announce=(reply, next((a for a in reversed(answers) if a.speaker == Turn.Speaker.CANDIDATE), None)),
            revised=prepared.revised, start=True, **fields,
        )
        if not stored:
            logger.info("conversation %s: a concurrent request stored this turn first", self.conversation_id)
            history_record(conversation_id=self.conversation_id, history=prepared.history, transport=self.transport,
                           confidences=self.confidences)
            return False
        return fields.get("status") in (Conversation.Status.ENDED, Conversation.Status.FAILED)
