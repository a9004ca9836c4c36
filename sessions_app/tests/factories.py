import factory

from conversations.models import Conversation, Turn
from conversations.tests.factories import ConversationFactory, ConversationTurnFactory
from juggy.accounts.tests.factories import OrganisationFactory, UserFactory
from media_app.models import Media
from sessions_app import services
from sessions_app.models import AssessmentTemplate, Candidate, Session

RESUME_TEXT = (
    "Jane Doe. Senior backend engineer at Acme. Built Django and PostgreSQL services handling 2 million "
    "requests a day; led the migration to Celery workers; mentored four engineers."
)

# Answers long and concrete enough for the built-in engine to judge (it needs 60+ words over 2+ answers).
GOOD_ANSWERS = [
    "I have spent six years building backend services in Python and Django. At Acme I led the team that "
    "rebuilt our billing API on PostgreSQL, and we cut the p95 latency from 800 to 120 milliseconds by "
    "adding the right indexes and moving slow work into Celery workers.",
    "When two teammates disagreed about caching, I wrote down both designs, measured them against real "
    "traffic for a week, and we picked the one that reduced database load by 40 percent. I then documented "
    "the decision so new engineers understood why we chose it.",
]


class MediaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Media

    owner = factory.SubFactory(UserFactory)
    file = factory.Sequence(lambda n: f"uploads/test/{n}.pdf")
    original_name = "resume.pdf"
    extension = ".pdf"
    content_type = "application/pdf"
    size = 1234
    state = Media.State.PARSED
    text = RESUME_TEXT
    structured = factory.LazyFunction(lambda: {"name": "Jane Doe", "skills": ["Django", "PostgreSQL"]})


class TemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssessmentTemplate

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Backend assessment {n}")
    role = "Backend engineer"
    job_description = "Design and run Django services on PostgreSQL with Celery and Redis."
    competencies = factory.LazyFunction(
        lambda: [
            {"key": "system_design", "name": "System design", "description": "Designs services that scale.",
             "rubric": {"1": "No structure", "5": "Clear trade-offs"}},
            {"key": "collaboration", "name": "Collaboration", "description": "Works through disagreement."},
        ]
    )
    question_bank = factory.LazyFunction(lambda: ["Tell me about a system you designed end to end."])


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Candidate

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Candidate {n}")
    email = factory.LazyAttribute(lambda c: f"{c.name.replace(' ', '.').lower()}@example.com")


# Conversation fields (status as clients see it, "linked" included) go to the session's conversation.
CONVERSATION_FIELDS = ("status", "analysis", "analysis_status", "analysis_score", "analysis_error", "plan", "state",
                       "started_at", "ended_at", "resume_text", "resume", "media")


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    conversation = factory.SubFactory(ConversationFactory, origin=Conversation.Origin.VAPI_SESSION)
    user = factory.SubFactory(UserFactory)
    kind = Session.Kind.STANDARD
    assessment_area = "Backend engineering"
    context = factory.LazyFunction(lambda: {"target_role": "Backend engineer", "target_company": "Acme"})

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        conversation = kwargs["conversation"]
        changes = {name: kwargs.pop(name) for name in CONVERSATION_FIELDS if name in kwargs}
        if "status" in changes:
            status = str(changes["status"])
            changes["status"] = {"linked": "created", "completed": "ended"}.get(status, status)
        # The job snapshot a session created through the services would have.
        job = services.session_job_context(
            kind=kwargs.get("kind", Session.Kind.STANDARD), context=kwargs.get("context") or {},
            assessment_area=kwargs.get("assessment_area", ""), user=kwargs["user"], template=kwargs.get("template"),
            candidate_name=kwargs["candidate"].name if kwargs.get("candidate") else "",
        ).to_dict()
        changes["job"] = {k: v for k, v in job.items() if k not in ("resume_text", "resume")}
        for name, value in changes.items():
            setattr(conversation, name, value)
        conversation.save()
        return super()._create(model_class, *args, **kwargs)

    class Params:
        enterprise = factory.Trait(
            kind=Session.Kind.ENTERPRISE,
            organisation=factory.SubFactory(OrganisationFactory),
            template=factory.SubFactory(TemplateFactory, organisation=factory.SelfAttribute("..organisation")),
            candidate=factory.SubFactory(CandidateFactory, organisation=factory.SelfAttribute("..organisation")),
        )


class TurnFactory(ConversationTurnFactory):
    """A turn of a session's conversation: TurnFactory(session=..., role=..., source=...)."""

    class Params:
        session = factory.SubFactory(SessionFactory)
        role = Turn.Speaker.CANDIDATE
        source = Turn.Transport.VAPI

    conversation = factory.SelfAttribute("session.conversation")
    speaker = factory.SelfAttribute("role")
    transport = factory.SelfAttribute("source")


def add_interview(session: Session, answers=GOOD_ANSWERS) -> None:
    """A transcript: one interviewer question, then one candidate answer, per answer."""
    for i, answer in enumerate(answers):
        TurnFactory(session=session, index=2 * i, role=Turn.Speaker.INTERVIEWER, text=f"Question {i + 1}?")
        TurnFactory(session=session, index=2 * i + 1, role=Turn.Speaker.CANDIDATE, text=answer)
