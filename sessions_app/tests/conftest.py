import pytest

from juggy.accounts.tests.factories import MembershipFactory, OrganisationFactory


@pytest.fixture
def org(db):
    return OrganisationFactory(name="Acme Hiring")


@pytest.fixture
def other_org(db):
    return OrganisationFactory(name="Globex Hiring")


@pytest.fixture
def recruiter(make_user, org):
    user = make_user(username="rita", is_staff=True)
    MembershipFactory(user=user, organisation=org)
    return user


@pytest.fixture
def other_recruiter(make_user, other_org):
    user = make_user(username="otto", is_staff=True)
    MembershipFactory(user=user, organisation=other_org)
    return user


@pytest.fixture
def recruiter_client(client_for, recruiter):
    return client_for(recruiter)


@pytest.fixture
def other_recruiter_client(client_for, other_recruiter):
    return client_for(other_recruiter)


@pytest.fixture
def eager_celery():
    """Run tasks in-process also in production mode: tests of the flow, not of the broker (the
    production tests run a real worker)."""
    from juggy.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = previous
