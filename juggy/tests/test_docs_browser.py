"""The API docs pages in a real browser, offline: headless Chromium driven by Playwright against a live
daphne (testsupport.browser). Every request that leaves the server's own address is blocked and recorded,
so a page that still loads Swagger UI or ReDoc from a CDN renders nothing and fails here.
"""

from __future__ import annotations

import pytest

from testsupport.browser import NO_BROWSER, have_browser, in_browser
from testsupport.live_server import daphne_url

pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements-dev.txt)")

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not have_browser(), reason=NO_BROWSER), pytest.mark.timeout(120)]


def render(path: str, ready: str) -> dict:
    """Open `path` with the network cut off, wait for `ready` (a CSS selector); what the page showed."""
    base, blocked, errors = daphne_url(), [], []

    def steps(page):
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(base + path)
        page.wait_for_selector(ready, timeout=30_000)
        return {"count": page.locator(ready).count(), "text": page.inner_text("body")}

    shown = in_browser(steps, offline_for=base, blocked=blocked)
    return {**shown, "blocked": blocked, "errors": errors}


def test_swagger_ui_renders_the_operations_offline():
    shown = render("/api/docs/", ".opblock")
    assert shown["blocked"] == [] and shown["errors"] == []
    assert shown["count"] >= 35  # every contract endpoint and more
    assert "/session/get-all/v6" in shown["text"] and "/v2/chat/completions" in shown["text"]


def test_redoc_renders_the_operations_offline():
    shown = render("/api/redoc/", "[data-section-id^='operation/']")
    assert shown["blocked"] == [] and shown["errors"] == []
    assert shown["count"] >= 35
    assert "Upload a document (resume)" in shown["text"]
