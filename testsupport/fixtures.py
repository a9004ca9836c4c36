"""Pytest fixtures built on the test doubles, registered for every test by the root conftest.py
(``pytest_plugins``), so no test or conftest imports them.

- ``openai_server``: a started ``OpenAITestServer`` (see openai_server.py), stopped after the test.
- ``openai_settings``: the same server, with Django settings pointing the language-model side at it
  (AI_PROVIDER=openai, its key and base URL, 2 retries, 5 s timeout), so ``get_engine()`` and
  ``get_llm_provider()`` talk to it.
- ``openai_speech``: the same server, with Django settings pointing speech at it
  (SPEECH_PROVIDER=openai, its key and base URL, no retries, 10 s timeout).
- ``whisper_model``: the process-wide Whisper model, loaded (and hash-checked) once per test session.
- ``migrate``: ``migrate(targets)`` moves the test database to those migrations and returns their
  historical apps; the database goes back to the latest migrations after the test (data migration
  tests, with ``django_db(transaction=True)``).
"""

from __future__ import annotations

import pytest

from testsupport.openai_server import OpenAITestServer


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


@pytest.fixture
def openai_speech(openai_server, settings):
    settings.SPEECH_PROVIDER = "openai"
    settings.OPENAI_API_KEY = openai_server.api_key
    settings.OPENAI_BASE_URL = openai_server.base_url
    settings.OPENAI_MAX_RETRIES = 0
    settings.OPENAI_TIMEOUT = 10.0
    return openai_server


@pytest.fixture(scope="session")
def whisper_model():
    from juggy.ai.speech.whisper import get_model

    return get_model()


@pytest.fixture
def migrate():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    def run(targets):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)
        return executor.loader.project_state(targets).apps

    yield run
    run(MigrationExecutor(connection).loader.graph.leaf_nodes())
