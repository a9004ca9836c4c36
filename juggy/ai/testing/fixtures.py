"""Pytest fixtures for the loopback OpenAI server. Import them into a conftest.py:

    from juggy.ai.testing.fixtures import openai_server, openai_settings  # noqa: F401

``openai_server`` is a started ``OpenAITestServer``; ``openai_settings`` also points Django settings at
it (AI_PROVIDER=openai, its key and base URL, 2 retries, 5 s timeout), so ``get_engine()`` and
``get_llm_provider()`` talk to it. Both stop the server after the test.
"""

from __future__ import annotations

import pytest

from juggy.ai.testing.openai_server import OpenAITestServer


@pytest.fixture
def openai_server():
    server = OpenAITestServer().start()
    yield server
    server.stop()


@pytest.fixture
def openai_settings(openai_server, settings):
    settings.AI_PROVIDER = "openai"
    settings.OPENAI_API_KEY = openai_server.api_key
    settings.OPENAI_BASE_URL = openai_server.base_url
    settings.OPENAI_MODEL = "loopback-model"
    settings.OPENAI_ANALYSIS_MODEL = "loopback-analysis-model"
    settings.OPENAI_MAX_RETRIES = 2
    settings.OPENAI_TIMEOUT = 5.0
    return openai_server
