"""The admin as a logged-in recruiter: list, transcript inline, readable summary, actions."""

import pytest
from django.urls import reverse

from interviews_app.models import Interview
from interviews_app.tests.conftest import ANSWER

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("eager_celery")]


@pytest.fixture
def finished(api_client, create_interview):
    sid = create_interview()["sessionId"]
    api_client.post(f"/interview/{sid}/start")
    for _ in range(3):
        api_client.post(f"/interview/{sid}/response", {"response": ANSWER}, format="json")
    api_client.post(f"/interview/{sid}/end")
    return Interview.objects.get(pk=sid)


def test_superuser_reads_transcript_and_summary(client, make_user, finished, django_assert_max_num_queries):
    admin = make_user(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    with django_assert_max_num_queries(10):
        listing = client.get(reverse("admin:interviews_app_interview_changelist"))
    assert listing.status_code == 200
    assert "John Doe" in listing.content.decode()
    page = client.get(reverse("admin:interviews_app_interview_change", args=[finished.pk])).content.decode()
    assert ANSWER[:40] in page  # the transcript inline
    summary = finished.conversation.analysis
    assert "Recommendation:" in page and summary["recommendation"] in page
    assert summary["competencies"][0]["name"] in page


def test_staff_see_only_their_own_interviews(client, user, make_user, finished):
    recruiter = make_user(username="recruiter", is_staff=True)
    from django.contrib.auth.models import Permission

    recruiter.user_permissions.add(*Permission.objects.filter(codename__in=["view_interview", "change_interview"]))
    client.force_login(recruiter)
    assert client.get(reverse("admin:interviews_app_interview_change", args=[finished.pk])).status_code == 302
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_interview", "change_interview"]))
    client.force_login(user)
    assert client.get(reverse("admin:interviews_app_interview_change", args=[finished.pk])).status_code == 200


def test_end_action_goes_through_the_service(client, make_user, api_client, create_interview):
    sid = create_interview()["sessionId"]
    api_client.post(f"/interview/{sid}/start")
    api_client.post(f"/interview/{sid}/response", {"response": ANSWER}, format="json")
    admin = make_user(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.post(
        reverse("admin:interviews_app_interview_changelist"),
        {"action": "end_interviews", "_selected_action": [sid]},
        follow=True,
    )
    assert "Ended 1 interview(s)." in response.content.decode()
    interview = Interview.objects.get(pk=sid)
    assert interview.status == "ended" and interview.end_reason == "ended_by_owner"
    assert interview.summary_status == "done"  # queued on end, eager here
