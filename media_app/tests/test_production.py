"""Production mode: a real Celery worker on the Redis broker parses an upload."""

import time

import pytest

from media_app.models import Media
from media_app.tests.documents import resume_pdf


@pytest.mark.production
def test_worker_takes_media_from_pending_to_parsed(celery_worker, api_client, upload):
    response = upload(api_client, resume_pdf(), v2=True)

    assert response.status_code == 201
    # Answered before the worker ran: the work is queued, not done.
    assert response.json()["message"] == "document queued for parsing"
    assert response.json()["structureState"] == "pending"
    assert response.json()["state"] in ("pending", "parsing")
    media_id = response.json()["mediaId"]

    deadline = time.monotonic() + 60
    media = Media.objects.get(pk=media_id)
    while media.structure_state == "pending" and time.monotonic() < deadline:
        time.sleep(0.2)
        media.refresh_from_db()
    assert media.state == "parsed", media.parse_error
    assert media.page_count == 1 and media.language == "en"
    assert media.structure_state == "done" and media.structured["name"] == "Jane Doe"
    listed = api_client.get("/media/get-all").json()
    assert listed[0]["state"] == "parsed"
