"""The back office in a real browser, as a recruiter: headless Chromium (Debian's /usr/bin/chromium)
driven by Playwright against a live daphne, with the network cut off beyond the server (the theme's
assets ship in its wheel). Log in, read the dashboard, filter the list, open an interview, click an
evidence quote (its turn is highlighted), override a score with a reason, export the list as CSV.

Screenshots: var/test-artifacts/backoffice/NN-<screen>.png (or under $JUGGY_TEST_ARTIFACTS), kept after
the run: 01-dashboard, 02-list, 03-interview, 04-evidence, 05-review, 06-reviewed.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from backoffice.models import AuditEvent
from backoffice.tests.conftest import NAME
from conversations.models import Review
from testsupport import browser
from testsupport.live_server import daphne_url

pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements-dev.txt)")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not browser.have_browser(), reason=browser.NO_BROWSER),
    pytest.mark.timeout(180),
]

ARTIFACTS = Path(os.environ.get("JUGGY_TEST_ARTIFACTS") or django_settings.BASE_DIR / "var" / "test-artifacts") / "backoffice"


def in_browser(steps) -> dict:
    """Run `steps(page, base, shot, outcome)` in a fresh offline browser (testsupport.browser); what it
    recorded, or its exception re-raised here."""
    base = daphne_url()
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    outcome: dict = {"blocked": [], "errors": [], "shots": []}

    def run(page):
        page.on("pageerror", lambda exc: outcome["errors"].append(str(exc)))

        def shot(name: str) -> None:
            path = ARTIFACTS / f"{len(outcome['shots']) + 1:02d}-{name}.png"
            page.screenshot(path=str(path), full_page=True)
            outcome["shots"].append(path)

        steps(page, base, shot, outcome)

    browser.in_browser(run, offline_for=base, blocked=outcome["blocked"],
                       viewport={"width": 1400, "height": 900}, accept_downloads=True)
    return outcome


def test_a_recruiter_reviews_an_interview_in_the_browser(recruiter, template, assessment):
    session = assessment(recruiter, template)
    assessment(recruiter, template, name="Grace Hopper", email="grace@example.org")
    evidence = next(c for c in session.conversation.analysis["competencies"] if c["evidence"])
    turn = evidence["evidence"][0]["turn_index"]
    other = next(c for c in session.conversation.analysis["competencies"])
    new_score = "1" if other["score"] != 1 else "5"

    def steps(page, base, shot, outcome):
        page.goto(base + "/admin/login/?next=/admin/")
        page.fill("input[name=username]", "rita")
        page.fill("input[name=password]", "correct-horse-battery")
        page.click("button[type=submit], input[type=submit]")
        page.wait_for_selector("#jg-dashboard")
        outcome["waiting"] = page.inner_text("[data-kpi=waiting-review]")
        shot("dashboard")

        page.goto(base + "/admin/sessions_app/session/?q=Quokkaford")
        page.wait_for_selector("#result_list")
        outcome["list"] = page.inner_text("#result_list")
        shot("list")

        page.click(f"#result_list a:has-text('{NAME}')")
        page.wait_for_selector(".jg-transcript")
        shot("interview")
        page.click(f".jg-evidence[data-turn='{turn}']")
        page.wait_for_selector(f"#turn-{turn}.jg-highlight")
        outcome["highlighted"] = page.get_attribute(f"#turn-{turn}", "class")
        outcome["in_view"] = page.evaluate(
            f"(() => {{ const r = document.getElementById('turn-{turn}').getBoundingClientRect();"
            " return r.top >= 0 && r.bottom <= window.innerHeight; })()")
        shot("evidence")

        page.click("a.jg-button:has-text('Review this scorecard')")
        page.wait_for_selector("#jg-review-form")
        page.select_option(f"select[name=score_{other['competency']}]", new_score)
        page.select_option("select[name=recommendation]", "lean_no_hire")
        page.fill("textarea[name=reason]", "Could not explain the dispatch design when probed.")
        shot("review")
        page.click("#jg-override")
        page.wait_for_selector(".jg-review-overridden")
        outcome["reviewed"] = page.inner_text(".jg-review")
        shot("reviewed")

        page.goto(base + "/admin/sessions_app/session/")
        page.check("#action-toggle")
        page.select_option("select[name=action]", "export_csv")
        with page.expect_download() as download:
            page.click("button[name=index], button[type=submit]:has-text('Run')")
        outcome["csv"] = Path(download.value.path()).read_text()

    shown = in_browser(steps)
    assert shown["blocked"] == [] and shown["errors"] == []
    assert shown["waiting"] == "2"
    assert NAME in shown["list"] and "Grace Hopper" not in shown["list"]
    assert "jg-highlight" in shown["highlighted"] and shown["in_view"]
    assert "Overridden" in shown["reviewed"] and "Could not explain" in shown["reviewed"]
    review = Review.objects.get(conversation=session.conversation)
    assert (review.recommendation, review.competency_scores) == ("lean_no_hire", {other["competency"]: int(new_score)})
    rows = list(csv.DictReader(io.StringIO(shown["csv"])))
    assert {r["candidate"] for r in rows} == {NAME, "Grace Hopper"}
    assert next(r for r in rows if r["candidate"] == NAME)["review_state"] == "overridden"
    assert {"viewed", "reviewed", "exported"} <= set(AuditEvent.objects.values_list("action", flat=True))
    assert [p.name for p in shown["shots"]] == ["01-dashboard.png", "02-list.png", "03-interview.png",
                                                 "04-evidence.png", "05-review.png", "06-reviewed.png"]
    assert all(p.stat().st_size > 10_000 for p in shown["shots"])
