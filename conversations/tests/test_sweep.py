"""The analysis sweep: an analysis (or interview summary) whose worker died is queued again."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conversations import services
from conversations.models import Conversation
from conversations.tasks import conversation_sweep
from sessions_app.tests.factories import SessionFactory, add_interview

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _eager():
    from juggy.celery import app

    previous, app.conf.task_always_eager = app.conf.task_always_eager, True
    yield
    app.conf.task_always_eager = previous


@pytest.mark.parametrize("status", ["pending", "running"])
def test_a_stale_analysis_is_queued_again_and_runs(settings, status):
    session = SessionFactory()
    add_interview(session)
    stale = timezone.now() - timedelta(seconds=settings.WORK_STUCK_AFTER_SECONDS + 1)
    Conversation.objects.filter(session=session).update(analysis_status=status, analysis_requested_at=stale)
    assert conversation_sweep.delay().get() == 1
    conversation = Conversation.objects.get(session=session)
    assert conversation.analysis_status == "done" and conversation.analysis_score is not None


def test_a_recent_claim_is_left_alone():
    session = SessionFactory()
    add_interview(session)
    Conversation.objects.filter(session=session).update(analysis_status="running", analysis_requested_at=timezone.now())
    assert services.analysis_sweep_stuck() == 0
    assert Conversation.objects.get(session=session).analysis_status == "running"
