"""The interview WebSocket through Channels' communicator on the real ASGI application."""

import json
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from interviews_app.models import InterviewConnection
from interviews_app.tests.conftest import ANSWER
from juggy.asgi import application
from livekit_app.events import room_event_message, room_group
from livekit_app.tests.factories import RoomFactory

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 10


async def connect(path: str = "/ws/interview") -> WebsocketCommunicator:
    socket = WebsocketCommunicator(application, path, headers=[(b"origin", b"http://127.0.0.1")])
    connected, _ = await socket.connect(timeout=TIMEOUT)
    assert connected
    return socket


async def send(socket, event: str, data=None) -> None:
    await socket.send_json_to({"event": event, "data": data if data is not None else {}})


async def receive(socket, event: str | None = None) -> dict:
    message = await socket.receive_json_from(timeout=TIMEOUT)
    if event is not None:
        assert message["event"] == event, message
    return message["data"]


async def join(socket, interview_id: str, token: str) -> dict:
    await send(socket, "joinInterview", {"interviewId": interview_id, "token": token})
    return await receive(socket, "joinedInterview")


async def assert_closed(socket, code: int) -> None:
    assert await socket.receive_output(timeout=TIMEOUT) == {"type": "websocket.close", "code": code}


@pytest.fixture
def interview(create_interview, api_client):
    body = create_interview()
    body["ownerToken"] = api_client.token_key
    return body


async def test_owner_joins_starts_and_answers(interview):
    socket = await connect()
    joined = await join(socket, interview["sessionId"], interview["ownerToken"])
    assert joined["role"] == "owner" and joined["identity"] == "alice" and joined["via"] == "websocket"
    assert joined["interview"]["status"] == "created" and joined["transcript"] == []
    assert [p["identity"] for p in joined["interview"]["participants"]] == ["alice"]

    await send(socket, "startInterview")
    opening = await receive(socket, "aiInterviewerMessage")
    assert opening["sessionId"] == interview["sessionId"] and opening["message"]["index"] == 0
    assert opening["text"] == opening["message"]["text"] and opening["inReplyTo"] is None
    assert opening["progress"]["currentQuestion"] == 1

    await send(socket, "candidateResponse", {"response": ANSWER})
    reply = await receive(socket, "aiInterviewerMessage")
    assert reply["inReplyTo"] == {**reply["inReplyTo"], "text": ANSWER, "source": "websocket", "index": 1}
    assert reply["message"]["index"] == 2 and reply["progress"]["currentQuestion"] == 2

    await send(socket, "endInterview")
    closing = await receive(socket, "aiInterviewerMessage")
    assert "end of the interview" in closing["text"]
    ended = await receive(socket, "interviewEnded")
    assert ended["reason"] == "ended_by_owner" and ended["progress"]["finished"] is True
    # After the end: an error, and the socket stays open.
    await send(socket, "candidateResponse", {"response": ANSWER})
    assert (await receive(socket, "error"))["code"] == "interview_ended"
    await send(socket, "startInterview")
    assert (await receive(socket, "error"))["code"] == "interview_ended"
    await socket.disconnect()


async def test_candidate_joins_at_the_root_path_and_presence_is_shared(interview):
    owner = await connect()
    await join(owner, interview["sessionId"], interview["ownerToken"])
    candidate = await connect("/")
    joined = await join(candidate, interview["sessionId"], interview["candidateToken"])
    assert joined["role"] == "candidate" and joined["identity"] == "candidate123" and joined["name"] == "John Doe"
    seen = await receive(owner, "participantJoined")
    assert seen == {"interviewId": interview["sessionId"], "sessionId": interview["sessionId"],
                    "identity": "candidate123", "name": "John Doe", "role": "candidate", "via": "websocket"}
    assert await sync_to_async(InterviewConnection.objects.filter(interview_id=interview["sessionId"]).count)() == 2

    # The candidate starts and answers; both sockets hear every interviewer message.
    await send(candidate, "startInterview")
    for socket in (owner, candidate):
        assert (await receive(socket, "aiInterviewerMessage"))["message"]["index"] == 0
    await send(candidate, "candidateResponse", {"response": ANSWER})
    for socket in (owner, candidate):
        assert (await receive(socket, "aiInterviewerMessage"))["message"]["index"] == 2

    await send(candidate, "leaveInterview")
    assert (await receive(candidate, "participantLeft"))["identity"] == "candidate123"
    assert (await receive(owner, "participantLeft"))["identity"] == "candidate123"
    # Left: no more events for the candidate, and actions need a new join.
    await send(candidate, "candidateResponse", {"response": ANSWER})
    assert (await receive(candidate, "error"))["code"] == "not_joined"
    assert await candidate.receive_nothing(timeout=0.3)
    await candidate.disconnect()

    watcher = await connect()
    await join(watcher, interview["sessionId"], interview["ownerToken"])
    assert (await receive(owner, "participantJoined"))["identity"] == "alice"
    await watcher.disconnect()  # a dropped connection counts as leaving
    assert (await receive(owner, "participantLeft"))["identity"] == "alice"
    await owner.disconnect()
    assert await sync_to_async(InterviewConnection.objects.count)() == 0


async def test_candidate_ends_the_interview(interview):
    candidate = await connect()
    await join(candidate, interview["sessionId"], interview["candidateToken"])
    await send(candidate, "startInterview")
    await receive(candidate, "aiInterviewerMessage")
    await send(candidate, "endInterview")
    await receive(candidate, "aiInterviewerMessage")
    assert (await receive(candidate, "interviewEnded"))["reason"] == "ended_by_candidate"
    await candidate.disconnect()


async def test_rest_answers_reach_websocket_clients(interview, api_client, candidate_client):
    owner = await connect()
    await join(owner, interview["sessionId"], interview["ownerToken"])
    candidate = await connect()
    await join(candidate, interview["sessionId"], interview["candidateToken"])
    await receive(owner, "participantJoined")

    sid = interview["sessionId"]
    started = await sync_to_async(api_client.post)(f"/interview/{sid}/start")
    assert started.status_code == 200
    rest = candidate_client(interview["candidateToken"])
    answered = await sync_to_async(rest.post)(f"/interview/{sid}/response", {"response": ANSWER}, format="json")
    assert answered.status_code == 200
    for socket in (owner, candidate):
        opening = await receive(socket, "aiInterviewerMessage")
        assert opening["message"] == {**started.json()["message"]}
        reply = await receive(socket, "aiInterviewerMessage")
        assert reply["message"] == answered.json()["message"]
        assert reply["inReplyTo"]["source"] == "rest"
    ended = await sync_to_async(api_client.post)(f"/interview/{sid}/end")
    assert ended.status_code == 200
    for socket in (owner, candidate):
        await receive(socket, "aiInterviewerMessage")
        assert (await receive(socket, "interviewEnded"))["reason"] == "ended_by_owner"
    await owner.disconnect()
    await candidate.disconnect()


async def test_livekit_room_events_are_forwarded(interview):
    socket = await connect()
    await join(socket, interview["sessionId"], interview["ownerToken"])
    layer = get_channel_layer()
    now = timezone.now()
    await layer.group_send(room_group("interview-room-123"), room_event_message(
        event="participantJoined", room_name="interview-room-123", at=now, identity="candidate123", name="John Doe"))
    await layer.group_send(room_group("interview-room-123"), room_event_message(
        event="roomStarted", room_name="interview-room-123", at=now))
    await layer.group_send(room_group("interview-room-123"), room_event_message(
        event="participantLeft", room_name="interview-room-123", at=now, identity="candidate123"))
    joined = await receive(socket, "participantJoined")
    assert joined["identity"] == "candidate123" and joined["via"] == "livekit"
    assert joined["interviewId"] == interview["sessionId"] and joined["roomName"] == "interview-room-123"
    assert (await receive(socket, "participantLeft"))["via"] == "livekit"  # roomStarted is not forwarded
    await socket.disconnect()


@pytest.fixture
def namesake(interview, other_user):
    """Another user's room of the same name as the interview's (made after it: so it is the suffixed one)."""
    return RoomFactory(owner=other_user, name="interview-room-123")


async def test_events_of_another_users_room_of_the_same_name_are_not_forwarded(interview, namesake):
    socket = await connect()
    await join(socket, interview["sessionId"], interview["ownerToken"])
    layer = get_channel_layer()
    for livekit_name, identity in ((namesake.livekit_name, "stranger"), ("interview-room-123", "candidate123")):
        await layer.group_send(room_group(livekit_name), room_event_message(
            event="participantJoined", room_name="interview-room-123", at=timezone.now(), identity=identity))
    assert (await receive(socket, "participantJoined"))["identity"] == "candidate123"
    assert await socket.receive_nothing(timeout=0.3)
    await socket.disconnect()


# --- refusals ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("token", "code", "close"),
    [
        ("not-a-real-token", "invalid_token", 4401),
        ("jgp_forged", "invalid_room_pass", 4401),
        ("", "not_authenticated", 4401),
    ],
)
async def test_bad_credentials_are_closed_4401(interview, token, code, close):
    socket = await connect()
    await send(socket, "joinInterview", {"interviewId": interview["sessionId"], "token": token})
    assert (await receive(socket, "error"))["code"] == code
    await assert_closed(socket, close)


async def test_token_on_the_handshake_header_or_query(interview, other_client):
    # Servers, agents and CLIs: the Authorization header; no Origin either (not a browser).
    socket = WebsocketCommunicator(
        application, "/ws/interview", headers=[(b"authorization", f"Bearer {interview['ownerToken']}".encode())])
    assert (await socket.connect(timeout=TIMEOUT))[0]
    await send(socket, "joinInterview", {"interviewId": interview["sessionId"]})
    assert (await receive(socket, "joinedInterview"))["role"] == "owner"
    await socket.disconnect()
    # Browsers: ?token= on the URL (at the contract's root path too).
    socket = await connect(f"/?token={interview['candidateToken']}")
    await send(socket, "joinInterview", {"sessionId": interview["sessionId"]})
    assert (await receive(socket, "joinedInterview"))["role"] == "candidate"
    await socket.disconnect()
    # The message's token comes first: another user's token in data is refused whatever the URL says.
    socket = await connect(f"/ws/interview?token={interview['ownerToken']}")
    await send(socket, "joinInterview", {"interviewId": interview["sessionId"], "token": other_client.token_key})
    assert (await receive(socket, "error"))["code"] == "interview_not_found"
    await assert_closed(socket, 4403)


async def test_missing_token_names_the_field(interview):
    socket = await connect()
    await send(socket, "joinInterview", {"interviewId": interview["sessionId"]})
    error = await receive(socket, "error")
    assert error["code"] == "not_authenticated" and "token" in error["details"]
    assert "data.token" in error["message"] and "Authorization" in error["message"]
    await assert_closed(socket, 4401)


async def test_someone_elses_interview_is_closed_4403(interview, other_client, create_interview):
    socket = await connect()
    await send(socket, "joinInterview", {"interviewId": interview["sessionId"], "token": other_client.token_key})
    assert (await receive(socket, "error"))["code"] == "interview_not_found"
    await assert_closed(socket, 4403)

    another = await sync_to_async(create_interview)(roomName="another-room")
    socket = await connect()
    await send(socket, "joinInterview", {"sessionId": interview["sessionId"], "token": another["candidateToken"]})
    assert (await receive(socket, "error"))["code"] == "interview_not_found"
    await assert_closed(socket, 4403)


async def test_mistakes_are_errors_and_the_socket_stays_open(interview):
    socket = await connect()
    await socket.send_to(text_data="{not json")
    assert (await receive(socket, "error"))["code"] == "malformed_json"
    await socket.send_to(text_data=json.dumps(["joinInterview"]))
    assert (await receive(socket, "error"))["code"] == "invalid_message"
    await socket.send_to(bytes_data=b"\x00\x01")
    assert (await receive(socket, "error"))["code"] == "unsupported_frame"
    await socket.send_to(text_data="x" * (65 * 1024))
    assert (await receive(socket, "error"))["code"] == "message_too_large"
    await send(socket, "dance")
    unknown = await receive(socket, "error")
    assert unknown["code"] == "unknown_event" and "joinInterview" in unknown["details"]["events"]
    await send(socket, "joinInterview", "not an object")
    assert (await receive(socket, "error"))["code"] == "invalid_payload"
    await send(socket, "joinInterview", {"interviewId": "nope", "token": interview["ownerToken"]})
    assert (await receive(socket, "error"))["code"] == "invalid_payload"
    for event in ("startInterview", "candidateResponse", "endInterview", "leaveInterview"):
        await send(socket, event, {"response": ANSWER})
        assert (await receive(socket, "error"))["code"] == "not_joined", event

    # Still open: a join now works, and a bad answer is a payload error.
    await join(socket, interview["sessionId"], interview["ownerToken"])
    await send(socket, "candidateResponse", {"response": ""})
    bad = await receive(socket, "error")
    assert bad["code"] == "invalid_payload" and "response" in bad["details"]
    await send(socket, "candidateResponse", {"response": ANSWER})
    assert (await receive(socket, "error"))["code"] == "interview_not_started"
    await send(socket, "joinInterview", {"interviewId": interview["sessionId"], "token": interview["ownerToken"]})
    assert (await receive(socket, "error"))["code"] == "already_joined"
    await send(socket, "startInterview")
    await receive(socket, "aiInterviewerMessage")
    await send(socket, "startInterview")
    assert (await receive(socket, "error"))["code"] == "interview_already_started"
    await socket.disconnect()


async def test_presence_of_a_dead_server_process_expires(interview):
    """A connection row whose process died without a disconnect stops counting after the TTL."""
    from interviews_app.models import PRESENCE_TTL, Interview

    stale = timezone.now() - PRESENCE_TTL - timedelta(seconds=1)

    @sync_to_async
    def add_ghost():
        InterviewConnection.objects.create(interview=Interview.objects.get(pk=interview["sessionId"]),
                                           channel_name="dead-process!ghost", identity="ghost", role="owner",
                                           seen_at=stale)

    await add_ghost()
    socket = await connect()
    await join(socket, interview["sessionId"], interview["ownerToken"])
    # Joining clears the expired row; the live connection is the only one left.
    identities = await sync_to_async(
        lambda: list(InterviewConnection.objects.values_list("identity", flat=True))
    )()
    assert "ghost" not in identities and len(identities) == 1
    await socket.disconnect()
