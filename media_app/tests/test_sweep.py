"""The stuck-work sweep (media_app.services.media_sweep_stuck), in either mode, with the task run eagerly."""

from datetime import timedelta

import pytest
from django.utils import timezone

from media_app import services
from media_app.models import Media
from media_app.tests.documents import resume_pdf

pytestmark = pytest.mark.django_db(transaction=True)


def upload(api_client, *, v2=False) -> Media:
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = api_client.post("/media/upload/v2" if v2 else "/media/upload",
                               {"file": SimpleUploadedFile("r.pdf", resume_pdf())}, format="multipart")
    assert response.status_code == 201, response.content
    return Media.objects.get(pk=response.json()["mediaId"])


def age(media: Media, *, touched: float, created: float | None = None) -> None:
    now = timezone.now()
    fields = {"updated_at": now - timedelta(seconds=touched)}
    if created is not None:
        fields["created_at"] = now - timedelta(seconds=created)
    Media.objects.filter(pk=media.pk).update(**fields)


def test_a_parse_left_by_a_dead_worker_is_queued_again_and_finishes(api_client, settings):
    media = upload(api_client)
    Media.objects.filter(pk=media.pk).update(state="parsing", text="", page_count=None)
    age(media, touched=settings.WORK_STUCK_AFTER_SECONDS + 1)
    assert services.media_sweep_stuck() == {"requeued": 1, "failed": 0}
    media.refresh_from_db()
    assert media.state == "parsed" and media.page_count == 1  # the (eager) task ran again


def test_fresh_work_is_left_alone(api_client):
    media = upload(api_client)
    Media.objects.filter(pk=media.pk).update(state="parsing")
    assert services.media_sweep_stuck() == {"requeued": 0, "failed": 0}
    assert Media.objects.get(pk=media.pk).state == "parsing"


def test_work_stuck_long_after_upload_is_failed_with_the_reason(api_client, settings):
    media = upload(api_client, v2=True)
    Media.objects.filter(pk=media.pk).update(state="parsing", structure_state="pending")
    age(media, touched=settings.WORK_STUCK_AFTER_SECONDS + 1, created=settings.WORK_GIVE_UP_AFTER_SECONDS + 1)
    assert services.media_sweep_stuck() == {"requeued": 0, "failed": 1}
    media.refresh_from_db()
    assert media.state == "failed" and "worker processing this document stopped" in media.parse_error
    assert media.structure_state == "failed" and media.structure_error == media.parse_error
    listed = api_client.get(f"/media/{media.pk}").json()
    assert listed["state"] == "failed" and listed["parseError"] == media.parse_error


def test_structuring_left_pending_is_queued_again(api_client, settings):
    media = upload(api_client, v2=True)
    Media.objects.filter(pk=media.pk).update(structure_state="pending", structured=None)
    age(media, touched=settings.WORK_STUCK_AFTER_SECONDS + 1)
    assert services.media_sweep_stuck()["requeued"] == 1
    media.refresh_from_db()
    assert media.structure_state == "done" and media.structured["name"] == "Jane Doe"
