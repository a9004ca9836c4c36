import threading

import pytest
from django.db import connection

from sessions_app import services
from sessions_app.models import Session
from sessions_app.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


def link(client, session, call_id="call-1", path="/session/link"):
    return client.post(path, {"callId": call_id, "sessionId": str(session.pk)}, format="json")


def test_link_standard_session_and_repeat_is_idempotent(api_client, user):
    session = SessionFactory(user=user)
    response = link(api_client, session)
    assert response.status_code == 200
    assert response.json() == {"message": f"linked callid call-1 to session ({session.pk})"}
    session.refresh_from_db()
    assert session.call_id == "call-1" and session.status == Session.Status.LINKED
    again = link(api_client, session)
    assert again.status_code == 200 and again.json() == response.json()


def test_session_with_another_call_is_409(api_client, user):
    session = SessionFactory(user=user, call_id="call-1", status=Session.Status.LINKED)
    response = link(api_client, session, "call-2")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "session_already_linked"
    session.refresh_from_db()
    assert session.call_id == "call-1"


def test_call_linked_elsewhere_is_409(api_client, user):
    SessionFactory(user=user, call_id="call-1")
    session = SessionFactory(user=user)
    response = link(api_client, session, "call-1")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "call_already_linked"
    session.refresh_from_db()
    assert session.call_id is None


def test_other_users_session_is_404(other_client, user):
    session = SessionFactory(user=user)
    response = link(other_client, session)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "session_not_found"
    session.refresh_from_db()
    assert session.call_id is None


def test_unknown_session_is_404(api_client):
    response = api_client.post(
        "/session/link", {"callId": "c", "sessionId": "00000000-0000-0000-0000-000000000000"}, format="json"
    )
    assert response.status_code == 404


@pytest.mark.parametrize("body", [{}, {"callId": "c"}, {"callId": "", "sessionId": "x"}, {"callId": "c", "sessionId": "nope"}])
def test_invalid_body_is_400(api_client, body):
    response = api_client.post("/session/link", body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


def test_wrong_kind_is_400_both_ways(api_client, recruiter_client, user, recruiter, org):
    standard = SessionFactory(user=user)
    response = link(api_client, standard, path="/ent/session/link")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "wrong_session_kind"

    enterprise = SessionFactory(user=recruiter, enterprise=True, organisation=org)
    response = link(recruiter_client, enterprise, path="/session/link")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "wrong_session_kind"


def test_enterprise_link_by_any_recruiter_of_the_organisation(client_for, make_user, recruiter, org):
    from juggy.accounts.tests.factories import MembershipFactory

    colleague = make_user(username="colleague")
    MembershipFactory(user=colleague, organisation=org)
    session = SessionFactory(user=recruiter, enterprise=True, organisation=org)
    response = link(client_for(colleague), session, "vapi-call", path="/ent/session/link")
    assert response.status_code == 200
    assert response.json()["message"] == f"linked callid vapi-call to session ({session.pk})"


def test_recruiter_of_another_organisation_cannot_link(other_recruiter_client, recruiter, org):
    session = SessionFactory(user=recruiter, enterprise=True, organisation=org)
    response = link(other_recruiter_client, session, path="/ent/session/link")
    assert response.status_code == 404


def test_service_token_links_any_session(service_client, user):
    session = SessionFactory(user=user)
    assert link(service_client, session).status_code == 200


# PostgreSQL only: the in-memory SQLite test database (shared cache) reports "table is locked" to a
# concurrent writer instead of waiting; a file SQLite database serialises the writers (IMMEDIATE).
@pytest.mark.production
@pytest.mark.django_db(transaction=True)
def test_concurrent_links_of_one_call_to_two_sessions_link_only_one(make_user):
    owner = make_user(username="racer")
    sessions = [SessionFactory(user=owner) for _ in range(2)]
    outcomes = []
    barrier = threading.Barrier(2)

    def attempt(session):
        barrier.wait()
        try:
            services.session_link_call(
                sessions=Session.objects.all(), session_id=session.pk, call_id="same-call", session_kind="standard"
            )
            outcomes.append("ok")
        except Exception as exc:  # the API error is what we assert on
            outcomes.append(getattr(exc, "code", repr(exc)))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(s,)) for s in sessions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["call_already_linked", "ok"]
    assert Session.objects.filter(call_id="same-call").count() == 1
