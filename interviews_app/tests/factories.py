import factory

from conversations.models import Conversation, Turn
from conversations.tests.factories import ConversationFactory, ConversationTurnFactory
from interviews_app.models import Interview
from juggy.accounts.tests.factories import UserFactory

JOB_DESCRIPTION = "Looking for someone experienced in NestJS and React"


class InterviewFactory(factory.django.DjangoModelFactory):
    """A bare interview row; tests that need a plan and a room go through POST /interview instead."""

    class Meta:
        model = Interview

    class Params:
        job_description = JOB_DESCRIPTION

    conversation = factory.SubFactory(
        ConversationFactory,
        origin=Conversation.Origin.INTERVIEW,
        job=factory.LazyAttribute(lambda c: {"job_description": c.factory_parent.job_description, "mode": "enterprise"}),
    )
    owner = factory.SubFactory(UserFactory)
    room_name = factory.Sequence(lambda n: f"room-{n}")
    candidate_id = factory.Sequence(lambda n: f"candidate-{n}")
    candidate_name = "John Doe"


class InterviewMessageFactory(ConversationTurnFactory):
    """A turn of an interview's conversation: InterviewMessageFactory(interview=..., role=...)."""

    class Params:
        interview = factory.SubFactory(InterviewFactory)
        role = Turn.Speaker.INTERVIEWER

    conversation = factory.SelfAttribute("interview.conversation")
    speaker = factory.SelfAttribute("role")
    text = "Tell me about yourself."
    transport = Turn.Transport.REST
