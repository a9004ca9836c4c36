"""A real WebSocket client (the `websockets` package) against live daphne processes."""

import pytest

from interviews_app.tests.conftest import ANSWER
from interviews_app.tests.factories import JOB_DESCRIPTION
from interviews_app.tests.live import LiveServer, database_url, ws_receive, ws_send

pytestmark = pytest.mark.django_db(transaction=True)

CREATE = {"roomName": "live-room", "candidateId": "candidate123", "candidateName": "John Doe",
          "jobDescription": JOB_DESCRIPTION}


@pytest.fixture
def server(api_client, tmp_path):
    live = LiveServer(database=database_url(tmp_path), tmp_path=tmp_path)
    yield live
    live.stop()


async def test_websocket_against_a_live_daphne(server, api_client):
    token = api_client.token_key
    status, created = await server.arequest("POST", "/interview", token=token, body=CREATE)
    assert status == 201, created
    sid = created["sessionId"]

    async with server.websocket("/ws/interview") as owner, server.websocket("/") as candidate:
        await ws_send(owner, "joinInterview", {"interviewId": sid, "token": token})
        assert (await ws_receive(owner, "joinedInterview"))["role"] == "owner"
        await ws_send(candidate, "joinInterview", {"sessionId": sid, "token": created["candidateToken"]})
        assert (await ws_receive(candidate, "joinedInterview"))["role"] == "candidate"
        assert (await ws_receive(owner, "participantJoined"))["identity"] == "candidate123"

        status, started = await server.arequest("POST", f"/interview/{sid}/start", token=token)
        assert status == 200
        for ws in (owner, candidate):
            assert (await ws_receive(ws, "aiInterviewerMessage"))["message"] == started["message"]

        await candidate.send("{oops")
        assert (await ws_receive(candidate, "error"))["code"] == "malformed_json"
        await ws_send(candidate, "candidateResponse", {"response": ANSWER})
        for ws in (owner, candidate):
            reply = await ws_receive(ws, "aiInterviewerMessage")
            assert reply["inReplyTo"]["text"] == ANSWER and reply["message"]["index"] == 2

        status, transcript = await server.arequest("GET", f"/interview/{sid}/transcript", token=created["candidateToken"])
        assert status == 200 and [m["source"] for m in transcript["messages"]] == ["engine", "websocket", "engine"]

    # An unauthorised join is closed by the server with 4401.
    async with server.websocket() as stranger:
        await ws_send(stranger, "joinInterview", {"interviewId": sid, "token": "wrong"})
        assert (await ws_receive(stranger, "error"))["code"] == "invalid_token"
        await stranger.wait_closed()
        assert stranger.close_code == 4401

