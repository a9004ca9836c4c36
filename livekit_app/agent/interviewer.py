"""One interview in a LiveKit room: the job a dispatch starts.

The AgentSession listens (VAD + our STT), and for each candidate utterance asks its LLM for a reply.
That LLM is ConversationLLM: a streamed turn of the conversation core (conversations.streaming), so the
reply is the same interviewer's as over VAPI or REST, stored once, announced to the interview's
WebSocket clients as `aiInterviewerMessage`, and spoken sentence by sentence as it streams.

What is the room's own is here: greeting (or resuming after a restart), asking to repeat what it could
not hear, prompting a silent candidate and ending after a longer silence, ending when the candidate
leaves or the interview is ended from REST/WebSocket, and leaving once the closing line is said.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from livekit.agents import Agent, AgentSession, llm
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS, APIConnectOptions

from conversations import services as conversations
from conversations.db import db_call
from conversations.models import Conversation, Turn
from conversations.streaming import StreamingTurn, turn_prepare
from juggy.ai import Turn as EngineTurn

logger = logging.getLogger("juggy.agent")

REPEAT_PROMPT = "Sorry, I didn't catch that. Could you say it again?"
SILENCE_PROMPT = "Take your time. Whenever you're ready, I'm listening."
SILENCE_GOODBYE = "It seems we've lost you, so I'll end the interview here. Thank you for your time."
RESUME_PREFIX = "Sorry about that interruption. Let's pick up where we left off."
STATUS_POLL_SECONDS = 2.0
_FINAL = (Conversation.Status.ENDED, Conversation.Status.FAILED, Conversation.Status.CANCELLED)


def history_of(chat_ctx: llm.ChatContext) -> list[EngineTurn]:
    """The conversation as the session holds it: its user and assistant messages, in order."""
    turns = []
    for item in chat_ctx.items:
        if getattr(item, "type", None) != "message" or item.role not in ("user", "assistant"):
            continue
        text = (item.text_content or "").strip()
        if text:
            turns.append(EngineTurn(role="candidate" if item.role == "user" else "interviewer", text=text))
    return turns


def chat_context_of(turns: list[Turn]) -> llm.ChatContext:
    ctx = llm.ChatContext()
    for turn in turns:
        ctx.add_message(role="user" if turn.speaker == Turn.Speaker.CANDIDATE else "assistant", content=turn.text)
    return ctx


class ConversationLLM(llm.LLM):
    """The session's "model": each reply is a streamed turn of the conversation core, no second prompt.
    Where the core's provider is OpenAI, its tokens stream through."""

    def __init__(self, job: InterviewJob) -> None:
        super().__init__()
        self.job = job

    @property
    def model(self) -> str:
        return "juggy-conversation-core"

    @property
    def provider(self) -> str:
        return "juggy"

    def chat(self, *, chat_ctx: llm.ChatContext, tools=None,
             conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS, **kwargs) -> llm.LLMStream:
        # No retries of ours: the core's provider retries, and a failure is spoken as a closing apology.
        return _TurnStream(self, chat_ctx=chat_ctx, tools=tools or [],
                           conn_options=APIConnectOptions(max_retry=0, timeout=conn_options.timeout))


class _TurnStream(llm.LLMStream):
    async def _run(self) -> None:
        job: InterviewJob = self._llm.job
        history = history_of(self._chat_ctx)
        prepared = await db_call(_prepare)(job.conversation_id, history)
        request_id = uuid.uuid4().hex
        if prepared.replay:
            self._send(request_id, prepared.replay)  # a retried turn: say what we stored, store nothing
            return
        turn = StreamingTurn(prepared, transport=Turn.Transport.LIVEKIT, on_finished=job.finished,
                             confidences=dict(job.confidences))
        async for piece in turn.pieces():
            if piece:
                self._send(request_id, piece)

    def _send(self, request_id: str, text: str) -> None:
        self._event_ch.send_nowait(
            llm.ChatChunk(id=request_id, delta=llm.ChoiceDelta(role="assistant", content=text))
        )


def _prepare(conversation_id, history: list[EngineTurn]):
    return turn_prepare(Conversation.objects.get(pk=conversation_id), history)


class Interviewer(Agent):
    def __init__(self, job: InterviewJob, *, chat_ctx: llm.ChatContext, **components) -> None:
        super().__init__(
            instructions="The interview is conducted by Juggy's conversation core.",
            chat_ctx=chat_ctx,
            llm=ConversationLLM(job),
            **components,
        )
        self.job = job

    async def on_enter(self) -> None:
        await self.job.greet()


def voice_session(job: InterviewJob, *, vad, **options) -> AgentSession:
    """The AgentSession of one interview: the silero VAD, our STT and TTS, and the end of the candidate's
    turn decided by the VAD. (Left to itself the framework picks its turn-detector model, which is served
    by LiveKit's cloud inference: nothing may call an outside service by default, and offline it held
    every reply ~1.2 s; see bench/agent_turn.py.)"""
    from livekit_app.agent.speech import JuggySTT, JuggyTTS

    options.setdefault("user_away_timeout", settings.INTERVIEW_SILENCE_PROMPT_SECONDS)
    return AgentSession(
        vad=vad,
        stt=JuggySTT(on_final=job.heard, on_unheard=job.unheard),
        tts=JuggyTTS(),
        turn_handling={"turn_detection": "vad"},
        **options,
    )


@dataclass
class InterviewJob:
    """What one dispatch does with its interview. `leave` disconnects from the room (the job context's
    shutdown in a real job; anything in tests)."""

    conversation_id: str
    leave: Callable[[str], None]
    candidate_identity: str = ""
    session: AgentSession | None = None
    confidences: dict[str, float] = field(default_factory=dict)
    repeat_asked_at: set[int] = field(default_factory=set)  # turn counts at which we asked to repeat
    greeted: asyncio.Event = field(default_factory=asyncio.Event)  # set once the greeting is under way
    _done: bool = False
    _tasks: set[asyncio.Task] = field(default_factory=set)

    # --- setting up --------------------------------------------------------------------------------
    async def load(self) -> tuple[Conversation, list[Turn]]:
        """The conversation, started if it was not (the opening stored), and its turns so far."""

        def load_sync():
            conversation = Conversation.objects.get(pk=self.conversation_id)
            if conversation.status == Conversation.Status.CREATED:
                conversations.start(conversation, transport=Turn.Transport.LIVEKIT)
                conversation.refresh_from_db()
            return conversation, list(conversation.turns.order_by("index"))

        return await db_call(load_sync)()

    def agent(self, turns: list[Turn], **components) -> Interviewer:
        return Interviewer(self, chat_ctx=chat_context_of(turns), **components)

    def attach(self, session: AgentSession) -> None:
        self.session = session
        session.on("user_state_changed", self._on_user_state)
        self.spawn(self._watch_status())

    # --- speaking ------------------------------------------------------------------------------------
    async def greet(self) -> None:
        """Say the interviewer's last line again: the opening, or after a restart the pending question.
        It is stored already, so it is said without adding a turn."""
        try:
            conversation, turns = await db_call(_with_turns)(self.conversation_id)
            if conversation.status in _FINAL:
                self._leave("the interview has ended")
                return
            said = [t for t in turns if t.speaker == Turn.Speaker.INTERVIEWER]
            if not said:
                return
            text = said[-1].text
            if any(t.speaker == Turn.Speaker.CANDIDATE for t in turns):
                text = f"{RESUME_PREFIX} {text}"
            self.session.say(text, add_to_chat_ctx=False)
        finally:
            self.greeted.set()

    def heard(self, text: str, confidence: float | None) -> None:
        """A final transcript from the STT (with its confidence, stored with the candidate's turn)."""
        if confidence is not None:
            self.confidences[text.strip()] = confidence

    def unheard(self) -> None:
        """Speech that came out empty or unintelligible (from the STT): ask to repeat, once per turn."""
        if not self._done:
            self.spawn(self._ask_to_repeat())

    async def _ask_to_repeat(self) -> None:
        count = await db_call(_turn_count)(self.conversation_id)
        if count in self.repeat_asked_at:
            return  # asked once already: the next thing the candidate says is taken as it comes
        self.repeat_asked_at.add(count)
        self.session.say(REPEAT_PROMPT, add_to_chat_ctx=False)

    def finished(self, closing: str) -> None:
        """The reply that ends the conversation is stored: leave once it has been said."""
        self._done = True
        self.spawn(self._leave_after_speech("the interview is over"))

    # --- the candidate and the interview from outside ------------------------------------------------
    async def candidate_left(self) -> None:
        """The candidate left the room: the conversation ends and is summarised."""
        if self._done:
            return
        self._done = True
        await db_call(conversations.close)(self.conversation_id, reason=Conversation.EndReason.CALL_ENDED)
        self._leave("the candidate left")

    async def _watch_status(self) -> None:
        """An interview ended over REST or WebSocket: say the closing line stored by that end, and go."""
        while not self._done:
            await asyncio.sleep(STATUS_POLL_SECONDS)
            conversation, turns = await db_call(_with_turns)(self.conversation_id)
            if conversation.status in _FINAL and not self._done:
                self._done = True
                if turns and turns[-1].speaker == Turn.Speaker.INTERVIEWER and conversation.end_reason in (
                    Conversation.EndReason.ENDED_BY_OWNER, Conversation.EndReason.ENDED_BY_CANDIDATE,
                ):
                    self.session.say(turns[-1].text, add_to_chat_ctx=False, allow_interruptions=False)
                await self._leave_after_speech("the interview was ended")

    def _on_user_state(self, event) -> None:
        if event.new_state == "away" and not self._done:
            self.spawn(self._silence())

    async def _silence(self) -> None:
        """`user_away_timeout` (INTERVIEW_SILENCE_PROMPT_SECONDS) passed without a word: a gentle prompt;
        if the silence lasts to INTERVIEW_SILENCE_END_SECONDS, the interview ends."""
        mark = await db_call(_turn_count)(self.conversation_id)
        self.session.say(SILENCE_PROMPT, add_to_chat_ctx=False)
        waited = settings.INTERVIEW_SILENCE_END_SECONDS - settings.INTERVIEW_SILENCE_PROMPT_SECONDS
        await asyncio.sleep(max(0.0, waited))
        if self._done or self.session.user_state == "speaking" or self.session.agent_state != "listening":
            return
        if await db_call(_turn_count)(self.conversation_id) > mark:
            return  # the candidate answered meanwhile
        self._done = True
        self.session.say(SILENCE_GOODBYE, add_to_chat_ctx=False, allow_interruptions=False)
        await db_call(conversations.close)(self.conversation_id, reason=Conversation.EndReason.CALL_ENDED)
        await self._leave_after_speech("the candidate was silent")

    # --- leaving -------------------------------------------------------------------------------------
    async def _leave_after_speech(self, why: str) -> None:
        handle = self.session.current_speech if self.session else None
        if handle is not None:
            with contextlib.suppress(Exception):
                await handle.wait_for_playout()
        self._leave(why)

    def _leave(self, why: str) -> None:
        logger.info("conversation %s: leaving the room: %s", self.conversation_id, why)
        for task in list(self._tasks):
            if task is not asyncio.current_task():
                task.cancel()
        self.leave(why)

    def spawn(self, coro) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


def _with_turns(conversation_id):
    conversation = Conversation.objects.get(pk=conversation_id)
    return conversation, list(conversation.turns.order_by("index"))


def _turn_count(conversation_id) -> int:
    return Conversation.objects.values_list("turn_count", flat=True).get(pk=conversation_id)
