"""Production mode: a joined WebSocket stays open through silence on the Redis channel layer.

channels_redis waits for messages with a blocking Redis read of `brpop_timeout` (5 s); with the Redis
client's default socket timeout (also 5 s) that read timed out and closed every quiet socket with 1011
after about 5.6 s (issue 15). juggy/settings.py gives the channel layer's connections a longer socket
timeout and TCP keepalives.
"""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from juggy.asgi import application

pytestmark = [pytest.mark.production, pytest.mark.django_db(transaction=True)]

IDLE_SECONDS = 60  # the proof: many blocking-read cycles of silence, long past the old 5.6 s


@pytest.fixture
def interview(create_interview):
    return create_interview()


async def test_joined_socket_idle_for_a_minute_still_receives_events(interview, api_client):
    socket = WebsocketCommunicator(application, "/ws/interview", headers=[(b"origin", b"http://127.0.0.1")])
    assert (await socket.connect(timeout=10))[0]
    await socket.send_json_to({"event": "joinInterview",
                               "data": {"interviewId": interview["sessionId"], "token": api_client.token_key}})
    assert (await socket.receive_json_from(timeout=10))["event"] == "joinedInterview"

    await asyncio.sleep(IDLE_SECONDS)
    assert await socket.receive_nothing(timeout=0.1), "the socket was closed or sent something while idle"

    started = await sync_to_async(api_client.post)(f"/interview/{interview['sessionId']}/start")
    assert started.status_code == 200, started.content
    message = await socket.receive_json_from(timeout=10)
    assert message["event"] == "aiInterviewerMessage"
    assert message["data"]["message"] == started.json()["message"]
    await socket.disconnect()
