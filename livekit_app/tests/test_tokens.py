import time
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from django.conf import settings
from django.test import override_settings
from livekit import api

from livekit_app import services
from livekit_app.tests.factories import RoomFactory

pytestmark = pytest.mark.django_db


def verify(token: str, *, key=None, secret=None):
    return api.TokenVerifier(key or settings.LIVEKIT_LOCAL_API_KEY, secret or settings.LIVEKIT_LOCAL_API_SECRET).verify(token)


@pytest.fixture
def room(user):
    return RoomFactory(owner=user, name="interview-1")


def test_get_token_for_own_room_is_verifiable_and_limited(api_client, room):
    before = datetime.now(UTC)
    response = api_client.get("/livekit/token", {"identity": "candidate123", "room": "interview-1", "name": "John Doe"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"token", "url", "identity", "roomName", "expiresAt"}
    assert (body["identity"], body["roomName"], body["url"]) == ("candidate123", "interview-1", "")
    claims = verify(body["token"])
    assert claims.identity == "candidate123" and claims.name == "John Doe"
    grants = claims.video
    assert grants.room_join is True and grants.room == "interview-1"
    assert grants.can_publish and grants.can_subscribe and grants.can_publish_data
    assert not grants.room_admin and not grants.room_create and not grants.room_list and not grants.room_record
    exp = datetime.fromisoformat(body["expiresAt"])
    assert timedelta(seconds=settings.LIVEKIT_TOKEN_TTL_SECONDS - 2) <= exp - before <= timedelta(
        seconds=settings.LIVEKIT_TOKEN_TTL_SECONDS + 2)
    assert jwt.decode(body["token"], options={"verify_signature": False})["exp"] == int(exp.timestamp())


def test_post_token_uses_room_name(api_client, room):
    response = api_client.post("/livekit/token", {"identity": "c1", "roomName": "interview-1"}, format="json")
    assert response.status_code == 200
    claims = verify(response.json()["token"])
    assert (claims.identity, claims.video.room, claims.name) == ("c1", "interview-1", "")


def test_token_rejected_with_wrong_secret_and_when_expired(api_client, room, settings):
    token = api_client.get("/livekit/token", {"identity": "c1", "room": "interview-1"}).json()["token"]
    with pytest.raises(jwt.InvalidSignatureError):
        verify(token, secret="not-the-secret-but-long-enough-for-hs256")
    with pytest.raises(jwt.InvalidIssuerError):
        verify(token, key="another-key")
    settings.LIVEKIT_TOKEN_TTL_SECONDS = 1
    short = services.token_mint(identity="c1", room_name="interview-1", ttl=1).token
    expired_check = api.TokenVerifier(settings.LIVEKIT_LOCAL_API_KEY, settings.LIVEKIT_LOCAL_API_SECRET,
                                      leeway=timedelta(0))
    assert expired_check.verify(short).identity == "c1"
    payload = jwt.decode(short, options={"verify_signature": False})
    payload["exp"] = payload["nbf"] - 1
    stale = jwt.encode(payload, settings.LIVEKIT_LOCAL_API_SECRET, algorithm="HS256")
    with pytest.raises(jwt.ExpiredSignatureError):
        expired_check.verify(stale)


@override_settings(LIVEKIT_TOKEN_TTL_SECONDS=120)
def test_ttl_is_configurable(api_client, room):
    body = api_client.get("/livekit/token", {"identity": "c1", "room": "interview-1"}).json()
    payload = jwt.decode(body["token"], options={"verify_signature": False})
    assert payload["exp"] - payload["nbf"] == 120


def test_token_signed_with_server_keys_when_configured(api_client, room, livekit_server):
    body = api_client.get("/livekit/token", {"identity": "c1", "room": "interview-1"}).json()
    assert body["url"] == livekit_server.url
    assert verify(body["token"], key=livekit_server.api_key, secret=livekit_server.api_secret).video.room == "interview-1"
    with pytest.raises(jwt.InvalidSignatureError):
        verify(body["token"])  # not the local pair any more


@pytest.mark.parametrize("params", [{"room": "interview-1"}, {"identity": "c1"}, {}, {"identity": "", "room": "interview-1"}])
def test_missing_identity_or_room_is_400(api_client, room, params):
    response = api_client.get("/livekit/token", params)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


def test_post_missing_room_is_400(api_client, room):
    response = api_client.post("/livekit/token", {"identity": "c1"}, format="json")
    assert response.status_code == 400
    # Reported under the name the client sends: roomName in the body, room in the query.
    assert response.json()["error"]["details"] == {"roomName": ["This field is required."]}
    assert response.json()["error"]["message"] == "roomName: This field is required."
    query = api_client.get("/livekit/token", {"identity": "c1"}).json()["error"]
    assert query["details"] == {"room": ["This field is required."]}


def test_configured_key_pair_signs_tokens_without_a_server(api_client, room, settings):
    # LiveKit Cloud used by the frontend only: no LIVEKIT_URL, but the project's key pair.
    settings.LIVEKIT_URL = ""
    settings.LIVEKIT_API_KEY, settings.LIVEKIT_API_SECRET = "APIcloudkey", "cloud-secret-long-enough-for-hs256-signing"
    body = api_client.post("/livekit/token", {"identity": "c1", "roomName": "interview-1"}, format="json").json()
    claims = verify(body["token"], key="APIcloudkey", secret="cloud-secret-long-enough-for-hs256-signing")
    assert (claims.identity, claims.video.room) == ("c1", "interview-1")
    with pytest.raises(jwt.InvalidSignatureError):
        verify(body["token"])  # not the local pair


def test_unknown_room_404_and_other_users_room_404(api_client, other_user):
    assert api_client.get("/livekit/token", {"identity": "c", "room": "nope"}).status_code == 404
    RoomFactory(owner=other_user, name="bobs-room")
    response = api_client.get("/livekit/token", {"identity": "c", "room": "bobs-room"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "room_not_found"


def test_service_token_may_mint_for_any_room(service_client, other_user):
    RoomFactory(owner=other_user, name="bobs-room")
    response = service_client.get("/livekit/token", {"identity": "agent", "room": "bobs-room"})
    assert response.status_code == 200


def test_each_owner_gets_tokens_for_their_own_room_of_a_shared_name(api_client, other_client, room, other_user):
    theirs = RoomFactory(owner=other_user, name="interview-1")
    mine = api_client.get("/livekit/token", {"identity": "c", "room": "interview-1"}).json()
    other = other_client.post("/livekit/token", {"identity": "c", "roomName": "interview-1"}, format="json").json()
    assert mine["roomName"] == other["roomName"] == "interview-1"
    assert verify(mine["token"]).video.room == room.livekit_name == "interview-1"
    assert verify(other["token"]).video.room == theirs.livekit_name != "interview-1"


def test_service_token_names_rooms_as_livekit_does(service_client, room, other_user, user):
    theirs = RoomFactory(owner=other_user, name="interview-1")
    by_name = service_client.get("/livekit/token", {"identity": "agent", "room": "interview-1"}).json()
    assert verify(by_name["token"]).video.room == "interview-1"  # the room holding that name on the server
    by_livekit_name = service_client.get("/livekit/token", {"identity": "agent", "room": theirs.livekit_name}).json()
    assert (by_livekit_name["roomName"], verify(by_livekit_name["token"]).video.room) == ("interview-1", theirs.livekit_name)
    # Once no room holds the name on the server, a name two users have is ambiguous.
    room.delete()
    RoomFactory(owner=user, name="interview-1", livekit_name="interview-1.0123456789abcdef")
    response = service_client.get("/livekit/token", {"identity": "agent", "room": "interview-1"})
    assert response.status_code == 409 and response.json()["error"]["code"] == "room_ambiguous"


def test_anonymous_and_bad_tokens_are_401(anon_client, room):
    assert anon_client.get("/livekit/token", {"identity": "c", "room": "interview-1"}).status_code == 401
    anon_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-real-token")
    assert anon_client.get("/livekit/token", {"identity": "c", "room": "interview-1"}).status_code == 401


# --- room passes ----------------------------------------------------------------------------------


def pass_client(anon_client, room_pass: str):
    anon_client.credentials(HTTP_AUTHORIZATION=f"Bearer {room_pass}")
    return anon_client


def test_room_pass_round_trip():
    issued = services.room_pass_issue(room_name="interview-1", room_id=None, identity="cand-1", name="Ann",
                                     scope={"interviewId": "42"})
    assert issued.startswith("jgp_")
    room_pass = services.room_pass_verify(issued)
    assert (room_pass.room_name, room_pass.identity, room_pass.name, room_pass.scope) == (
        "interview-1", "cand-1", "Ann", {"interviewId": "42"})
    assert room_pass.expires_at > datetime.now(UTC) + timedelta(hours=23)


@pytest.mark.parametrize("mangle", [
    lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),
    lambda t: t.replace("jgp_", "jgx_"),
    lambda t: "jgp_" + "x" * 20,
    lambda t: "",
])
def test_room_pass_forgeries_are_rejected(mangle):
    from juggy.errors import NotAuthenticated

    issued = services.room_pass_issue(room_name="interview-1", room_id=None, identity="cand-1")
    with pytest.raises(NotAuthenticated):
        services.room_pass_verify(mangle(issued))


def test_room_pass_signed_with_another_salt_is_rejected():
    from django.core import signing

    from juggy.errors import NotAuthenticated

    forged = "jgp_" + signing.dumps({"r": "interview-1", "i": "x", "n": "", "s": {}, "e": 2**40}, salt="other")
    with pytest.raises(NotAuthenticated):
        services.room_pass_verify(forged)


def test_room_pass_gets_token_for_its_room_and_identity(anon_client, room):
    issued = services.room_pass_issue(room_name="interview-1", room_id=room.id, identity="cand-1", name="Ann")
    client = pass_client(anon_client, issued)
    body = client.get("/livekit/token").json()  # room and identity default to the pass's
    claims = verify(body["token"])
    assert (claims.identity, claims.name, claims.video.room) == ("cand-1", "Ann", "interview-1")
    same = client.post("/livekit/token", {"identity": "cand-1", "roomName": "interview-1"}, format="json")
    assert same.status_code == 200


def test_room_pass_cannot_switch_room_or_identity(anon_client, room, other_user):
    RoomFactory(owner=other_user, name="other-room")
    client = pass_client(anon_client, services.room_pass_issue(room_name="interview-1", room_id=room.id, identity="cand-1"))
    other_room = client.get("/livekit/token", {"identity": "cand-1", "room": "other-room"})
    assert other_room.status_code == 403
    assert other_room.json()["error"]["code"] == "room_pass_room_mismatch"
    other_identity = client.post("/livekit/token", {"identity": "interviewer", "roomName": "interview-1"}, format="json")
    assert other_identity.status_code == 403
    assert other_identity.json()["error"]["code"] == "room_pass_identity_mismatch"


def test_room_pass_token_never_outlives_the_pass(anon_client, room):
    client = pass_client(anon_client, services.room_pass_issue(room_name="interview-1", room_id=room.id, identity="c", ttl=30))
    payload = jwt.decode(client.get("/livekit/token").json()["token"], options={"verify_signature": False})
    assert payload["exp"] - payload["nbf"] <= 30


def test_expired_or_tampered_room_pass_is_401(anon_client, room, monkeypatch):
    issued = services.room_pass_issue(room_name="interview-1", room_id=room.id, identity="c", ttl=5)
    real_time = services.time.time
    monkeypatch.setattr(services.time, "time", lambda: real_time() - 10)
    expired = services.room_pass_issue(room_name="interview-1", room_id=room.id, identity="c", ttl=5)
    monkeypatch.undo()
    response = pass_client(anon_client, expired).get("/livekit/token")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"
    response = pass_client(anon_client, issued[:-3] + "zzz").get("/livekit/token")
    assert response.status_code == 401


def test_room_pass_for_deleted_room_is_404_even_once_the_name_is_used_again(anon_client, user, other_user):
    room = RoomFactory(owner=user, name="gone-room")
    client = pass_client(anon_client, services.room_pass_issue(room_name="gone-room", room_id=room.id, identity="c"))
    room.delete()
    assert client.get("/livekit/token").status_code == 404
    # The name, and with it the name on the LiveKit server, may go to another room: the pass stays closed.
    assert RoomFactory(owner=other_user, name="gone-room").livekit_name == "gone-room"
    assert client.get("/livekit/token").status_code == 404
    no_room = services.room_pass_issue(room_name="gone-room", room_id=None, identity="c")
    assert pass_client(anon_client, no_room).get("/livekit/token").status_code == 404


def test_room_pass_from_before_per_owner_names_still_works(anon_client, room):
    from django.core import signing

    # Passes issued before names were per owner carry only the name, which was the LiveKit name.
    legacy = "jgp_" + signing.dumps({"r": "interview-1", "i": "c", "n": "", "s": {}, "e": int(time.time()) + 60},
                                    salt=services.ROOM_PASS_SALT, compress=True)
    assert services.room_pass_verify(legacy).room_id is None
    body = pass_client(anon_client, legacy).get("/livekit/token").json()
    assert (body["roomName"], verify(body["token"]).video.room) == ("interview-1", "interview-1")


def test_room_pass_of_a_namesake_room_grants_its_own_room(anon_client, room, other_user):
    theirs = RoomFactory(owner=other_user, name="interview-1")
    client = pass_client(anon_client, services.room_pass_issue(room_name="interview-1", room_id=theirs.id, identity="c"))
    body = client.get("/livekit/token").json()
    assert body["roomName"] == "interview-1" and verify(body["token"]).video.room == theirs.livekit_name != "interview-1"


def test_room_pass_does_not_open_room_endpoints(anon_client, room):
    client = pass_client(anon_client, services.room_pass_issue(room_name="interview-1", room_id=room.id, identity="c"))
    assert client.get("/livekit/room/interview-1").status_code == 401
    assert client.get("/livekit/rooms").status_code == 401
