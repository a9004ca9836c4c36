import asyncio
import time

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connections
from google.protobuf.json_format import MessageToJson
from livekit import api
from rest_framework.test import APIClient

from livekit_app.events import room_group
from livekit_app.models import Participant, Room, WebhookDelivery
from livekit_app.tests.factories import RoomFactory
from testsupport.twirp_server import sign_webhook

pytestmark = pytest.mark.django_db

_event_counter = iter(range(10**6))


def event_body(event: str, room: str = "room-1", *, identity: str = "", name: str = "", at: int | None = None,
               event_id: str | None = None) -> str:
    message = api.WebhookEvent(
        event=event, id=event_id or f"EV_{next(_event_counter)}", created_at=at or int(time.time()),
        room=api.Room(name=room, sid="RM_abc"),
    )
    if identity:
        message.participant.CopyFrom(api.ParticipantInfo(identity=identity, name=name, sid=f"PA_{identity}"))
    return MessageToJson(message)


def post(body: str, auth: str | None = None, *, key=None, secret=None, client=None):
    if auth is None:
        auth = sign_webhook(body, key or settings.LIVEKIT_LOCAL_API_KEY, secret or settings.LIVEKIT_LOCAL_API_SECRET)
    return (client or APIClient()).generic(
        "POST", "/livekit/webhook", body.encode(), content_type="application/webhook+json", HTTP_AUTHORIZATION=auth
    )


@pytest.fixture
def room(user):
    return RoomFactory(owner=user, name="room-1")


def test_room_lifecycle(room, django_capture_on_commit_callbacks):
    t0 = int(time.time()) - 100
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert post(event_body("room_started", at=t0)).json()["status"] == "processed"
        post(event_body("participant_joined", identity="cand", name="Ann", at=t0 + 1))
        post(event_body("participant_joined", identity="agent", at=t0 + 2))
        post(event_body("participant_left", identity="cand", at=t0 + 50))
    assert len(callbacks) == 4
    room.refresh_from_db()
    assert room.state == "active" and room.sid == "RM_abc" and int(room.started_at.timestamp()) == t0
    cand = room.participants.get(identity="cand")
    assert (cand.state, cand.name, cand.sid) == ("left", "Ann", "PA_cand")
    assert int(cand.joined_at.timestamp()) == t0 + 1 and int(cand.left_at.timestamp()) == t0 + 50

    response = post(event_body("room_finished", at=t0 + 60))
    assert response.status_code == 200
    room.refresh_from_db()
    assert room.state == "finished" and int(room.finished_at.timestamp()) == t0 + 60
    agent = room.participants.get(identity="agent")
    assert agent.state == "left" and int(agent.left_at.timestamp()) == t0 + 60  # closed with the room


def test_redelivery_changes_nothing(room, django_capture_on_commit_callbacks):
    body = event_body("participant_joined", identity="cand", event_id="EV_same", at=int(time.time()) - 10)
    first = post(body)
    assert first.json() == {"eventId": "EV_same", "event": "participant_joined", "status": "processed"}
    Participant.objects.filter(identity="cand").update(state="left")  # a later state
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = post(body)
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    assert callbacks == []  # nothing announced twice
    assert Participant.objects.get(identity="cand").state == "left"
    assert WebhookDelivery.objects.filter(event_id="EV_same").count() == 1


def test_out_of_order_events_keep_the_latest_state(room):
    now = int(time.time())
    post(event_body("participant_left", identity="cand", at=now))
    stale = post(event_body("participant_joined", identity="cand", at=now - 5))
    assert stale.json()["status"] == "ignored"
    assert Participant.objects.get(identity="cand").state == "left"
    post(event_body("participant_joined", identity="cand", at=now + 5))  # a real rejoin
    assert Participant.objects.get(identity="cand").state == "joined"
    post(event_body("room_finished", at=now + 10))
    assert post(event_body("room_started", at=now + 9)).json()["status"] == "ignored"
    assert Room.objects.get().state == "finished"


def test_join_before_room_started_activates_the_room(room):
    post(event_body("participant_joined", identity="cand"))
    assert Room.objects.get().state == "active"


@pytest.mark.parametrize("event", ["room_started", "participant_joined", "track_published"])
def test_unknown_rooms_and_other_events_are_recorded_and_ignored(event, room):
    target = "room-1" if event == "track_published" else "not-ours"
    response = post(event_body(event, room=target, identity="x"))
    assert response.status_code == 200 and response.json()["status"] == "ignored"
    delivery = WebhookDelivery.objects.get()
    assert (delivery.event, delivery.room_name, delivery.handled) == (event, target, False)
    assert not Participant.objects.exists()


def test_tampered_body_is_401(room):
    body = event_body("participant_joined", identity="cand")
    auth = sign_webhook(body, settings.LIVEKIT_LOCAL_API_KEY, settings.LIVEKIT_LOCAL_API_SECRET)
    response = post(body.replace("cand", "mallory"), auth)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "webhook_signature_invalid"
    assert not WebhookDelivery.objects.exists() and not Participant.objects.exists()


@pytest.mark.parametrize("signer", [
    {"key": "wrong-key"},
    {"secret": "a-different-secret-of-reasonable-length"},
])
def test_wrong_key_or_secret_is_401(room, signer):
    assert post(event_body("room_started"), **signer).status_code == 401
    assert not WebhookDelivery.objects.exists()


def test_expired_signature_is_401(room):
    body = event_body("room_started")
    auth = sign_webhook(body, settings.LIVEKIT_LOCAL_API_KEY, settings.LIVEKIT_LOCAL_API_SECRET, ttl_seconds=-120)
    assert post(body, auth).status_code == 401


@pytest.mark.parametrize("auth", ["", "Bearer", "not-a-jwt"])
def test_missing_or_garbage_signature_is_401(room, auth):
    assert post(event_body("room_started"), auth).status_code == 401


def test_bearer_prefixed_signature_is_accepted(room):
    body = event_body("room_started")
    auth = sign_webhook(body, settings.LIVEKIT_LOCAL_API_KEY, settings.LIVEKIT_LOCAL_API_SECRET)
    assert post(body, f"Bearer {auth}").json()["status"] == "processed"


def test_signed_non_event_body_is_400(room):
    assert post('{"event": 12, "room": "x"}').status_code == 400


def test_server_key_pair_when_livekit_configured(room, livekit_server):
    body = event_body("room_started")
    assert post(body).status_code == 401  # the local pair no longer verifies
    ok = post(body, key=livekit_server.api_key, secret=livekit_server.api_secret)
    assert ok.json()["status"] == "processed"


@pytest.mark.django_db(transaction=True)
async def test_events_reach_the_room_group_after_commit(make_user):
    owner = await sync_to_async(make_user)(username="owner")
    await sync_to_async(RoomFactory)(owner=owner, name="room-1")
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(room_group("room-1"), channel)
    at = int(time.time())
    response = await sync_to_async(post)(event_body("participant_joined", identity="cand", name="Ann", at=at))
    assert response.status_code == 200
    message = await asyncio.wait_for(layer.receive(channel), timeout=5)
    assert message["type"] == "room.event" and message["event"] == "participantJoined"
    data = message["data"]
    assert (data["roomName"], data["identity"], data["name"]) == ("room-1", "cand", "Ann")
    await sync_to_async(post)(event_body("participant_left", identity="cand", at=at + 1))
    left = await asyncio.wait_for(layer.receive(channel), timeout=5)
    assert (left["event"], left["data"]["identity"]) == ("participantLeft", "cand")
    await layer.group_discard(room_group("room-1"), channel)
    # The ORM ran in sync_to_async's worker thread: close its connection so the test database can be dropped.
    await sync_to_async(connections.close_all)()


@pytest.fixture
def namesakes(user, other_user):
    return RoomFactory(owner=user, name="room-1"), RoomFactory(owner=other_user, name="room-1")


@pytest.mark.django_db(transaction=True)
async def test_webhooks_name_rooms_by_their_livekit_name(namesakes):
    """Two users' rooms called "room-1": LiveKit's events name the second by its suffixed name; that
    room is updated, and its group hears of it under the name its owner gave it."""
    first, second = namesakes
    layer = get_channel_layer()
    first_channel, second_channel = await layer.new_channel(), await layer.new_channel()
    await layer.group_add(room_group(first.livekit_name), first_channel)
    await layer.group_add(room_group(second.livekit_name), second_channel)
    response = await sync_to_async(post)(event_body("participant_joined", second.livekit_name, identity="cand"))
    assert response.json()["status"] == "processed"
    message = await asyncio.wait_for(layer.receive(second_channel), timeout=5)
    assert (message["event"], message["data"]["roomName"]) == ("participantJoined", "room-1")
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(layer.receive(first_channel), timeout=0.3)
    states = await sync_to_async(lambda: {r.pk: (r.state, r.participants.count()) for r in Room.objects.all()})()
    assert states == {first.pk: ("created", 0), second.pk: ("active", 1)}
    await layer.group_discard(room_group(first.livekit_name), first_channel)
    await layer.group_discard(room_group(second.livekit_name), second_channel)
    await sync_to_async(connections.close_all)()


def test_oversized_body_is_413(room, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = event_body("room_started") + " " * 2048
    response = post(body)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "webhook_too_large"
