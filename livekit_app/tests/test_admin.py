import pytest

from livekit_app.tests.factories import ParticipantFactory, RoomFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user(username="root", is_staff=True, is_superuser=True))
    return client


def test_room_changelist_search_and_filter(admin_client, user):
    room = RoomFactory(owner=user, name="searchable-room", state="active")
    ParticipantFactory(room=room, identity="candidate-xyz")
    RoomFactory(owner=user, name="other-room")
    response = admin_client.get("/admin/livekit_app/room/", {"q": "candidate-xyz"})
    assert response.status_code == 200
    assert b"searchable-room" in response.content and b"other-room" not in response.content
    filtered = admin_client.get("/admin/livekit_app/room/", {"state__exact": "active"})
    assert b"searchable-room" in filtered.content and b"other-room" not in filtered.content


def test_room_change_page_shows_participants_inline(admin_client, user):
    room = RoomFactory(owner=user, name="inline-room")
    ParticipantFactory(room=room, identity="cand-inline", name="Inline Person")
    response = admin_client.get(f"/admin/livekit_app/room/{room.pk}/change/")
    assert response.status_code == 200
    assert b"cand-inline" in response.content and b"Inline Person" in response.content


def test_webhook_deliveries_are_read_only(admin_client):
    assert admin_client.get("/admin/livekit_app/webhookdelivery/").status_code == 200
    assert admin_client.get("/admin/livekit_app/webhookdelivery/add/").status_code == 403
