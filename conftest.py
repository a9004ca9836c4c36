"""Fixtures shared by every app's tests."""

import os

import pytest
from django.conf import settings
from rest_framework.test import APIClient

# The loopback OpenAI server fixtures and the session's Whisper model (testsupport/fixtures.py).
pytest_plugins = ["testsupport.fixtures"]

PRODUCTION = bool(os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL"))


def pytest_collection_modifyitems(config, items):
    skip = pytest.mark.skip(reason="production mode only: set DATABASE_URL and REDIS_URL")
    for item in items:
        if "production" in item.keywords and not PRODUCTION:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _isolated_files(settings, tmp_path):
    """Every test writes files into its own MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def make_user(db):
    from juggy.accounts.tests.factories import UserFactory

    return UserFactory


@pytest.fixture
def user(make_user):
    return make_user(username="alice")


@pytest.fixture
def other_user(make_user):
    return make_user(username="bob")


@pytest.fixture
def client_for(db):
    from juggy.accounts.services import token_create

    def build(user, *, service: bool = False) -> APIClient:
        _, key = token_create(user=user, name="test", is_service=service)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        client.user, client.token_key = user, key
        return client

    return build


@pytest.fixture
def api_client(client_for, user):
    return client_for(user)


@pytest.fixture
def other_client(client_for, other_user):
    return client_for(other_user)


@pytest.fixture
def service_client(client_for, make_user):
    return client_for(make_user(username="service-bot"), service=True)


@pytest.fixture
def anon_client():
    return APIClient()


@pytest.fixture
def live_worker(request):
    """A Celery worker in production mode (none needed when tasks run eagerly): /health is only ok when a
    worker answers its ping. Needs transactional_db."""
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        request.getfixturevalue("celery_worker")


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker (thread) consuming the Redis broker; production mode only."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip("needs a real broker: set REDIS_URL")
    from celery.contrib.testing.worker import start_worker

    from juggy.celery import app

    app.control.purge()
    with start_worker(
        app,
        queues=[settings.CELERY_TASK_DEFAULT_QUEUE],
        perform_ping_check=False,
        shutdown_timeout=20,
        loglevel="WARNING",
    ):
        yield app
