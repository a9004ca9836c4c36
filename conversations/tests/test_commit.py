"""The one write of a turn (commit_turns, in SQL written once: juggy/rows.py) stores what the ORM reads
back, starts a conversation once, and loses cleanly to a concurrent writer."""

import pytest
from django.utils import timezone

from conversations.models import Conversation, Turn
from conversations.services import commit_turns
from conversations.tests.factories import ConversationFactory
from juggy.ai import InterviewState

pytestmark = pytest.mark.django_db

Status = Conversation.Status


def turns(*texts):
    return [Turn(speaker=speaker, text=text, transport=Turn.Transport.VAPI, question_id="q1" if speaker == "candidate" else "",
                 confidence=0.5 if speaker == "candidate" else None)
            for speaker, text in zip(["interviewer", "candidate"] * len(texts), texts, strict=False)]


def test_turns_and_state_are_stored_as_the_orm_reads_them():
    conversation = ConversationFactory()
    before = timezone.now()
    written = turns("Tell me about a système you built.", "I built a queue. ✓")
    state = InterviewState(index=1, started=True, turn_count=1)
    assert commit_turns(conversation, written, state, start=True)

    stored = Conversation.objects.get(pk=conversation.pk)
    assert (stored.version, stored.turn_count, stored.status) == (1, 2, Status.IN_PROGRESS)
    assert stored.state == state.to_dict() and stored.started_at >= before
    assert (conversation.version, conversation.status, conversation.started_at) == (1, Status.IN_PROGRESS, stored.started_at)
    rows = list(Turn.objects.filter(conversation=conversation).order_by("index"))
    assert [t.pk for t in written] == [r.pk for r in rows] and all(t.pk for t in written)
    assert [(r.index, r.speaker, r.text, r.question_id, r.confidence) for r in rows] == [
        (0, "interviewer", "Tell me about a système you built.", "", None), (1, "candidate", "I built a queue. ✓", "q1", 0.5)]
    assert all(r.created_at >= before and r.transport == "vapi" for r in rows)


def test_a_started_conversation_keeps_its_start_and_a_final_status_is_written():
    conversation = ConversationFactory()
    assert commit_turns(conversation, turns("Hello."), None, start=True)
    started = Conversation.objects.get(pk=conversation.pk).started_at
    assert commit_turns(conversation, turns("Bye."), None, start=True, status=Status.ENDED,
                        end_reason=Conversation.EndReason.COMPLETED, ended_at=timezone.now())
    stored = Conversation.objects.get(pk=conversation.pk)
    assert stored.started_at == started and stored.status == Status.ENDED and stored.ended_at is not None


def test_a_start_set_elsewhere_meanwhile_is_kept():
    # A webhook starts the conversation without a new version: the write keeps that start and status.
    conversation = ConversationFactory()
    earlier = timezone.now() - timezone.timedelta(minutes=3)
    Conversation.objects.filter(pk=conversation.pk).update(status=Status.ENDED, started_at=earlier)
    assert commit_turns(conversation, turns("Hello."), None, start=True)
    stored = Conversation.objects.get(pk=conversation.pk)
    assert stored.started_at == earlier and stored.status == Status.ENDED


def test_a_stale_writer_writes_nothing():
    conversation = ConversationFactory()
    stale = Conversation.objects.get(pk=conversation.pk)
    assert commit_turns(conversation, turns("First."), None)
    assert not commit_turns(stale, turns("Second."), None)
    assert list(Turn.objects.filter(conversation=conversation).values_list("text", flat=True)) == ["First."]
    assert Conversation.objects.get(pk=conversation.pk).version == 1
