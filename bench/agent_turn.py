"""The LiveKit interviewer's turn latency, offline: end of the candidate's speech → transcript ready →
first reply token → first audio frame out, p50 and p95 over N turns.

    .venv/bin/python bench/agent_turn.py [--turns 20]

The agent runs as in a room (the worker's own voice_session: silero VAD, Whisper tiny.en, the conversation
core, eSpeak NG), with audio I/O of testsupport/agent_audio.py instead of a room: candidate answers are
eSpeak speech fed as a microphone in real time. Anchors in the same run: the plain providers on the same inputs
(Whisper on the same answer audio; eSpeak on the reply's first sentence), so what the pipeline adds
shows beside what the models take. Embedded mode (SQLite in a temporary folder).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "juggy.settings")
os.environ.setdefault("SECRET_KEY", "bench-agent-turn")
os.environ["JUGGY_VAR_DIR"] = tempfile.mkdtemp(prefix="juggy-agent-bench-")
for name in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "OPENAI_API_KEY"):
    os.environ.pop(name, None)

import django  # noqa: E402

django.setup()

ANSWERS = [
    "I have spent six years building backend services in Python, most of them on Django and PostgreSQL.",
    "At my last job I rebuilt the billing API and cut the response time from eight hundred to one hundred milliseconds.",
    "When two teammates disagreed about caching, I measured both designs for a week and we picked the faster one.",
    "I usually start by writing down the failure modes, then I add metrics so we see problems before customers do.",
    "I mentored four engineers and ran the code review sessions every Friday for our team of twelve people.",
]


SESSION_OPTIONS: dict = {}  # e.g. min_endpointing_delay, from the command line


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def first_sentence(text: str) -> str:
    return re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0]


async def run(turns: int) -> None:
    from asgiref.sync import sync_to_async
    from livekit.plugins import silero

    from conversations import services as conversations
    from conversations.models import Conversation
    from juggy.ai import JobContext
    from juggy.ai.speech import get_stt
    from juggy.ai.speech.espeak import synthesize_pcm
    from livekit_app.agent import interviewer

    def new_conversation() -> str:
        job = JobContext(job_description="Backend engineer: Django, PostgreSQL, Celery, Redis.", mode="practice",
                         max_questions=12)
        conversation = conversations.conversation_new(origin=Conversation.Origin.INTERVIEW, job=job)
        conversation.save()
        return str(conversation.pk)

    print("warming up the models (VAD, Whisper, eSpeak)...", flush=True)
    vad = silero.VAD.load()
    audio = {text: await asyncio.to_thread(synthesize_pcm, text=text, voice="alloy") for text in ANSWERS}
    await asyncio.to_thread(get_stt().transcribe, audio=_wav(*audio[ANSWERS[0]]), filename="warm.wav")

    rows: dict[str, list[float]] = {"transcript": [], "first_token": [], "first_audio": [],
                                    "anchor_stt": [], "anchor_tts": []}
    marks: dict[str, float] = {}
    real_send = interviewer._TurnStream._send

    def send(self, request_id, text):
        marks.setdefault("first_token", time.monotonic())
        return real_send(self, request_id, text)

    interviewer._TurnStream._send = send
    done = 0
    while done < turns:
        conversation_id = await sync_to_async(new_conversation)()
        done += await one_conversation(conversation_id, vad, audio, rows, marks, turns - done)
        print(f"  {done} turns", flush=True)

    print(f"\nturns: {done} (offline: silero VAD, Whisper tiny.en, built-in interviewer, eSpeak NG; 2 CPUs)")
    print(f"{'from the end of speech to':<34} {'p50 ms':>8} {'p95 ms':>8}")
    for key, label in (("transcript", "transcript ready"), ("first_token", "first reply token"),
                       ("first_audio", "first audio frame out")):
        print(f"{label:<34} {statistics.median(rows[key]) * 1000:>8.0f} {pct(rows[key], 0.95) * 1000:>8.0f}")
    print("anchors (the plain providers, same inputs):")
    print(f"{'  Whisper on the answer':<34} {statistics.median(rows['anchor_stt']) * 1000:>8.0f} "
          f"{pct(rows['anchor_stt'], 0.95) * 1000:>8.0f}")
    print(f"{'  eSpeak on the first sentence':<34} {statistics.median(rows['anchor_tts']) * 1000:>8.0f} "
          f"{pct(rows['anchor_tts'], 0.95) * 1000:>8.0f}")


async def one_conversation(conversation_id, vad, audio, rows, marks, remaining: int) -> int:
    """Play the scripted answers into one interview; returns the turns measured."""
    from asgiref.sync import sync_to_async

    from conversations.models import Conversation
    from juggy.ai.speech import get_stt, get_tts
    from livekit_app.agent.interviewer import InterviewJob, voice_session
    from testsupport.agent_audio import Microphone, Speaker

    job = InterviewJob(conversation_id=conversation_id, leave=lambda why: None)
    keep_confidence = job.heard

    def heard(text, confidence):
        marks.setdefault("transcript", time.monotonic())
        keep_confidence(text, confidence)

    def last_reply() -> str:
        return Conversation.objects.get(pk=conversation_id).turns.order_by("-index").first().text

    _, stored = await job.load()
    job.heard = heard
    session = voice_session(job, vad=vad, user_away_timeout=None, **SESSION_OPTIONS)
    microphone, speaker = Microphone(speed=1.0), Speaker()  # real time, as a room delivers audio
    session.input.audio, session.output.audio = microphone, speaker
    job.attach(session)
    await session.start(job.agent(stored))
    measured = 0
    try:
        await wait(lambda: speaker.first_frame_at and session.agent_state == "listening")
        for text in ANSWERS[:remaining]:
            marks.clear()
            segments = len(speaker.first_frame_at)
            pcm, rate = audio[text]
            microphone.say(pcm, rate)
            ok = await wait(lambda segments=segments: len(speaker.first_frame_at) > segments, timeout=60)
            if not ok or "transcript" not in marks or "first_token" not in marks:
                print("  a turn got no reply; skipped", flush=True)
                continue
            end = microphone.spoken_at
            rows["transcript"].append(marks["transcript"] - end)
            rows["first_token"].append(marks["first_token"] - end)
            rows["first_audio"].append(speaker.first_frame_at[segments] - end)
            await wait(lambda: session.agent_state == "listening", timeout=60)
            reply = await sync_to_async(last_reply)()
            wav = _wav(pcm, rate)
            started = time.monotonic()
            await asyncio.to_thread(get_stt().transcribe, audio=wav, filename="a.wav")
            rows["anchor_stt"].append(time.monotonic() - started)
            started = time.monotonic()
            await asyncio.to_thread(get_tts().synthesize, text=first_sentence(reply), voice="alloy", fmt="pcm")
            rows["anchor_tts"].append(time.monotonic() - started)
            measured += 1
    finally:
        job._done = True
        for task in list(job._tasks):
            task.cancel()
        await session.aclose()
    return measured


def _wav(pcm: bytes, rate: int) -> bytes:
    import io
    import wave

    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm)
    return out.getvalue()


async def wait(condition, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        await asyncio.sleep(0.01)
    return False


def main() -> None:
    from django.core.management import call_command

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--turns", type=int, default=20)
    parser.add_argument("--min-endpointing-delay", type=float, default=None,
                        help="seconds of silence after speech before the turn ends (the framework's default: 0.5)")
    args = parser.parse_args()
    if args.min_endpointing_delay is not None:
        SESSION_OPTIONS["min_endpointing_delay"] = args.min_endpointing_delay
    call_command("migrate", verbosity=0)
    asyncio.run(run(args.turns))
    sys.stdout.flush()
    # livekit's native runtime panics while the interpreter tears down after a session; the figures are
    # out, so leave without the teardown.
    os._exit(0)


if __name__ == "__main__":
    main()
