"""The candidate page in a real browser: headless Chromium (Debian's /usr/bin/chromium) driven by
Playwright against a live daphne, offline, with the embedded engines.

- By voice: Chromium's fake microphone plays eSpeak-made answers (--use-file-for-fake-audio-capture);
  the page records them (MediaRecorder, webm/opus), has them transcribed and sends them. The stored
  transcript holds the answers (within Whisper's error), every interviewer message was spoken, and the
  interview ended with a summary.
- By typing, on a phone-sized screen, keyboard only, with a reload in the middle: the interview
  resumes where it was, no turn lost or repeated.

Screenshots of every screen: var/test-artifacts/candidate-page/<test>/NN-<screen>.png (or under
$JUGGY_TEST_ARTIFACTS), kept after the run.
"""

from __future__ import annotations

import os
import shutil
import wave
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from conversations.models import Conversation, Turn
from juggy.ai.speech.espeak import EspeakTTS
from testsupport import browser
from testsupport.live_server import daphne_url
from testsupport.wer import word_error_rate

pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements-dev.txt)")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("eager_celery"),
    pytest.mark.skipif(not browser.have_browser(), reason=browser.NO_BROWSER),
    pytest.mark.timeout(240),
]

ARTIFACTS = Path(os.environ.get("JUGGY_TEST_ARTIFACTS") or django_settings.BASE_DIR / "var" / "test-artifacts")
JOB = {"targetCompany": "Acme Robotics", "targetRole": "Backend engineer", "maxQuestions": 2}
SPOKEN = [
    "I led the team that built our payment service in Python, and we made it twice as fast in three months.",
    "Thank you, that is all from me. I have to go now, so please end the interview.",
]
TYPED = [
    "In my last role I led the migration of our billing system to PostgreSQL. I designed the schema, wrote "
    "the data migration and set up monitoring; query times dropped by sixty percent and incidents halved.",
    "I measured it with Grafana dashboards on latency and error rates, before and after the release.",
    "Nothing more, thank you. I would like to end the interview now.",
]


class Screens:
    """Numbered screenshots of one test, in the artifacts folder."""

    def __init__(self, page, name: str):
        self.page, self.count = page, 0
        self.folder = ARTIFACTS / "candidate-page" / name
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)

    def shot(self, screen: str) -> None:
        self.count += 1
        self.page.screenshot(path=str(self.folder / f"{self.count:02d}-{screen}.png"), full_page=True)


@pytest.fixture
def live(settings):
    settings.SPEECH_PROVIDER = "builtin"
    settings.PUBLIC_BASE_URL = ""  # links and audio on the live server's own address
    return daphne_url()


def in_browser(steps, *, microphone: Path | None = None, grant_microphone: bool = True, **context_options):
    """Run `steps(page)` in headless Chromium (testsupport.browser) with a fake microphone: `microphone`
    (a wav) is what it hears; without `grant_microphone` the permission prompt is refused."""
    args = ["--use-fake-device-for-media-stream"]
    if grant_microphone:
        args.append("--use-fake-ui-for-media-stream")  # else the permission prompt is refused
    if microphone is not None:
        # %noloop: each time the page opens the microphone, the file is read again from its start.
        args.append(f"--use-file-for-fake-audio-capture={microphone}%noloop")
    return browser.in_browser(steps, args=args, **context_options)


def speech_wav(text: str, path: Path) -> None:
    """eSpeak's voice saying `text`, with a little silence first, as a 16-bit mono wav."""
    spoken = EspeakTTS().synthesize(text=text, voice="alloy", fmt="wav")
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(spoken.audio)
    with wave.open(str(tmp), "rb") as source:
        params, frames = source.getparams(), source.readframes(source.getnframes())
    with wave.open(str(path), "wb") as out:
        out.setparams(params)
        out.writeframes(b"\0" * params.sampwidth * int(params.framerate * 0.3) + frames)
    tmp.unlink()


def create(api_client, **settings) -> dict:
    body = {"roomName": "browser-room", "candidateId": "cand-1", "candidateName": "Jane Doe",
            "jobDescription": "Backend engineer: Django, PostgreSQL, Celery, billing systems.",
            "settings": {**JOB, **settings}}
    response = api_client.post("/interview", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def link_on(live: str, created: dict) -> str:
    return live + "/i/" + created["candidateToken"]


def finished_with_summary(api_client, created: dict) -> dict:
    summary = api_client.get(f"/interview/{created['sessionId']}/summary")
    assert summary.status_code == 200, summary.content
    body = summary.json()
    assert body["status"] == "done" and body["summary"]["summary"] and "sufficient" in body["summary"]
    return body


def page_transcript(page) -> list[tuple[str, str]]:
    return page.eval_on_selector_all(
        "#transcript li", "els => els.map(e => [e.className, e.querySelector('.text').textContent])"
    )


def test_a_whole_interview_by_voice(live, api_client, tmp_path, whisper_model):
    created = create(api_client)
    answers = [tmp_path / f"answer-{i}.wav" for i in range(len(SPOKEN))]
    for text, path in zip(SPOKEN, answers, strict=True):
        speech_wav(text, path)
    microphone = tmp_path / "microphone.wav"
    shutil.copy(answers[0], microphone)

    def steps(page):
        screens = Screens(page, "voice")
        page.goto(link_on(live, created))
        assert page.title() == "Interview: Backend engineer"
        screens.shot("welcome")
        page.get_by_role("button", name="Check my microphone").click()
        page.wait_for_selector('#mic-result[data-result="works"]', timeout=15000)
        screens.shot("microphone-check")
        page.get_by_label("I agree that my answers").check()
        page.get_by_role("button", name="Start the interview").click()
        for number in range(len(SPOKEN)):
            page.wait_for_selector('#state[data-state="listening"]', timeout=60000)
            if number == 0:
                screens.shot("listening")
            # The recording stops at the pause after the answer; the microphone then gets the next one.
            page.wait_for_selector('#state[data-state="thinking"]', timeout=60000)
            if number == 0:
                screens.shot("thinking")
            if number + 1 < len(answers):
                os.replace(shutil.copy(answers[number + 1], tmp_path / "next.wav"), microphone)
        page.wait_for_selector("#thanks:not([hidden])", timeout=90000)
        screens.shot("thank-you")
        spoken = page.eval_on_selector_all("#transcript li.interviewer", "els => els.map(e => e.dataset.spoken)")
        return spoken, page_transcript(page)

    spoken, shown = in_browser(steps, microphone=microphone, viewport={"width": 1280, "height": 900})

    conversation = Conversation.objects.get(interview=created["sessionId"])
    turns = list(Turn.objects.filter(conversation=conversation).order_by("index"))
    heard = [t.text for t in turns if t.speaker == "candidate"]
    assert len(heard) == len(SPOKEN), heard
    for said, text in zip(SPOKEN, heard, strict=True):
        assert word_error_rate(said, text) < 0.35, (said, text)
    assert conversation.status == "ended" and conversation.end_reason == "ended_by_candidate"
    assert all(t.transport == "websocket" for t in turns if t.speaker == "candidate")
    # Every interviewer message was spoken (fetched from /audio/synthesize and played to its end).
    assert spoken == ["true"] * sum(t.speaker == "interviewer" for t in turns)
    assert [text for _, text in shown] == [t.text for t in turns]
    finished_with_summary(api_client, created)


def test_a_whole_interview_typed_on_a_phone_with_the_keyboard(live, api_client):
    created = create(api_client)

    def steps(page):
        screens = Screens(page, "typed-phone")
        page.goto(link_on(live, created))
        # Nothing wider than the screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        # Every control has a name a screen reader can say.
        unnamed = page.evaluate("""() => Array.from(document.querySelectorAll('button, input, textarea, meter, progress'))
            .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
                         && !e.getAttribute('aria-labelledby') && !e.textContent.trim()).map(e => e.id)""")
        assert unnamed == []
        screens.shot("welcome")

        def press(selector: str, key: str = "Enter") -> None:
            page.focus(selector)
            page.keyboard.press(key)

        def begin() -> None:
            press("#mode-text", "Space")
            press("#voice-on", "Space")  # read the messages; do not speak them
            press("#start")

        def answer(text: str, shot: str | None = None) -> None:
            page.wait_for_selector('#state[data-state="your-turn"]', timeout=30000)
            assert page.evaluate("document.activeElement.id") == "answer"
            page.keyboard.type(text)
            if shot:
                screens.shot(shot)
            page.keyboard.press("Control+Enter")
            page.wait_for_selector("#pending-answer", state="detached", timeout=30000)

        press("#start")  # without consent: refused, with a message, and the focus on the box
        assert page.is_visible("#consent-help") and page.evaluate("document.activeElement.id") == "consent"
        screens.shot("consent-required")
        page.keyboard.press("Space")
        begin()
        answer(TYPED[0], "answering")
        page.wait_for_selector('#state[data-state="your-turn"]', timeout=30000)
        screens.shot("interview")

        # A reload in the middle (a lost connection, a closed tab): the page resumes where it was.
        before = page_transcript(page)
        page.reload()
        assert page.get_by_role("button", name="Continue the interview").is_visible()
        assert page.is_checked("#consent")
        screens.shot("continue")
        begin()
        page.wait_for_selector('#state[data-state="your-turn"]', timeout=30000)
        assert page_transcript(page) == before
        progress = page.text_content("#progress-text")
        assert progress.startswith("Question ") and progress.endswith(" of 2"), progress

        for text in TYPED[1:]:
            if page.is_visible("#thanks"):
                break
            answer(text)
        page.wait_for_selector("#thanks:not([hidden])", timeout=30000)
        screens.shot("thank-you")
        # The link now shows a closing page.
        page.goto(link_on(live, created))
        title = page.text_content("h1")
        screens.shot("link-after-the-end")
        return title

    title = in_browser(steps, viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    assert "This interview is over" in title

    turns = list(Turn.objects.filter(conversation__interview=created["sessionId"]).order_by("index"))
    answers = [t.text for t in turns if t.speaker == "candidate"]
    assert answers == TYPED[: len(answers)] and len(answers) >= 2  # each once, in order
    finished_with_summary(api_client, created)


def test_a_refused_microphone_falls_back_to_typing(live, api_client):
    created = create(api_client)

    def steps(page):
        screens = Screens(page, "microphone-refused")
        page.goto(link_on(live, created))
        page.get_by_label("I agree that my answers").check()
        page.get_by_label("Read the interviewer's messages aloud").uncheck()
        page.get_by_role("button", name="Start the interview").click()  # by speaking, the default
        page.wait_for_selector("#answer-text:not([hidden])", timeout=30000)
        state = page.text_content("#state")
        screens.shot("typing-instead")
        page.fill("#answer", TYPED[0])
        page.get_by_role("button", name="Send answer").click()
        page.wait_for_selector('#transcript li.interviewer[data-index="2"]', timeout=30000)
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="End the interview").click()
        page.wait_for_selector("#thanks:not([hidden])", timeout=30000)
        screens.shot("thank-you")
        return state

    state = in_browser(steps, grant_microphone=False)
    assert "microphone is not available" in state
    conversation = Conversation.objects.get(interview=created["sessionId"])
    assert conversation.status == "ended" and conversation.end_reason == "ended_by_candidate"
    assert [t.text for t in Turn.objects.filter(conversation=conversation, speaker="candidate")] == [TYPED[0]]
