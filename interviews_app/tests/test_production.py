"""Production mode: PostgreSQL, the Redis channel layer across processes, a real Celery worker."""

import threading
import time

import pytest
from django.db import close_old_connections

from conversations.models import Turn
from interviews_app.models import Interview
from interviews_app.tests.conftest import ANSWER
from interviews_app.tests.factories import JOB_DESCRIPTION
from interviews_app.tests.live import LiveServer, database_url, ws_receive, ws_send

pytestmark = [pytest.mark.production, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_servers(api_client, tmp_path):
    database = database_url(tmp_path)
    first = LiveServer(database=database, tmp_path=tmp_path, name="first")
    try:
        second = LiveServer(database=database, tmp_path=tmp_path, name="second")
    except Exception:
        first.stop()
        raise
    yield first, second
    second.stop()
    first.stop()


async def test_events_cross_server_processes(two_servers, api_client):
    first, second = two_servers
    token = api_client.token_key
    status, created = await first.arequest("POST", "/interview", token=token, body={
        "roomName": "cross-room", "candidateId": "candidate123", "jobDescription": JOB_DESCRIPTION})
    assert status == 201, created
    sid = created["sessionId"]

    async with first.websocket() as owner, second.websocket("/") as candidate:
        await ws_send(owner, "joinInterview", {"interviewId": sid, "token": token})
        await ws_receive(owner, "joinedInterview")
        await ws_send(candidate, "joinInterview", {"interviewId": sid, "token": created["candidateToken"]})
        await ws_receive(candidate, "joinedInterview")
        # Joined on the second server, announced to a client of the first.
        assert (await ws_receive(owner, "participantJoined"))["identity"] == "candidate123"

        # Started through the first server's REST API: reaches the client of the second.
        status, started = await first.arequest("POST", f"/interview/{sid}/start", token=token)
        assert status == 200
        assert (await ws_receive(candidate, "aiInterviewerMessage"))["message"] == started["message"]
        await ws_receive(owner, "aiInterviewerMessage")

        # Answered over the second server's socket: reaches the client of the first.
        await ws_send(candidate, "candidateResponse", {"response": ANSWER})
        reply = await ws_receive(owner, "aiInterviewerMessage")
        assert reply["inReplyTo"]["source"] == "websocket" and reply["message"]["index"] == 2
        await ws_receive(candidate, "aiInterviewerMessage")

        # Presence is in the database: either server lists both sockets.
        status, detail = await second.arequest("GET", f"/interview/{sid}", token=token)
        assert {(p["identity"], p["via"]) for p in detail["participants"]} == {
            ("alice", "websocket"), ("candidate123", "websocket")}


def test_concurrent_answers_do_not_interleave(api_client, create_interview):
    """Four answers at once to one interview: compare-and-set takes them one after the other, each gets its own reply."""
    sid = create_interview()["sessionId"]
    api_client.post(f"/interview/{sid}/start")
    results, barrier = [], threading.Barrier(4)

    def answer(n: int) -> None:
        barrier.wait()
        try:
            response = api_client.post(f"/interview/{sid}/response", {"response": f"{ANSWER} ({n})"}, format="json")
            results.append(response.status_code)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=answer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [200] * 4
    roles = list(Turn.objects.filter(conversation__interview=sid).order_by("index").values_list("speaker", flat=True))
    assert roles == ["interviewer"] + ["candidate", "interviewer"] * 4
    assert Interview.objects.get(pk=sid).conversation.turn_count == 9


def test_summary_through_a_real_celery_worker(celery_worker, api_client, create_interview):
    sid = create_interview()["sessionId"]
    api_client.post(f"/interview/{sid}/start")
    for _ in range(3):
        api_client.post(f"/interview/{sid}/response", {"response": ANSWER}, format="json")
    assert api_client.post(f"/interview/{sid}/end").status_code == 200  # queues the summary
    first = api_client.get(f"/interview/{sid}/summary")
    assert first.status_code in (200, 202)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        response = api_client.get(f"/interview/{sid}/summary")
        if response.status_code == 200:
            break
        assert response.json() == {"sessionId": sid, "status": "pending", "previousError": ""}
        time.sleep(0.2)
    assert response.status_code == 200, response.content
    summary = response.json()["summary"]
    assert summary["sufficient"] is True and summary["overallScore"] is not None
    assert Interview.objects.get(pk=sid).conversation.analysis_run_id is not None

