"""Candidate erasure (one service; the admin action, DELETE /ent/candidates/{id}, the Celery task) and
retention. The proof of "no trace": after the erasure, no file is left under MEDIA_ROOT and a dump of
every table holds none of the strings that identified the candidate."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from backoffice.models import AuditEvent, Erasure
from backoffice.tests.conftest import ANSWERS, EMAIL, NAME, browser_client
from conversations.models import Conversation, Review
from media_app.models import Media
from sessions_app.models import Candidate, Session

pytestmark = pytest.mark.django_db(transaction=True)

# What identified the candidate: name, email, the resume's employer and phone, and their own words.
TRACES = [NAME, "Zelda", "Quokkaford", EMAIL, "7946 0111", "Lisbon", ANSWERS[0][:60], ANSWERS[1][:60]]


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def database_dump() -> str:
    out = io.StringIO()
    call_command("dumpdata", "--natural-foreign", exclude=["contenttypes", "auth.permission", "sessions"], stdout=out)
    return out.getvalue()


def traces_in(text: str) -> list[str]:
    return [t for t in TRACES if t.lower() in text.lower()]


@pytest.fixture
def erased_setup(recruiter, org_admin, template, assessment, client_for):
    """An analysed, reviewed, viewed and exported assessment, with synthesized speech of its lines."""
    session = assessment(recruiter, template)
    conversation = session.conversation
    # Speech of every interviewer line, as a voice frontend would have asked for it.
    speech = client_for(recruiter)
    for turn in conversation.turns.filter(speaker="interviewer"):
        assert speech.post("/audio/synthesize", {"text": turn.text, "voice": "alloy"}, format="json").status_code == 200
    admin = browser_client(recruiter)
    first = conversation.analysis["competencies"][0]
    admin.post(reverse("admin:sessions_app_session_review", args=[session.pk]), {
        **{f"score_{c['competency']}": str(c["score"]) for c in conversation.analysis["competencies"]},
        f"score_{first['competency']}": "1" if first["score"] != 1 else "5", "recommendation": "no_hire",
        "reason": f"{NAME} could not explain Quokkaford's dispatch design.", "_override": "1",
    })
    admin.get(reverse("admin:sessions_app_session_change", args=[session.pk]))
    admin.post(reverse("admin:sessions_app_session_changelist"),
               {"action": "export_csv", "_selected_action": [str(session.pk)]})
    candidate = session.candidate
    candidate.name = NAME + " "  # an edit the change log records (with the name)
    candidate.save()
    before = traces_in(database_dump())
    assert set(before) == set(TRACES), before  # the test can fail: every trace is there first
    assert stored_files(), "the resume and the speech are files"
    return session


def test_delete_candidate_erases_every_trace_and_keeps_the_counts(erased_setup, org_admin, client_for):
    session = erased_setup
    score = session.conversation.analysis_score
    response = client_for(org_admin).delete(f"/ent/candidates/{session.candidate_id}")
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "done" and body["counts"]["conversations"] == 1 and body["counts"]["files"] >= 2

    assert stored_files() == []
    assert traces_in(database_dump()) == []

    # What remains: an anonymised stub that still counts.
    stub = Session.objects.select_related("conversation", "candidate").get(pk=session.pk)
    assert stub.candidate.name == "Erased candidate" and stub.candidate.email == ""
    assert stub.conversation.status == "ended" and stub.conversation.erased_at is not None
    assert stub.conversation.analysis_score == score and stub.conversation.turns.count() == 0
    assert Review.objects.get(conversation=stub.conversation).recommendation == "no_hire"
    assert not Media.objects.exists()
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions[-2:] == ["erasure_requested", "erased"] and {"viewed", "exported", "reviewed"} <= set(actions)

    status = client_for(org_admin).get(f"/ent/erasures/{body['erasureId']}").json()
    assert status["status"] == "done" and status["counts"] == body["counts"]

    again = client_for(org_admin).delete(f"/ent/candidates/{session.candidate_id}")  # idempotent
    assert again.status_code == 202 and again.json()["status"] == "done"
    assert again.json()["counts"]["files"] == 0 and traces_in(database_dump()) == []


def test_only_an_admin_of_the_candidates_organisation_erases(erased_setup, recruiter, other_recruiter, client_for):
    candidate_id = erased_setup.candidate_id
    forbidden = client_for(recruiter).delete(f"/ent/candidates/{candidate_id}")
    assert forbidden.status_code == 403 and forbidden.json()["error"]["code"] == "not_organisation_admin"
    assert client_for(other_recruiter).delete(f"/ent/candidates/{candidate_id}").status_code == 404
    assert not Erasure.objects.exists() and Candidate.objects.get(pk=candidate_id).name.startswith(NAME)


def test_admin_action_erases_for_organisation_admins(erased_setup, org_admin, recruiter):
    changelist = reverse("admin:sessions_app_candidate_changelist")
    data = {"action": "erase", "_selected_action": [str(erased_setup.candidate_id)]}
    refused = browser_client(recruiter).post(changelist, data, follow=True).content.decode()
    assert "Only an admin" in refused and not Erasure.objects.exists()
    done = browser_client(org_admin).post(changelist, data, follow=True).content.decode()
    assert "Erasure of 1 candidate(s): done" in done
    assert stored_files() == [] and traces_in(database_dump()) == []
    erasures = browser_client(org_admin).get(reverse("admin:backoffice_erasure_changelist")).content.decode()
    assert "Done" in erasures


def test_a_failed_erasure_shows_its_error_and_can_run_again(erased_setup, org_admin, client_for, monkeypatch):
    from backoffice import services

    def broken(conversation, counts):
        raise RuntimeError("storage is down")

    monkeypatch.setattr(services, "conversation_erase", broken)
    response = client_for(org_admin).delete(f"/ent/candidates/{erased_setup.candidate_id}")
    assert response.status_code == 202
    assert (response.json()["status"], response.json()["error"]) == ("failed", "storage is down")
    page = browser_client(org_admin).get(reverse("admin:backoffice_erasure_changelist")).content.decode()
    assert "Failed" in page
    monkeypatch.undo()
    assert client_for(org_admin).delete(f"/ent/candidates/{erased_setup.candidate_id}").json()["status"] == "done"
    assert traces_in(database_dump()) == []


# --- retention ------------------------------------------------------------------------------------


def _age(session: Session, days: int) -> None:
    Conversation.objects.filter(pk=session.conversation_id).update(ended_at=timezone.now() - timedelta(days=days))


def test_retention_erases_only_finished_interviews_past_the_period(recruiter, template, assessment, settings):
    old = assessment(recruiter, template)
    recent = assessment(recruiter, template, name="Rick Recent", email="rick@example.org")
    _age(old, 40)
    _age(recent, 5)
    from backoffice.tasks import retention_sweep

    settings.DATA_RETENTION_DAYS = 0
    assert retention_sweep.delay().get() == 0  # off by default

    settings.DATA_RETENTION_DAYS = 30
    out = io.StringIO()
    call_command("erase_expired", "--dry-run", stdout=out)
    assert "Would erase 1 interview(s)" in out.getvalue() and str(old.pk) in out.getvalue()
    assert Conversation.objects.get(pk=old.conversation_id).turns.exists()  # a dry run changes nothing

    assert retention_sweep.delay().get() == 1
    assert not Conversation.objects.get(pk=old.conversation_id).turns.exists()
    assert Conversation.objects.get(pk=recent.conversation_id).turns.exists()
    erasure = Erasure.objects.get()
    assert (erasure.kind, erasure.status, erasure.conversation_id) == ("retention", "done", old.conversation_id)
    assert retention_sweep.delay().get() == 0  # erased ones are not erased again
    out = io.StringIO()
    call_command("erase_expired", "--dry-run", stdout=out)
    assert "Would erase 0 interview(s)" in out.getvalue()
