import factory

from interviews_app.models import Interview, InterviewMessage
from juggy.accounts.tests.factories import UserFactory

JOB_DESCRIPTION = "Looking for someone experienced in NestJS and React"


class InterviewFactory(factory.django.DjangoModelFactory):
    """A bare interview row; tests that need a plan and a room go through POST /interview instead."""

    class Meta:
        model = Interview

    owner = factory.SubFactory(UserFactory)
    room_name = factory.Sequence(lambda n: f"room-{n}")
    candidate_id = factory.Sequence(lambda n: f"candidate-{n}")
    candidate_name = "John Doe"
    job_description = JOB_DESCRIPTION


class InterviewMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InterviewMessage

    interview = factory.SubFactory(InterviewFactory)
    index = factory.Sequence(int)
    role = InterviewMessage.Role.INTERVIEWER
    text = "Tell me about yourself."
    source = InterviewMessage.Source.ENGINE
