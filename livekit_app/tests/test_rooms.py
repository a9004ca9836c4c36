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


def test_duplicate_name_is_409_for_its_owner_only(api_client, other_client, user, other_user):
    assert create(api_client).status_code == 201
    response = create(api_client)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "room_exists"
    # Another user's room of the same name is theirs (issue 15: names could be squatted).
    theirs = create(other_client)
    assert theirs.status_code == 201 and theirs.json()["name"] == "interview-room-123"
    assert create(other_client).status_code == 409
    mine, other = Room.objects.get(owner=user), Room.objects.get(owner=other_user)
    # The first keeps the name on the LiveKit server; the second's is suffixed, never a client name.
    assert mine.livekit_name == "interview-room-123"
    assert other.livekit_name.startswith("interview-room-123.") and len(other.livekit_name) == 18 + 17


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
    theirs = services.room_ensure(owner=other_user, name="ensure-me")
    assert theirs != room and theirs.owner == other_user and theirs.livekit_name != room.livekit_name
    assert services.room_ensure(owner=other_user, name="ensure-me") == theirs


def test_a_name_taken_on_livekit_meanwhile_gets_a_suffix_not_a_409(user, other_user, monkeypatch):
    RoomFactory(owner=other_user, name="raced")
    # As if the other user's room had been inserted between our check and our insert.
    monkeypatch.setattr(services, "livekit_name_for", lambda name: name)
    room = services.room_create(owner=user, name="raced")
    assert room.name == "raced" and room.livekit_name.startswith("raced.")
    with pytest.raises(Conflict) as exc:
        services.room_create(owner=user, name="raced")
    assert exc.value.code == "room_exists"


def test_rooms_made_elsewhere_get_a_livekit_name_too(user, other_user):
    first, second = RoomFactory(owner=user, name="same"), RoomFactory(owner=other_user, name="same")
    assert first.livekit_name == "same" and second.livekit_name.startswith("same.")


def test_no_livekit_means_no_dispatch():
    assert services.livekit_configured() is False
    assert services.agent_dispatch(room_name="r1", metadata={"interviewId": "1"}) is None


# --- LiveKit mode (loopback Twirp server) ---------------------------------------------------------


def test_create_room_goes_to_livekit(api_client, livekit_server):
    response = create(api_client, metadata={"k": "v"})
    assert response.status_code == 201
    server_room = livekit_server.rooms["interview-room-123"]  # the name is free there: kept as is
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


def test_same_name_for_two_users_on_livekit(api_client, other_client, user, other_user, livekit_server):
    """Each user's room is a separate room on the server; each sees, lists, asks tokens for and deletes
    only their own, under the name they chose."""
    assert create(api_client, name="shared").status_code == 201
    theirs = create(other_client, name="shared")
    assert theirs.status_code == 201 and theirs.json()["name"] == "shared"
    other_room = Room.objects.get(owner=other_user)
    assert set(livekit_server.rooms) == {"shared", other_room.livekit_name}
    assert theirs.json()["sid"] == livekit_server.rooms[other_room.livekit_name].sid
    livekit_server.add_participant(other_room.livekit_name, "cand-b", "Bea")
    body = other_client.get("/livekit/room/shared").json()
    assert body["name"] == "shared" and [p["identity"] for p in body["live"]["participants"]] == ["cand-b"]
    assert api_client.get("/livekit/room/shared").json()["live"]["participants"] == []
    listed = other_client.get("/livekit/rooms").json()
    assert [(r["name"], r["id"]) for r in listed] == [("shared", str(other_room.id))]
    assert listed[0]["live"]["numParticipants"] == 1
    assert other_client.delete("/livekit/room/shared").status_code == 204
    assert set(livekit_server.rooms) == {"shared"} and Room.objects.get().owner == user


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


def test_interview_in_a_squatted_name_gets_its_own_room_and_agent(api_client, other_client, user, livekit_server, settings):
    """Issue 15: another user took the name first; the interview still gets a room of its owner's, on
    the LiveKit server under its own name, and the agent is dispatched there."""
    from interviews_app.models import Interview

    settings.LIVEKIT_AGENT_NAME = "interviewer-bot"
    assert create(other_client, name="squatted").status_code == 201
    body = {"roomName": "squatted", "candidateId": "cand-1", "jobDescription": "Backend engineer"}
    created = api_client.post("/interview", body, format="json")
    assert created.status_code == 201, created.content
    room = Room.objects.get(owner=user)
    assert created.json()["room"]["name"] == "squatted" and set(livekit_server.rooms) == {"squatted", room.livekit_name}
    assert api_client.post(f"/interview/{created.json()['sessionId']}/start").json()["interviewer"] == "livekit_agent"
    assert [d.room for d in livekit_server.dispatches] == [room.livekit_name]
    # Its room deleted, a later interview in it starts with the server's interviewer: no agent goes
    # to a room that is not there.
    again = api_client.post("/interview", {**body, "candidateId": "cand-2"}, format="json").json()["sessionId"]
    Room.objects.filter(pk=room.pk).delete()
    assert Interview.objects.get(pk=again).room is None
    assert api_client.post(f"/interview/{again}/start").json()["interviewer"] == "server"
    assert len(livekit_server.dispatches) == 1
