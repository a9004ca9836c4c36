import math
import struct

import pytest


@pytest.fixture(scope="session")
def whisper_model():
    """The process-wide Whisper model, loaded (and hash-checked) once for the whole test session."""
    from juggy.ai.speech.whisper import get_model

    return get_model()


def tone_pcm(seconds: float, *, rate: int = 16000, freq: float = 440.0) -> bytes:
    frames = int(seconds * rate)
    return b"".join(
        struct.pack("<h", int(8000 * math.sin(2 * math.pi * freq * i / rate))) for i in range(frames)
    )


@pytest.fixture
def fake_openai(settings):
    """Speech through the OpenAI provider, against a loopback server."""
    from .fake_openai import API_KEY, FakeOpenAI

    server = FakeOpenAI().start()
    settings.SPEECH_PROVIDER = "openai"
    settings.OPENAI_API_KEY = API_KEY
    settings.OPENAI_BASE_URL = server.base_url
    settings.OPENAI_MAX_RETRIES = 0
    settings.OPENAI_TIMEOUT = 10.0
    yield server
    server.stop()
