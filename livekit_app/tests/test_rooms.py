import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from juggy.errors import Conflict, ServiceUnavailable
from livekit_app import services
from livekit_app.models import Room
from livekit_app.tests.factories import ParticipantFactory, RoomFactory

pytestmark = pytest.mark.django_db


def create(client, name="interview-room-123", **extra):
    return client.post("/livekit/room", {"name": name, "emptyTimeout": 10, "maxParticipants": 2, **extra}, format="json")


# --- embedded mode --------------------------------------------------------------------------------


def test_create_room(api_client, user):
    response = create(api_client, metadata={"interviewId": "x"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "interview-room-123"
    assert (body["emptyTimeout"], body["maxParticipants"], body["state"]) == (10, 2, "created")
    assert body["owner"] == str(user.id) and body["participants"] == [] and body["live"] is None
    assert body["metadata"] == {"interviewId": "x"}
    assert Room.objects.get(name="interview-room-123").owner == user


@pytest.mark.parametrize("name", ["", "-leading-dash", "has space", "x" * 65, "slash/name", "dot.name", "ünï"])
def test_invalid_room_names_are_400(api_client, name):
    response = create(api_client, name=name)
    assert response.status_code == 400
    assert "name" in response.json()["error"]["details"]
    assert not Room.objects.exists()


def test_invalid_limits_are_400(api_client):
    response = create(api_client, emptyTimeout=-1, maxParticipants="many")
    assert response.status_code == 400
    assert set(response.json()["error"]["details"]) == {"emptyTimeout", "maxParticipants"}


def test_duplicate_name_is_409_even_for_another_user(api_client, other_client):
    assert create(api_client).status_code == 201
    for client in (api_client, other_client):
        response = create(client)
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "room_exists"
    assert Room.objects.count() == 1


def test_get_own_room_with_participants(api_client, user):
    room = RoomFactory(owner=user, name="r1")
    ParticipantFactory(room=room, identity="cand", name="Ann")
    body = api_client.get("/livekit/room/r1").json()
    assert body["name"] == "r1"
    assert [(p["identity"], p["name"], p["state"]) for p in body["participants"]] == [("cand", "Ann", "joined")]


def test_other_users_room_is_404_for_get_and_delete(api_client, other_user):
    RoomFactory(owner=other_user, name="bobs")
    assert api_client.get("/livekit/room/bobs").status_code == 404
    response = api_client.delete("/livekit/room/bobs")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "room_not_found"
    assert Room.objects.filter(name="bobs").exists()


def test_delete_room(api_client, user):
    room = RoomFactory(owner=user, name="r1")
    ParticipantFactory(room=room)
    assert api_client.delete("/livekit/room/r1").status_code == 204
    assert not Room.objects.exists()
    assert api_client.delete("/livekit/room/r1").status_code == 404


def test_trailing_slash_is_optional(api_client, user):
    RoomFactory(owner=user, name="r1")
    assert api_client.get("/livekit/room/r1/").status_code == 200
    assert api_client.get("/livekit/rooms/").status_code == 200


def test_list_only_own_rooms_in_constant_queries(api_client, user, other_user, django_assert_num_queries):
    RoomFactory(owner=other_user, name="not-mine")

    def list_rooms():
        response = api_client.get("/livekit/rooms")
        assert response.status_code == 200
        return response.json()

    RoomFactory(owner=user, name="first")
    list_rooms()  # the first request also stamps the token's last_used_at
    with CaptureQueriesContext(connection) as one:
        assert [r["name"] for r in list_rooms()] == ["first"]
    assert len(one.captured_queries) == 3  # token + user, rooms, participants
    for i in range(8):
        room = RoomFactory(owner=user, name=f"more-{i}")
        ParticipantFactory.create_batch(2, room=room)
    with django_assert_num_queries(len(one.captured_queries)):
        rooms = list_rooms()
    assert len(rooms) == 9 and "not-mine" not in {r["name"] for r in rooms}
    assert all(len(r["participants"]) == 2 for r in rooms if r["name"].startswith("more"))


def test_list_filters_by_state(api_client, user):
    RoomFactory(owner=user, name="open", state=Room.State.ACTIVE)
    RoomFactory(owner=user, name="done", state=Room.State.FINISHED)
    assert [r["name"] for r in api_client.get("/livekit/rooms", {"state": "active"}).json()] == ["open"]
    assert api_client.get("/livekit/rooms", {"state": "bogus"}).status_code == 400


def test_rooms_need_authentication(anon_client):
    assert anon_client.get("/livekit/rooms").status_code == 401
    assert create(anon_client).status_code == 401


def test_room_ensure_get_or_create(user, other_user):
    room = services.room_ensure(owner=user, name="ensure-me", max_participants=3)
    assert services.room_ensure(owner=user, name="ensure-me") == room
    assert Room.objects.count() == 1 and room.max_participants == 3
    with pytest.raises(Conflict) as exc:
        services.room_ensure(owner=other_user, name="ensure-me")
    assert exc.value.code == "room_owned_elsewhere"


def test_no_livekit_means_no_dispatch():
    assert services.livekit_configured() is False
    assert services.agent_dispatch(room_name="r1", metadata={"interviewId": "1"}) is None


# --- LiveKit mode (loopback Twirp server) ---------------------------------------------------------


def test_create_room_goes_to_livekit(api_client, livekit_server):
    response = create(api_client, metadata={"k": "v"})
    assert response.status_code == 201
    server_room = livekit_server.rooms["interview-room-123"]
    assert (server_room.empty_timeout, server_room.max_participants) == (10, 2)
    assert json.loads(server_room.metadata) == {"k": "v"}
    assert response.json()["sid"] == server_room.sid
    call = livekit_server.calls[0]
    assert call.method == "CreateRoom" and call.claims.video.room_create  # signed with our server key pair


@pytest.mark.parametrize(("code", "status", "error_code"), [
    ("already_exists", 409, "room_exists"),
    ("unavailable", 503, "livekit_error"),
    ("internal", 503, "livekit_error"),
    ("invalid_argument", 400, "livekit_invalid_request"),
    ("unauthenticated", 503, "livekit_error"),
])
def test_livekit_refusal_leaves_no_row(api_client, livekit_server, code, status, error_code):
    livekit_server.fail_next("CreateRoom", code, "nope")
    response = create(api_client)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == error_code and error["details"]["livekitCode"] == code
    assert not Room.objects.exists()


def test_livekit_timeout_is_503(api_client, livekit_server, settings):
    settings.LIVEKIT_API_TIMEOUT_SECONDS = 0.3
    livekit_server.delay("CreateRoom", 1.0)
    response = create(api_client)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "livekit_unreachable"
    assert not Room.objects.exists()


def test_livekit_unreachable_is_503(api_client, livekit_server, settings):
    livekit_server.stop()
    response = create(api_client)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "livekit_unreachable"
    assert not Room.objects.exists()


def test_get_room_shows_live_participants(api_client, livekit_server):
    create(api_client, name="live-room")
    livekit_server.add_participant("live-room", "cand-1", "Ann")
    body = api_client.get("/livekit/room/live-room").json()
    live = body["live"]
    assert live["sid"] == livekit_server.rooms["live-room"].sid and live["numParticipants"] == 1
    assert [(p["identity"], p["name"], p["state"]) for p in live["participants"]] == [("cand-1", "Ann", "active")]
    assert livekit_server.methods_called() == ["CreateRoom", "ListRooms", "ListParticipants"]
    assert livekit_server.calls[2].claims.video.room == "live-room"


def test_get_room_closed_on_livekit_has_no_live_part(api_client, user, livekit_server):
    RoomFactory(owner=user, name="closed")
    body = api_client.get("/livekit/room/closed").json()
    assert body["live"] is None and body["name"] == "closed"
    assert livekit_server.methods_called() == ["ListRooms"]


def test_list_rooms_asks_livekit_once(api_client, user, livekit_server):
    for i in range(3):
        create(api_client, name=f"r{i}")
    RoomFactory(owner=user, name="local-only")
    livekit_server.calls.clear()
    rooms = api_client.get("/livekit/rooms").json()
    assert livekit_server.methods_called() == ["ListRooms"]
    assert set(livekit_server.calls[0].request.names) == {"r0", "r1", "r2", "local-only"}
    live = {r["name"]: r["live"] for r in rooms}
    assert live["local-only"] is None
    assert live["r0"]["participants"] is None and live["r0"]["numParticipants"] == 0


def test_list_rooms_when_livekit_down_is_503(api_client, user, livekit_server):
    RoomFactory(owner=user, name="r1")
    livekit_server.fail_next("ListRooms", "unavailable")
    assert api_client.get("/livekit/rooms").status_code == 503


def test_delete_room_on_livekit(api_client, livekit_server):
    create(api_client, name="bye")
    assert api_client.delete("/livekit/room/bye").status_code == 204
    assert "bye" not in livekit_server.rooms and not Room.objects.exists()


def test_delete_room_already_closed_on_livekit(api_client, user, livekit_server):
    RoomFactory(owner=user, name="expired")
    assert api_client.delete("/livekit/room/expired").status_code == 204
    assert livekit_server.methods_called() == ["DeleteRoom"]
    assert not Room.objects.exists()


def test_delete_room_when_livekit_down_keeps_the_row(api_client, livekit_server):
    create(api_client, name="keep")
    livekit_server.fail_next("DeleteRoom", "unavailable")
    assert api_client.delete("/livekit/room/keep").status_code == 503
    assert Room.objects.filter(name="keep").exists() and "keep" in livekit_server.rooms


def test_agent_dispatch(livekit_server, settings):
    settings.LIVEKIT_AGENT_NAME = "interviewer-bot"
    dispatch_id = services.agent_dispatch(room_name="interview-1", metadata={"interviewId": "abc"})
    dispatch = livekit_server.dispatches[0]
    assert dispatch_id == dispatch.id and dispatch_id.startswith("AD_")
    assert (dispatch.agent_name, dispatch.room) == ("interviewer-bot", "interview-1")
    assert json.loads(dispatch.metadata) == {"interviewId": "abc"}
    assert livekit_server.calls[0].claims.video.room_admin


def test_agent_dispatch_failure_is_an_api_error(livekit_server):
    livekit_server.fail_next("CreateDispatch", "unavailable")
    with pytest.raises(ServiceUnavailable):
        services.agent_dispatch(room_name="interview-1", metadata={})


def test_room_ensure_creates_on_livekit_once(user, livekit_server):
    services.room_ensure(owner=user, name="ensured")
    services.room_ensure(owner=user, name="ensured")
    assert livekit_server.methods_called() == ["CreateRoom"]
