"""Embedded mode (eager Celery) runs tasks in-process without touching kombu's connection code."""

import logging

import kombu
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from media_app.tests.documents import resume_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_broker_connection(monkeypatch, settings):
    from juggy.celery import app

    if not app.conf.task_always_eager:
        pytest.skip("embedded mode only: a broker is configured")

    def refuse(*args, **kwargs):
        raise AssertionError("eager mode opened a kombu connection")

    monkeypatch.setattr(kombu.Connection, "__init__", refuse)


def test_first_upload_runs_its_tasks_without_a_broker_connection(
    api_client, no_broker_connection, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG, logger="kombu")
    upload = SimpleUploadedFile("resume.pdf", resume_pdf(), content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post("/media/upload/v2", {"file": upload}, format="multipart")
    assert response.status_code == 201
    detail = api_client.get(f"/media/{response.json()['mediaId']}").json()
    assert (detail["state"], detail["structureState"]) == ("parsed", "done")
    assert [r.getMessage() for r in caplog.records if r.name.startswith("kombu")] == []


def test_arguments_still_make_the_serializer_round_trip(no_broker_connection):
    from media_app.tasks import media_process

    # What a worker could not receive fails here too, not only in production.
    with pytest.raises(kombu.exceptions.EncodeError):
        media_process.delay(object())
