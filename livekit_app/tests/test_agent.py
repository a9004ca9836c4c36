"""The AI interviewer agent, in LiveKit Agents' own in-process harness (no LiveKit server can run here):
an AgentSession with the real conversation core and database behind its LLM."""

from __future__ import annotations

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from livekit.agents import AgentSession
from livekit.agents.testing import fake_job_context

from conversations.models import Conversation, Turn
from interviews_app.tests.conftest import ANSWER
from juggy.ai import AIError, get_engine
from livekit_app.agent import interviewer
from livekit_app.agent.interviewer import REPEAT_PROMPT, RESUME_PREFIX, InterviewJob

pytestmark = pytest.mark.django_db(transaction=True)

STOP = "Sorry, something came up and I would like to stop the interview here."


@pytest.fixture
def interview(api_client):
    body = {"roomName": "agent-room", "candidateId": "cand-1", "candidateName": "Jane Doe",
            "jobDescription": "Backend engineer: Django, PostgreSQL, Celery and Redis."}
    response = api_client.post("/interview", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def conversation_of(interview) -> Conversation:
    return Conversation.objects.get(interview=interview["sessionId"])


def stored(conversation_id):
    return list(Turn.objects.filter(conversation_id=conversation_id).order_by("index")
                .values_list("speaker", "transport", "question_id", "is_follow_up"))


class Room:
    """What the job needs of a room in these tests: who left, and when the bot left."""

    def __init__(self):
        self.left: list[str] = []

    def leave(self, why: str) -> None:
        self.left.append(why)


async def start(job: InterviewJob) -> tuple[AgentSession, list[str]]:
    """A text-only AgentSession with the interviewer; returns it and the lines said outside turns."""
    _, turns = await job.load()
    session = AgentSession()
    said: list[str] = []
    real_say = session.say

    def say(text, **kwargs):
        said.append(text)
        return real_say(text, **kwargs)

    session.say = say
    job.attach(session)
    await session.start(job.agent(turns))
    await asyncio.wait_for(job.greeted.wait(), timeout=10)
    return session, said


async def stop(job: InterviewJob, session: AgentSession) -> None:
    job._done = True
    for task in list(job._tasks):
        task.cancel()
    await session.aclose()


async def test_the_agent_interviews_through_the_conversation_core(interview):
    conversation = await sync_to_async(conversation_of)(interview)
    room = Room()
    job = InterviewJob(conversation_id=str(conversation.pk), leave=room.leave)
    session, said = await start(job)
    try:
        opening = (await sync_to_async(lambda: conversation.turns.get(index=0))()).text
        assert said == [opening]  # the opening, said once (started by the agent: it was not started)

        result = await session.run(user_input=ANSWER)
        reply = result.expect.next_event().is_message(role="assistant").event().item.text_content
        rows = await sync_to_async(stored)(conversation.pk)
        assert [r[:2] for r in rows] == [("interviewer", "livekit"), ("candidate", "livekit"), ("interviewer", "livekit")]
        last = await sync_to_async(lambda: conversation.turns.get(index=2))()
        assert last.text == reply and last.question_id  # the core's reply, stored once

        # A vague answer gets a follow-up on the same question: the core's policy, not a second prompt.
        result = await session.run(user_input="Yeah, I did some stuff with it.")
        result.expect.next_event().is_message(role="assistant")
        rows = await sync_to_async(stored)(conversation.pk)
        assert rows[-1][0] == "interviewer" and rows[-1][3] is True

        result = await session.run(user_input=STOP)
        closing = result.expect.next_event().is_message(role="assistant").event().item.text_content
        assert get_engine().end_call_phrase in closing
        await asyncio.sleep(0.2)
        refreshed = await sync_to_async(Conversation.objects.get)(pk=conversation.pk)
        assert refreshed.status == "ended" and refreshed.end_reason == "ended_by_candidate"
        assert refreshed.analysis_status != "none"  # the summary is queued
        assert room.left == ["the interview is over"]
    finally:
        await stop(job, session)


async def test_the_model_failing_is_an_apology_and_the_end(interview, monkeypatch):
    conversation = await sync_to_async(conversation_of)(interview)
    room = Room()
    job = InterviewJob(conversation_id=str(conversation.pk), leave=room.leave)
    session, _ = await start(job)
    engine_class = type(get_engine())

    async def broken(self, *args, **kwargs):
        raise AIError("the model is down")
        yield  # an async generator

    monkeypatch.setattr(engine_class, "astream_turn", broken)
    try:
        result = await session.run(user_input=ANSWER)
        apology = result.expect.next_event().is_message(role="assistant").event().item.text_content
        assert "technical problem" in apology
        await asyncio.sleep(0.2)
        refreshed = await sync_to_async(Conversation.objects.get)(pk=conversation.pk)
        assert (refreshed.status, refreshed.end_reason) == ("failed", "error")
        assert room.left == ["the interview is over"]
    finally:
        await stop(job, session)


async def test_unintelligible_speech_is_asked_again_once(interview):
    conversation = await sync_to_async(conversation_of)(interview)
    job = InterviewJob(conversation_id=str(conversation.pk), leave=Room().leave)
    session, said = await start(job)
    try:
        job.unheard()
        job.unheard()  # still nothing: asked once for this turn, not twice
        await asyncio.sleep(0.3)
        assert said.count(REPEAT_PROMPT) == 1
        await session.run(user_input=ANSWER)
        job.unheard()  # a new turn: may ask again
        await asyncio.sleep(0.3)
        assert said.count(REPEAT_PROMPT) == 2
    finally:
        await stop(job, session)


async def test_a_silent_candidate_is_prompted_then_the_interview_ends(interview, settings):
    settings.INTERVIEW_SILENCE_PROMPT_SECONDS = 0.0
    settings.INTERVIEW_SILENCE_END_SECONDS = 0.3
    conversation = await sync_to_async(conversation_of)(interview)
    room = Room()
    job = InterviewJob(conversation_id=str(conversation.pk), leave=room.leave)
    session, said = await start(job)
    try:
        await asyncio.sleep(0.2)
        job._on_user_state(type("Event", (), {"new_state": "away"})())
        for _ in range(40):
            if room.left:
                break
            await asyncio.sleep(0.1)
        assert said[-2:] == [interviewer.SILENCE_PROMPT, interviewer.SILENCE_GOODBYE]
        refreshed = await sync_to_async(Conversation.objects.get)(pk=conversation.pk)
        assert (refreshed.status, refreshed.end_reason) == ("ended", "call_ended")
        assert room.left == ["the candidate was silent"]
    finally:
        await stop(job, session)


async def test_the_candidate_leaving_ends_and_summarises(interview):
    conversation = await sync_to_async(conversation_of)(interview)
    room = Room()
    job = InterviewJob(conversation_id=str(conversation.pk), leave=room.leave)
    session, _ = await start(job)
    try:
        await session.run(user_input=ANSWER)
        await job.candidate_left()
        refreshed = await sync_to_async(Conversation.objects.get)(pk=conversation.pk)
        assert (refreshed.status, refreshed.end_reason) == ("ended", "call_ended")
        assert refreshed.analysis_status != "none"
        assert room.left == ["the candidate left"]
    finally:
        await stop(job, session)


async def test_a_restarted_worker_resumes_without_repeating(interview):
    conversation = await sync_to_async(conversation_of)(interview)
    first = InterviewJob(conversation_id=str(conversation.pk), leave=Room().leave)
    session, _ = await start(first)
    await session.run(user_input=ANSWER)
    await stop(first, session)  # the worker dies
    before = await sync_to_async(stored)(conversation.pk)
    pending = (await sync_to_async(lambda: conversation.turns.order_by("-index").first())()).text

    second = InterviewJob(conversation_id=str(conversation.pk), leave=Room().leave)
    session, said = await start(second)  # a new dispatch of the same interview
    try:
        assert said == [f"{RESUME_PREFIX} {pending}"]  # the pending question again, not the opening
        assert await sync_to_async(stored)(conversation.pk) == before  # nothing stored twice
        await session.run(user_input=ANSWER)
        after = await sync_to_async(stored)(conversation.pk)
        assert len(after) == len(before) + 2
        asked = [q for speaker, _, q, _ in after if speaker == "interviewer"]
        assert asked[-1] != asked[0]  # the interview moved on, it did not start over
    finally:
        await stop(second, session)


async def test_ending_over_rest_makes_the_bot_say_goodbye_and_leave(interview, api_client, monkeypatch):
    monkeypatch.setattr(interviewer, "STATUS_POLL_SECONDS", 0.05)
    conversation = await sync_to_async(conversation_of)(interview)
    room = Room()
    job = InterviewJob(conversation_id=str(conversation.pk), leave=room.leave)
    session, said = await start(job)
    try:
        response = await sync_to_async(api_client.post)(f"/interview/{interview['sessionId']}/end")
        assert response.status_code == 200
        for _ in range(40):
            if room.left:
                break
            await asyncio.sleep(0.05)
        closing = (await sync_to_async(lambda: conversation.turns.order_by("-index").first())()).text
        assert said[-1] == closing and room.left == ["the interview was ended"]
    finally:
        await stop(job, session)


async def test_the_job_entry_point_reads_the_dispatch(interview):
    """The entry point with the metadata POST /interview/:id/start dispatches (fake job, no room)."""
    from livekit_app.agent.worker import dispatch_metadata

    conversation = await sync_to_async(conversation_of)(interview)
    metadata = json.dumps({"interviewId": interview["sessionId"], "conversationId": str(conversation.pk),
                           "candidateId": "cand-1"})
    with fake_job_context(job_metadata=metadata) as ctx:
        assert dispatch_metadata(ctx)["conversationId"] == str(conversation.pk)
    with fake_job_context(job_metadata="not json") as ctx:
        assert dispatch_metadata(ctx) == {}


async def test_start_dispatches_the_agent_with_what_its_job_needs(livekit_server, api_client, settings):
    """POST /interview/:id/start with LiveKit configured: the agent is dispatched to the room with the
    interview and its conversation, and the start says who conducts it."""
    from livekit.agents.testing import fake_job_context

    from livekit_app.agent.worker import dispatch_metadata

    settings.LIVEKIT_AGENT_NAME = "juggy-test-interviewer"
    body = {"roomName": "dispatch-room", "candidateId": "cand-7", "jobDescription": "Site reliability engineer"}

    def create_and_start():
        sid = api_client.post("/interview", body, format="json").json()["sessionId"]
        return sid, api_client.post(f"/interview/{sid}/start").json(), Conversation.objects.get(interview=sid)

    sid, started, conversation = await sync_to_async(create_and_start)()
    (dispatch,) = livekit_server.dispatches
    assert (dispatch.agent_name, dispatch.room) == ("juggy-test-interviewer", "dispatch-room")
    assert started["interviewer"] == "livekit_agent" and started["agentDispatchId"] == dispatch.id
    with fake_job_context(job_metadata=dispatch.metadata) as ctx:
        metadata = dispatch_metadata(ctx)
    assert metadata == {"interviewId": sid, "conversationId": str(conversation.pk), "candidateId": "cand-7"}


def test_without_livekit_the_server_conducts(api_client, interview):
    started = api_client.post(f"/interview/{interview['sessionId']}/start").json()
    assert started["interviewer"] == "server" and started["agentDispatchId"] == ""


SPOKEN = "I led the migration of our web front end to a typed code base, and we deployed every day after that."


async def test_spoken_answers_are_heard_and_answered_aloud(interview):
    """Synthetic candidate speech (eSpeak NG) through the VAD and the STT into the interview, and the
    interviewer's replies back as real audio frames."""
    from livekit.plugins import silero

    from juggy.ai.speech.espeak import synthesize_pcm
    from livekit_app.agent.interviewer import voice_session
    from testsupport.agent_audio import Microphone, Speaker
    from testsupport.wer import word_error_rate

    conversation = await sync_to_async(conversation_of)(interview)
    job = InterviewJob(conversation_id=str(conversation.pk), leave=Room().leave)
    _, turns = await job.load()
    session = voice_session(job, vad=silero.VAD.load(), user_away_timeout=None)
    microphone, speaker = Microphone(), Speaker()
    session.input.audio, session.output.audio = microphone, speaker
    job.attach(session)
    await session.start(job.agent(turns))
    try:
        # Waits, not timings: generous, since a loaded machine (the whole suite on 2 cores) is slow.
        for _ in range(600):  # the opening, spoken
            if speaker.frames and session.agent_state == "listening":
                break
            await asyncio.sleep(0.05)
        opening_frames = len(speaker.frames)
        assert opening_frames > 0

        pcm, rate = await asyncio.to_thread(synthesize_pcm, text=SPOKEN, voice="alloy")
        microphone.say(pcm, rate)
        for _ in range(1200):
            rows = await sync_to_async(stored)(conversation.pk)
            if len(rows) >= 3 and len(speaker.frames) > opening_frames and session.agent_state == "listening":
                break
            await asyncio.sleep(0.05)
        answer = await sync_to_async(lambda: conversation.turns.get(index=1))()
        assert answer.speaker == "candidate" and answer.transport == "livekit"
        assert word_error_rate(SPOKEN, answer.text) < 0.35, answer.text
        assert answer.confidence is not None and 0 < answer.confidence <= 1
        reply = await sync_to_async(lambda: conversation.turns.get(index=2))()
        assert reply.speaker == "interviewer"
        said_seconds = sum(f.samples_per_channel / f.sample_rate for f in speaker.frames[opening_frames:])
        assert said_seconds > 1.0  # the reply, spoken
    finally:
        await stop(job, session)
