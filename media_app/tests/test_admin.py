"""The media admin as a logged-in superuser: list, filters, search, readable detail, re-parse action."""

import pytest
from django.test import Client

from media_app.models import Media
from media_app.tests.factories import MediaFactory


@pytest.fixture
def admin_client(make_user):
    admin = make_user(username="root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    return client


@pytest.mark.django_db
def test_changelist_shows_owner_type_size_state_and_filters(admin_client, user, django_assert_max_num_queries):
    MediaFactory.create_batch(3, owner=user)
    MediaFactory(owner=user, original_name="broken.pdf", state=Media.State.FAILED, content_type="application/pdf")

    with django_assert_max_num_queries(12):
        response = admin_client.get("/admin/media_app/media/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "broken.pdf" in page and "alice" in page and "application/pdf" in page and "Failed" in page

    filtered = admin_client.get("/admin/media_app/media/", {"state__exact": "failed"}).content.decode()
    assert "broken.pdf" in filtered and "resume-" not in filtered
    found = admin_client.get("/admin/media_app/media/", {"q": "broken"}).content.decode()
    assert "broken.pdf" in found and "resume-" not in found


@pytest.mark.django_db
def test_detail_shows_text_and_structured_resume(admin_client, user):
    media = MediaFactory(owner=user, structured={"name": "Jane <Doe>", "skills": ["Python"]})
    page = admin_client.get(f"/admin/media_app/media/{media.id}/change/").content.decode()
    assert "Senior Backend Engineer" in page
    assert "<strong>Jane &lt;Doe&gt;</strong>" in page and '<span class="jg-chip">Python</span>' in page  # sections, escaped
    assert "<pre" in page


@pytest.mark.django_db(transaction=True)
def test_reparse_action_parses_again(admin_client, user):
    media = MediaFactory(owner=user, state=Media.State.FAILED, parse_error="old reason", text="")
    response = admin_client.post(
        "/admin/media_app/media/", {"action": "reparse", "_selected_action": [str(media.id)]}, follow=True
    )
    assert response.status_code == 200
    assert "1 media queued for parsing." in response.content.decode()
    media.refresh_from_db()
    assert media.state == "parsed" and media.parse_error == ""
    assert media.text.startswith("Jane Doe\nSenior Backend Engineer")
