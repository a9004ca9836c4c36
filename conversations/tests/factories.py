import factory
from django.db.models import F
from django.db.models.functions import Greatest

from conversations.models import Conversation, Turn


class ConversationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conversation

    origin = Conversation.Origin.VAPI_SESSION
    job = factory.LazyFunction(lambda: {"assessment_area": "Backend engineering", "target_role": "Backend engineer",
                                        "target_company": "Acme", "mode": "practice"})


class ConversationTurnFactory(factory.django.DjangoModelFactory):
    """A stored turn; the conversation's turn count follows, as the services keep it."""

    class Meta:
        model = Turn
        skip_postgeneration_save = True

    conversation = factory.SubFactory(ConversationFactory)
    index = factory.Sequence(lambda n: n)
    speaker = Turn.Speaker.CANDIDATE
    text = "An answer."
    transport = Turn.Transport.VAPI

    @factory.post_generation
    def count(turn, create, extracted, **kwargs):
        if create:
            Conversation.objects.filter(pk=turn.conversation_id).update(
                turn_count=Greatest(F("turn_count"), turn.index + 1)
            )
            turn.conversation.refresh_from_db(fields=["turn_count"])
