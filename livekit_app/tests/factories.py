import factory

from juggy.accounts.tests.factories import UserFactory
from livekit_app.models import Participant, Room


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"room-{n}")


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    room = factory.SubFactory(RoomFactory)
    identity = factory.Sequence(lambda n: f"person-{n}")
    name = factory.Faker("name")
