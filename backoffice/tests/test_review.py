"""Human review: accept or override with a reason, the AI's values kept, the API's review blocks, and who
may review."""

from __future__ import annotations

import pytest
from django.urls import reverse

from backoffice.tests.conftest import browser_client
from conversations.models import Review
from sessions_app.tests.factories import SessionFactory, add_interview

pytestmark = pytest.mark.django_db(transaction=True)


def review_url(session) -> str:
    return reverse("admin:sessions_app_session_review", args=[session.pk])


def competencies(session) -> list[dict]:
    return session.conversation.analysis["competencies"]


def test_override_needs_a_reason_keeps_the_ai_values_and_shows_both(recruiter, template, assessment, client_for):
    session = assessment(recruiter, template)
    ai = session.conversation.analysis
    first = competencies(session)[0]
    new_score = 1 if first["score"] != 1 else 5
    form = {f"score_{c['competency']}": str(c["score"]) for c in competencies(session)}
    form.update({f"score_{first['competency']}": str(new_score), "recommendation": "no_hire", "_override": "1"})
    client = browser_client(recruiter)

    refused = client.post(review_url(session), {**form, "reason": "  "})
    assert refused.status_code == 200 and "Say why you override" in refused.content.decode()
    assert not Review.objects.exists()

    saved = client.post(review_url(session), {**form, "reason": "Answers were rehearsed; probed live, weak."})
    assert saved.status_code == 302
    session.conversation.refresh_from_db()
    assert session.conversation.analysis == ai  # the AI's assessment is untouched
    review = Review.objects.get(conversation=session.conversation)
    assert (review.decision, review.recommendation, review.competency_scores) == (
        "overridden", "no_hire", {first["competency"]: new_score})
    assert review.ai_snapshot["recommendation"] == ai["recommendation"] and review.reviewer == recruiter

    page = client.get(reverse("admin:sessions_app_session_change", args=[session.pk])).content.decode()
    assert "Overridden" in page and "Answers were rehearsed" in page and f"AI {first['score']}/5" in page

    body = client_for(recruiter).get(f"/session/get/{session.pk}").json()["analysis"]
    assert body["status"] == "done" and body["result"]["recommendation"] == ai["recommendation"]  # contract fields kept
    assert body["reviewStatus"] == "overridden"
    assert body["ai"]["recommendation"] == ai["recommendation"]
    reviewed = body["reviewed"]
    assert reviewed["recommendation"] == "no_hire" and reviewed["aiRecommendation"] == ai["recommendation"]
    changed = next(c for c in reviewed["competencies"] if c["competency"] == first["competency"])
    assert (changed["score"], changed["aiScore"], changed["overridden"]) == (new_score, first["score"], True)
    analyse = client_for(recruiter).get(f"/session/analyse/{session.pk}").json()
    assert analyse["reviewStatus"] == "overridden" and analyse["analysis"]  # the report is still there


def test_accept_keeps_the_ai_recommendation(recruiter, template, assessment, client_for):
    session = assessment(recruiter, template)
    assert client_for(recruiter).get(f"/session/get/{session.pk}").json()["analysis"]["reviewStatus"] == "pending"
    response = browser_client(recruiter).post(review_url(session), {
        **{f"score_{c['competency']}": str(c["score"]) for c in competencies(session)},
        "recommendation": session.conversation.analysis["recommendation"], "reason": "", "_accept": "1",
    })
    assert response.status_code == 302
    body = client_for(recruiter).get(f"/session/get/{session.pk}").json()["analysis"]
    assert body["reviewStatus"] == "accepted"
    assert body["reviewed"]["recommendation"] == session.conversation.analysis["recommendation"]
    assert not any(c["overridden"] for c in body["reviewed"]["competencies"])


def test_an_override_that_changes_nothing_is_refused(recruiter, template, assessment):
    session = assessment(recruiter, template)
    form = {f"score_{c['competency']}": str(c["score"]) for c in competencies(session)}
    response = browser_client(recruiter).post(review_url(session), {
        **form, "recommendation": session.conversation.analysis["recommendation"], "reason": "x", "_override": "1"})
    assert response.status_code == 200 and "accept it instead" in response.content.decode()


def test_only_the_organisations_staff_review(recruiter, other_recruiter, make_user, template, assessment, user):
    session = assessment(recruiter, template)
    assert browser_client(other_recruiter).get(review_url(session)).status_code in (302, 403)
    root = make_user(username="root", is_staff=True, is_superuser=True)
    assert browser_client(root).get(review_url(session)).status_code == 403  # sees it, is no member: no say
    assert browser_client(recruiter).get(review_url(session)).status_code == 200


def test_practice_sessions_are_never_reviewable(user, make_user, client_for):
    practice = SessionFactory(user=user, analysis={"overall_score": 3.0, "recommendation": "lean_hire",
                                                   "competencies": [{"competency": "x", "name": "X", "score": 3}]},
                              analysis_status="done")
    add_interview(practice)
    root = make_user(username="root", is_staff=True, is_superuser=True)
    assert browser_client(root).get(review_url(practice)).status_code == 403
    page = browser_client(root).get(reverse("admin:sessions_app_session_change", args=[practice.pk])).content.decode()
    assert "Practice (not reviewed)" in page and "Review this scorecard" not in page
    body = client_for(user).get(f"/session/get/{practice.pk}").json()["analysis"]
    assert body["reviewStatus"] == "not_reviewable" and body["reviewed"] is None


@pytest.mark.usefixtures("eager_celery")
def test_interview_summary_has_the_review_blocks(api_client, user):
    created = api_client.post("/interview", {"roomName": "review-room", "candidateId": "c-1", "candidateName": "Ann",
                                             "jobDescription": "Backend engineer on Django."}, format="json").json()
    sid = created["sessionId"]
    api_client.post(f"/interview/{sid}/start")
    from sessions_app.tests.factories import GOOD_ANSWERS

    for answer in GOOD_ANSWERS:
        api_client.post(f"/interview/{sid}/response", {"response": answer}, format="json")
    api_client.post(f"/interview/{sid}/end")
    body = api_client.get(f"/interview/{sid}/summary").json()
    assert body["status"] == "done" and body["summary"]["recommendation"]
    # An interview by a user of no organisation: nobody reviews it, and the AI values are there.
    assert body["reviewStatus"] == "pending" and body["reviewed"] is None
    assert body["ai"]["recommendation"] == body["summary"]["recommendation"]

