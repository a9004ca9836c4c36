import pytest
from rest_framework.test import APIClient

from interviews_app.tests.factories import JOB_DESCRIPTION

# A substantive answer: action, result and numbers, so the built-in engine moves on without follow-ups.
ANSWER = (
    "In my last role I led the migration of our React frontend and NestJS API to a typed monorepo. "
    "I designed the module boundaries myself, wrote the shared DTO package and set up CI with tests. "
    "As a result deploys went from weekly to daily and production incidents dropped by forty percent."
)


@pytest.fixture
def create_interview(api_client):
    """POST /interview as the contract's example; returns the 201 body."""

    def create(client=None, **fields) -> dict:
        body = {
            "roomName": "interview-room-123",
            "candidateId": "candidate123",
            "candidateName": "John Doe",
            "jobDescription": JOB_DESCRIPTION,
            **fields,
        }
        response = (client or api_client).post("/interview", body, format="json")
        assert response.status_code == 201, response.content
        return response.json()

    return create


@pytest.fixture
def candidate_client():
    """A client authenticated with a candidate token: candidate_client(token)."""

    def build(token: str) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        return client

    return build


@pytest.fixture
def eager_celery():
    """Run tasks in-process also in production mode, for tests about the result, not the transport
    (test_production covers the real worker)."""
    from juggy.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous
