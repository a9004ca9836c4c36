"""Fixtures: two organisations with their staff, and assessments played through the real services
(resume upload and parsing, the built-in interviewer, the analysis), so what the back office shows,
reviews and erases is what production stores."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conversations import services as core
from juggy.accounts.models import Membership
from juggy.accounts.tests.factories import MembershipFactory, OrganisationFactory
from sessions_app.models import Session
from sessions_app.tests.factories import TemplateFactory

# Strings that identify the candidate and nothing else: an erasure must leave none of them anywhere.
NAME, EMAIL = "Zelda Quokkaford", "zelda.quokkaford@example.org"
RESUME = (
    f"{NAME}\nStaff backend engineer\n{EMAIL} | +44 20 7946 0111 | Lisbon, Portugal\n\n"
    "Experience\nStaff engineer, Quokkaford Logistics, 2019 - present\n"
    "- Rebuilt the dispatch platform on Django and PostgreSQL for 40 warehouses\n\n"
    "Skills\nPython, Django, PostgreSQL, Celery\n"
)
ANSWERS = [
    "At Quokkaford Logistics I redesigned our dispatch service in Django and PostgreSQL. I split the monolith "
    "into three services, added idempotent Celery tasks and cut the p95 latency from 900 to 150 milliseconds, "
    "which let us onboard 40 warehouses in one quarter without new hardware.",
    "When my team disagreed about event sourcing I wrote both designs down, prototyped each for a week against "
    "real traffic and we chose the simpler outbox pattern; incidents dropped by half and I documented the "
    "decision for the next engineers.",
]


@pytest.fixture
def eager_celery():
    from juggy.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = previous


@pytest.fixture
def org(db):
    return OrganisationFactory(name="Acme Hiring")


@pytest.fixture
def other_org(db):
    return OrganisationFactory(name="Globex Hiring")


def _staff(make_user, organisation, username, role=Membership.Role.RECRUITER):
    user = make_user(username=username, is_staff=True)
    MembershipFactory(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def recruiter(make_user, org):
    return _staff(make_user, org, "rita")


@pytest.fixture
def org_admin(make_user, org):
    return _staff(make_user, org, "adele", Membership.Role.ADMIN)


@pytest.fixture
def other_recruiter(make_user, other_org):
    return _staff(make_user, other_org, "otto")


@pytest.fixture
def template(org):
    return TemplateFactory(organisation=org, name="Backend screen", role="Backend engineer")


def browser_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def assessment(client_for, eager_celery):
    """play(user, template, name=..., email=...): an enterprise session created through the API with an
    uploaded resume, interviewed by the built-in engine, ended and analysed."""

    def play(user, template, *, name=NAME, email=EMAIL, resume=RESUME, answers=ANSWERS) -> Session:
        api = client_for(user)
        upload = api.post("/media/upload/v2", {"file": SimpleUploadedFile("cv.txt", resume.encode())}, format="multipart")
        assert upload.status_code == 201, upload.content
        created = api.post("/ent/session", {"templateId": str(template.pk), "mediaId": upload.json()["mediaId"],
                                            "candidate": {"name": name, "email": email}}, format="json")
        assert created.status_code == 201, created.content
        session = Session.objects.select_related("conversation").get(pk=created.json()["id"])
        core.start(session.conversation, transport="vapi")
        for answer in answers:
            if core.respond(session.conversation, text=answer, transport="vapi").conversation.status != "in_progress":
                break
        session.conversation.refresh_from_db()
        if session.conversation.is_open:
            core.end(session.conversation, reason="completed", transport="vapi")
        analysed = api.get(f"/session/analyse/{session.pk}")
        assert analysed.status_code == 200, analysed.content
        session.refresh_from_db()
        session.conversation.refresh_from_db()
        return session

    return play
