"""The analysis through a real Celery worker on the Redis broker (production mode only)."""

import time

import pytest

from sessions_app.models import Session
from sessions_app.tests.factories import SessionFactory, add_interview


@pytest.mark.production
def test_analysis_runs_on_a_real_worker(celery_worker, client_for, make_user, settings):
    settings.SESSION_ANALYSIS_WAIT_SECONDS = 10  # generous: the worker thread shares 2 CPUs with others
    user = make_user(username="prod-analysis")
    client = client_for(user)
    session = SessionFactory(user=user)
    add_interview(session)

    response = client.get(f"/session/analyse/{session.pk}")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "done" and body["result"]["sufficient"] is True
    assert body["analysis"].startswith("Overall score:")
    stored = Session.objects.get(pk=session.pk)
    assert stored.conversation.analysis_status == "done" and stored.conversation.analysis_score == body["result"]["overallScore"]


@pytest.mark.production
def test_pending_then_done_on_a_real_worker_with_one_run(celery_worker, client_for, make_user, settings):
    settings.SESSION_ANALYSIS_WAIT_SECONDS = 0
    user = make_user(username="prod-pending")
    client = client_for(user)
    session = SessionFactory(user=user)
    add_interview(session)

    first = client.get(f"/session/analyse/{session.pk}")
    assert first.status_code in (200, 202)
    run_id = Session.objects.get(pk=session.pk).conversation.analysis_run_id
    # Asking again while it runs does not start a second run.
    client.get(f"/session/analyse/{session.pk}")
    deadline = time.monotonic() + 20
    while Session.objects.get(pk=session.pk).conversation.analysis_status != "done":
        assert time.monotonic() < deadline, "the worker did not finish the analysis"
        time.sleep(0.1)
    stored = Session.objects.get(pk=session.pk)
    assert stored.conversation.analysis_run_id == run_id
    assert client.get(f"/session/analyse/{session.pk}").json()["status"] == "done"
