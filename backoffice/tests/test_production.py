"""Erasure through a real Celery worker on the Redis broker (production mode only): the request answers
at once with a pending erasure, whose status the API shows until the worker has done it."""

import time

import pytest

from backoffice.tests.conftest import NAME

pytestmark = [pytest.mark.production, pytest.mark.django_db(transaction=True)]


def test_erasure_runs_on_a_worker_and_its_status_is_visible(recruiter, org_admin, template, assessment, client_for,
                                                            eager_celery, celery_worker):
    session = assessment(recruiter, template)
    eager_celery.conf.task_always_eager = False  # the data was made in-process; the erasure goes to the worker
    admin = client_for(org_admin)
    response = admin.delete(f"/ent/candidates/{session.candidate_id}")
    assert response.status_code == 202 and response.json()["status"] in ("pending", "running", "done")
    erasure_id = response.json()["erasureId"]
    deadline = time.monotonic() + 30
    while (status := admin.get(f"/ent/erasures/{erasure_id}").json())["status"] != "done":
        assert status["status"] in ("pending", "running") and time.monotonic() < deadline, status
        time.sleep(0.2)
    assert status["counts"]["conversations"] == 1
    session.candidate.refresh_from_db()
    assert session.candidate.name == "Erased candidate" and NAME not in str(session.candidate.email)
