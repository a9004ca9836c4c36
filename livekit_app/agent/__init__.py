"""The AI interviewer that joins LiveKit rooms: a LiveKit Agents worker whose "model" is the
conversation core (see docs/livekit.md, "The interviewer agent").

speech.py: juggy.ai.speech as LiveKit STT and TTS; interviewer.py: the job (one interview) and the
LLM adapter over the core's streaming turn; worker.py: the AgentServer (`manage.py run_agent`).
"""
