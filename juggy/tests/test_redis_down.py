"""Redis down (REDIS_URL pointing at a dead port): a clear 503 or a decided fail-open, never a 500 and
never half-written work (issue 15)."""

import pytest
from kombu.exceptions import OperationalError

from media_app.models import Media
from media_app.tests.documents import resume_pdf

pytestmark = [pytest.mark.production, pytest.mark.django_db(transaction=True)]

DEAD = "redis://127.0.0.1:1/0"


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": DEAD,
                                   "OPTIONS": {"socket_connect_timeout": 1}}}


def test_authenticated_requests_fail_open_on_the_rate_limit(cache_down, api_client):
    response = api_client.get("/auth/me")
    assert response.status_code == 200, response.content


def test_login_fails_closed_with_503(cache_down, anon_client, user):
    response = anon_client.post("/auth/token", {"username": "alice", "password": "correct-horse-battery"},
                                format="json")
    assert response.status_code == 503, response.content
    assert response.json()["error"]["code"] == "service_unavailable"


def test_upload_with_the_broker_down_keeps_neither_row_nor_file(api_client, monkeypatch, settings):
    from media_app.tasks import media_process

    def broker_down(*args, **kwargs):
        raise OperationalError(f"Error 111 connecting to {DEAD}. Connection refused.")

    monkeypatch.setattr(media_process, "apply_async", broker_down)
    response = api_client.post("/media/upload", {"file": _pdf()}, format="multipart")
    assert response.status_code == 503, response.content
    assert response.json()["error"]["code"] == "service_unavailable"
    assert not Media.objects.exists()
    assert api_client.get("/media/get-all").json() == []
    media_root = settings.MEDIA_ROOT
    assert not media_root.exists() or not any(p.is_file() for p in media_root.rglob("*"))


def _pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("resume.pdf", resume_pdf(), content_type="application/pdf")
