import pytest

from conversations import services as conversations
from conversations import tasks
from conversations.models import Conversation
from sessions_app import services
from sessions_app.models import Session
from sessions_app.tests.factories import SessionFactory, TurnFactory, add_interview

# The analysis is queued on commit: these tests commit (transaction=True) so the eager task runs.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("eager_celery")]


def analysed_session(user, **kw):
    session = SessionFactory(user=user, **kw)
    add_interview(session)
    return session


def test_first_call_runs_the_analysis_and_returns_it(api_client, user):
    session = analysed_session(user)
    response = api_client.get(f"/session/analyse/{session.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["sessionId"] == str(session.pk) and body["status"] == "done"
    result = body["result"]
    assert result["sufficient"] is True and 1 <= result["overallScore"] <= 5
    assert result["competencies"] and all(c["evidence"] for c in result["competencies"] if c["score"] >= 3)
    quote = next(e["quote"] for c in result["competencies"] for e in c["evidence"])
    assert any(quote in t.text for t in session.conversation.turns.filter(speaker="candidate"))
    assert body["analysis"].startswith("Overall score:") and "Competencies:" in body["analysis"]
    session.refresh_from_db()
    assert session.conversation.analysis_status == "done" and session.conversation.analysis_score == result["overallScore"]
    assert session.conversation.plan is not None  # planned lazily for the analysis


def test_second_call_returns_the_stored_analysis_without_running(api_client, user, monkeypatch):
    session = analysed_session(user)
    first = api_client.get(f"/session/analyse/{session.pk}").json()
    monkeypatch.setattr(services, "analysis_request", lambda **kw: pytest.fail("must not re-run"))
    assert api_client.get(f"/session/analyse/{session.pk}").json() == first


def test_rerun_replaces_the_result_only_when_it_succeeds(api_client, user, monkeypatch):
    session = analysed_session(user)
    first = api_client.get(f"/session/analyse/{session.pk}").json()

    from juggy.ai.errors import ProviderError

    def broken(*args, **kwargs):
        raise ProviderError("upstream said no", transient=False)

    monkeypatch.setattr("juggy.ai.engine.InterviewEngine.analyse", broken)
    response = api_client.get(f"/session/analyse/{session.pk}?rerun=true")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "analysis_failed"
    session.refresh_from_db()
    assert session.conversation.analysis_status == "failed" and "upstream said no" in session.conversation.analysis_error
    # The previous result is still there, and readable.
    kept = api_client.get(f"/session/analyse/{session.pk}").json()
    assert kept["result"] == first["result"] and kept["status"] == "failed"

    monkeypatch.undo()
    TurnFactory(session=session, index=10, role="candidate", text="One more considered answer about testing.")
    again = api_client.get(f"/session/analyse/{session.pk}", {"rerun": "true"})
    assert again.status_code == 200 and again.json()["status"] == "done"
    assert again.json()["analysedAt"] > first["analysedAt"]


def test_empty_transcript_is_409(api_client, user):
    session = SessionFactory(user=user)
    TurnFactory(session=session, index=0, role="interviewer", text="Hello, tell me about yourself?")
    response = api_client.get(f"/session/analyse/{session.pk}")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "empty_transcript"
    session.refresh_from_db()
    assert session.conversation.analysis_status == "none" and session.conversation.analysis is None


def test_short_transcript_gets_an_honest_insufficient_analysis(api_client, user):
    session = SessionFactory(user=user)
    add_interview(session, answers=["Yes."])
    body = api_client.get(f"/session/analyse/{session.pk}").json()
    assert body["status"] == "done" and body["result"]["sufficient"] is False
    assert body["result"]["overallScore"] is None
    assert "Not enough" in body["analysis"]


def test_pending_when_the_worker_is_slow_and_never_two_runs(api_client, user, settings, monkeypatch):
    settings.SESSION_ANALYSIS_WAIT_SECONDS = 0.2
    queued = []
    # A busy worker: the message is queued but nothing consumes it during the request.
    monkeypatch.setattr(tasks.conversation_analyse, "delay_on_commit", lambda *args: queued.append(args))
    session = analysed_session(user)
    first = api_client.get(f"/session/analyse/{session.pk}")
    assert first.status_code == 202
    assert first.json()["status"] == "pending" and first.json()["sessionId"] == str(session.pk)
    second = api_client.get(f"/session/analyse/{session.pk}?rerun=true")
    assert second.status_code == 202
    assert len(queued) == 1  # the in-flight run was not duplicated

    # The worker gets to it: the run finishes and the next call returns the result.
    tasks.conversation_analyse.apply(args=queued[0])
    done = api_client.get(f"/session/analyse/{session.pk}")
    assert done.status_code == 200 and done.json()["status"] == "done"


def test_a_superseded_run_does_not_overwrite(user, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks.conversation_analyse, "delay_on_commit", lambda *args: queued.append(args))
    session = analysed_session(user)
    services.analysis_request(session=session)
    # The first run is lost (its worker died); after the stale window a new run takes over.
    Conversation.objects.filter(session=session).update(analysis_requested_at="2000-01-01T00:00:00Z")
    services.analysis_request(session=session, force=True)
    assert len(queued) == 2
    assert conversations.analysis_run(conversation_id=queued[0][0], run_id=queued[0][1]) is False
    assert Session.objects.get(pk=session.pk).conversation.analysis is None
    assert conversations.analysis_run(conversation_id=queued[1][0], run_id=queued[1][1]) is True
    # Redelivered twice: the finished run does nothing.
    assert conversations.analysis_run(conversation_id=queued[1][0], run_id=queued[1][1]) is False


def test_transient_error_in_embedded_mode_fails_and_the_next_call_retries(api_client, user, monkeypatch):
    from juggy.ai.engine import InterviewEngine
    from juggy.ai.errors import ProviderError

    calls = []
    real = InterviewEngine.analyse

    def flaky(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise ProviderError("rate limited", transient=True)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(InterviewEngine, "analyse", flaky)
    session = analysed_session(user)
    first = api_client.get(f"/session/analyse/{session.pk}")
    assert first.status_code == 503 and first.json()["error"]["details"]["error"] == "rate limited"
    second = api_client.get(f"/session/analyse/{session.pk}")
    assert second.status_code == 200 and second.json()["status"] == "done"
    assert len(calls) == 2


def test_other_users_and_other_organisations_cannot_analyse(other_client, other_recruiter_client, recruiter_client,
                                                            user, recruiter, org):
    session = analysed_session(user)
    assert other_client.get(f"/session/analyse/{session.pk}").status_code == 404
    enterprise = SessionFactory(user=recruiter, enterprise=True, organisation=org)
    add_interview(enterprise)
    assert other_recruiter_client.get(f"/session/analyse/{enterprise.pk}").status_code == 404
    response = recruiter_client.get(f"/session/analyse/{enterprise.pk}")
    assert response.status_code == 200
    names = {c["competency"] for c in response.json()["result"]["competencies"]}
    assert "system_design" in names  # the template's competencies drive the scorecard


def test_bad_rerun_flag_is_400(api_client, user):
    session = analysed_session(user)
    response = api_client.get(f"/session/analyse/{session.pk}?rerun=maybe")
    assert response.status_code == 400
