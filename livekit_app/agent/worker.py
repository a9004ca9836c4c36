"""The LiveKit Agents worker: registers as LIVEKIT_AGENT_NAME (explicit dispatch only) at LIVEKIT_URL
with the configured key pair; each dispatch into an interview room is a job in the framework's process
pool. Started by `manage.py run_agent` (`make agent`).

Job processes import this module by name, so it sets Django up itself: the agent shares the project's
settings and database.
"""

from __future__ import annotations

import json
import logging
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "juggy.settings")
django.setup()

from django.conf import settings  # noqa: E402
from livekit.agents import AgentServer, JobContext, JobProcess  # noqa: E402

logger = logging.getLogger("juggy.agent")


def prewarm(proc: JobProcess) -> None:
    """Once per job process: the VAD model (shipped in the silero wheel), loaded before any call."""
    from livekit.plugins import silero

    proc.userdata["vad"] = silero.VAD.load()


def dispatch_metadata(ctx: JobContext) -> dict:
    try:
        data = json.loads(ctx.job.metadata or "{}")
    except ValueError:
        data = {}
    return data if isinstance(data, dict) else {}


async def entrypoint(ctx: JobContext) -> None:
    """One dispatch: the interview named in the metadata, in the dispatch's room."""
    from livekit_app.agent.interviewer import InterviewJob, voice_session

    metadata = dispatch_metadata(ctx)
    conversation_id = metadata.get("conversationId")
    if not conversation_id:
        logger.error("dispatch into %s without a conversationId: %r", ctx.job.room.name, metadata)
        return
    job = InterviewJob(conversation_id=str(conversation_id), leave=ctx.shutdown,
                       candidate_identity=str(metadata.get("candidateId") or ""))
    _, turns = await job.load()
    if not ctx.is_fake_job:
        await ctx.connect()
    session = voice_session(job, vad=ctx.proc.userdata.get("vad"))
    job.attach(session)

    def on_disconnected(participant) -> None:
        if job.candidate_identity and participant.identity == job.candidate_identity:
            job.spawn(job.candidate_left())

    ctx.room.on("participant_disconnected", on_disconnected)
    await session.start(agent=job.agent(turns), room=ctx.room)


def build_server() -> AgentServer:
    server = AgentServer(
        setup_fnc=prewarm,
        ws_url=settings.LIVEKIT_URL,
        api_key=settings.LIVEKIT_API_KEY,
        api_secret=settings.LIVEKIT_API_SECRET,
    )
    server.rtc_session(entrypoint, agent_name=settings.LIVEKIT_AGENT_NAME)
    return server
