"""GET /i/<candidate-pass>: the candidate's page, its link on the recruiter's side, and the guards the
page relies on (the pass opens the speech endpoints; an answer re-sent with replyTo is stored once).
The whole interview in a real browser is test_candidate_browser.py."""

import json
import re
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from conversations.models import Turn
from interviews_app.models import Interview
from interviews_app.tests.conftest import ANSWER
from juggy.asgi import application
from livekit_app import services as livekit

pytestmark = pytest.mark.django_db

SETTINGS = {"targetCompany": "Acme Robotics", "targetRole": "Backend engineer", "maxQuestions": 3}


def config_of(html: str) -> dict:
    found = re.search(r'<script id="juggy-config" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def test_the_create_answer_carries_the_candidate_link(create_interview, client):
    body = create_interview(settings=SETTINGS)
    assert body["candidateLink"] == f"http://testserver/i/{body['candidateToken']}"
    page = client.get(f"/i/{body['candidateToken']}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Acme Robotics" in html and "Backend engineer" in html and "Welcome, John Doe" in html
    assert "3 questions, about 6 minutes" in html
    assert 'id="consent"' in html and "recordings of your voice are not stored" in html.lower()
    config = config_of(html)
    assert config["interviewId"] == body["sessionId"] and config["token"] == body["candidateToken"]
    assert config["totalQuestions"] == 3 and config["status"] == "created"
    assert config["synthesizeUrl"] == "/audio/synthesize" and config["transcribeUrl"] == "/transcription/audio"
    # The pass is in the URL: it must not leak through a Referer, a cache or a search engine.
    assert page["Referrer-Policy"] == "no-referrer" and page["Cache-Control"] == "no-store"
    assert "noindex" in page["X-Robots-Tag"]
    assert "script-src 'self'" in page["Content-Security-Policy"]
    assert "<script src=\"/static/interviews_app/candidate.js\"" in html


def test_the_link_uses_public_base_url_when_set(create_interview, settings):
    settings.PUBLIC_BASE_URL = "https://jobs.example.com"
    body = create_interview()
    assert body["candidateLink"] == f"https://jobs.example.com/i/{body['candidateToken']}"


def test_static_files_of_the_page_are_served(client):
    from django.contrib.staticfiles import finders

    for name in ("interviews_app/candidate.js", "interviews_app/candidate.css"):
        assert finders.find(name), name


def test_a_running_interview_offers_to_continue(create_interview, candidate_client, client):
    body = create_interview()
    candidate_client(body["candidateToken"]).post(f"/interview/{body['sessionId']}/start")
    html = client.get(f"/i/{body['candidateToken']}").content.decode()
    assert "Continue the interview" in html and config_of(html)["status"] == "in_progress"


def test_a_finished_interview_shows_a_closing_page(create_interview, candidate_client, client):
    body = create_interview()
    candidate = candidate_client(body["candidateToken"])
    candidate.post(f"/interview/{body['sessionId']}/start")
    candidate.post(f"/interview/{body['sessionId']}/end")
    page = client.get(f"/i/{body['candidateToken']}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "This interview is over" in html and "juggy-config" not in html


def test_an_expired_link_is_410(create_interview, client, monkeypatch):
    body = create_interview()
    interview = Interview.objects.get(pk=body["sessionId"])
    with monkeypatch.context() as m:
        m.setattr(livekit.time, "time", lambda: timezone.now().timestamp() - 2 * 24 * 3600)
        old = livekit.room_pass_issue(room_name=interview.room_name, room_id=interview.room_id,
                                      identity=interview.candidate_id,
                                      scope={"interview": str(interview.id)})
    page = client.get(f"/i/{old}")
    assert page.status_code == 410
    assert "This link has expired" in page.content.decode()


@pytest.mark.parametrize("make", [
    lambda i: "jgp_" + "x" * 40,  # forged
    lambda i: "not-a-pass",
    # a genuine pass for the room, but not scoped to an interview
    lambda i: livekit.room_pass_issue(room_name=i.room_name, room_id=i.room_id, identity=i.candidate_id),
    # a genuine pass scoped to an interview that does not exist
    lambda i: livekit.room_pass_issue(room_name=i.room_name, room_id=i.room_id, identity=i.candidate_id,
                                      scope={"interview": "00000000-0000-4000-8000-000000000000"}),
])
def test_an_invalid_link_is_404(create_interview, client, make):
    body = create_interview()
    page = client.get(f"/i/{make(Interview.objects.get(pk=body['sessionId']))}")
    assert page.status_code == 404
    assert "This link is not valid" in page.content.decode()
    assert page["Content-Type"].startswith("text/html")


def test_the_admin_shows_the_candidate_link_until_it_expires(create_interview, client, make_user):
    body = create_interview()
    client.force_login(make_user(username="root", is_staff=True, is_superuser=True))
    change = reverse("admin:interviews_app_interview_change", args=[body["sessionId"]])
    html = client.get(change).content.decode()
    link = re.search(r'href="(/i/jgp_[^"]+)"', html).group(1)
    assert client.get(link).status_code == 200
    # The link's pass expires with the one handed out at creation (showing it again never extends it).
    pass_expiry = livekit.room_pass_verify(link.removeprefix("/i/")).expires_at
    created = Interview.objects.get(pk=body["sessionId"]).created_at
    assert abs((pass_expiry - (created + timedelta(hours=24))).total_seconds()) < 5

    Interview.objects.filter(pk=body["sessionId"]).update(created_at=timezone.now() - timedelta(hours=25))
    html = client.get(change).content.decode()
    assert "The link expired on" in html and "/i/jgp_" not in html


def test_the_pass_opens_the_speech_endpoints(create_interview, candidate_client, api_client, settings):
    settings.SPEECH_PROVIDER = "builtin"
    body = create_interview()
    spoken = candidate_client(body["candidateToken"]).post(
        "/audio/synthesize", {"text": "Tell me about yourself.", "voice": "alloy", "format": "wav"}, format="json")
    assert spoken.status_code == 200, spoken.content
    forged = candidate_client("jgp_" + signing.dumps({"r": "x"}, salt="other")).post(
        "/audio/synthesize", {"text": "Hello.", "voice": "alloy"}, format="json")
    assert forged.status_code == 401


# --- an answer re-sent after a lost connection is stored once --------------------------------------


def test_rest_reply_to_guards_against_a_second_copy(create_interview, candidate_client):
    body = create_interview()
    candidate = candidate_client(body["candidateToken"])
    sid = body["sessionId"]
    opening = candidate.post(f"/interview/{sid}/start").json()["message"]
    first = candidate.post(f"/interview/{sid}/response", {"response": ANSWER, "replyTo": opening["index"]},
                           format="json")
    assert first.status_code == 200, first.content
    again = candidate.post(f"/interview/{sid}/response", {"response": ANSWER, "replyTo": opening["index"]},
                           format="json")
    assert again.status_code == 409
    error = again.json()["error"]
    assert error["code"] == "already_answered" and error["details"] == {"replyTo": 0, "lastMessage": 2}
    assert Turn.objects.filter(conversation__interview=sid, speaker="candidate").count() == 1
    bad = candidate.post(f"/interview/{sid}/response", {"response": ANSWER, "replyTo": -1}, format="json")
    assert bad.status_code == 400


@pytest.mark.django_db(transaction=True)
def test_websocket_reply_to_stores_one_of_two_copies(create_interview):
    body = create_interview()
    sid, token = body["sessionId"], body["candidateToken"]

    async def talk():
        socket = WebsocketCommunicator(application, "/ws/interview", headers=[(b"origin", b"http://127.0.0.1")])
        assert (await socket.connect())[0]

        async def send(event, data=None):
            await socket.send_to(text_data=json.dumps({"event": event, "data": data or {}}))

        async def expect(event):
            while True:
                message = json.loads(await socket.receive_from(timeout=10))
                if message["event"] == event:
                    return message["data"]

        await send("joinInterview", {"interviewId": sid, "token": token})
        await expect("joinedInterview")
        await send("startInterview")
        opening = await expect("aiInterviewerMessage")
        # The same answer twice, as a client that reconnected and re-sent it would.
        await send("candidateResponse", {"response": ANSWER, "replyTo": opening["message"]["index"]})
        await send("candidateResponse", {"response": ANSWER, "replyTo": opening["message"]["index"]})
        # The refusal is sent to this socket at once, the reply through the channel layer: either may come first.
        seen = {}
        while len(seen) < 2:
            message = json.loads(await socket.receive_from(timeout=10))
            if message["event"] in ("aiInterviewerMessage", "error"):
                assert message["event"] not in seen, message
                seen[message["event"]] = message["data"]
        assert seen["aiInterviewerMessage"]["inReplyTo"]["index"] == 1
        assert seen["error"]["code"] == "already_answered"
        await socket.disconnect()

    async_to_sync(talk)()
    assert Turn.objects.filter(conversation__interview=sid, speaker="candidate").count() == 1
