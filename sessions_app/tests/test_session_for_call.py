"""The per-turn read of a live call (SQL written once, juggy/rows.py) loads what the ORM loads."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sessions_app.models import Session
from sessions_app.selectors import session_for_call
from sessions_app.tests.factories import SessionFactory, add_interview

pytestmark = pytest.mark.django_db


def test_the_session_and_its_conversation_are_what_the_orm_loads(user):
    made = SessionFactory(user=user, call_id="call-rows", credits_used=3)
    add_interview(made)
    conversation = made.conversation
    conversation.started_at = timezone.now() - timedelta(minutes=2)
    conversation.plan = {"questions": [{"id": "q1", "text": "Tell me about a système you built."}]}
    conversation.analysis = {"summary": "ünïcode ✓", "scores": [{"competency": "x", "score": 4}]}
    conversation.save()

    with CaptureQueriesContext(connection) as queries:
        session = session_for_call("call-rows")
        assert session.conversation.session is session  # the reverse cache, as select_related sets it
    assert len(queries) == 1

    expected = Session.objects.select_related("conversation").get(call_id="call-rows")
    for field in Session._meta.concrete_fields:
        assert getattr(session, field.attname) == getattr(expected, field.attname), field.name
    for field in type(conversation)._meta.concrete_fields:
        assert getattr(session.conversation, field.attname) == getattr(expected.conversation, field.attname), field.name
    assert isinstance(session.conversation.plan, dict) and session.conversation.started_at.tzinfo is not None
    assert not session._state.adding and session._state.db == "default"


def test_an_unknown_call_is_none(user):
    SessionFactory(user=user, call_id="call-known")
    assert session_for_call("call-unknown") is None and session_for_call("") is None
