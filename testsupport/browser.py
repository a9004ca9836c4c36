"""Headless Chromium for browser tests: Debian's /usr/bin/chromium (installed by .ci/run) driven by
Playwright's sync API (never Playwright's own browser download).

``in_browser(steps, offline_for=base)`` runs ``steps(page)`` in a thread of its own — Playwright's sync
API keeps an event loop running in its thread, where Django refuses database calls — and returns what
``steps`` returned, or re-raises its exception in the test's thread. With ``offline_for``, every request
that does not go to that base URL is aborted and listed in ``blocked``.
"""

from __future__ import annotations

import threading
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
NO_BROWSER = f"no browser: install Debian's chromium ({CHROMIUM}), as .ci/run does (apt-get install chromium)"


def have_browser() -> bool:
    return Path(CHROMIUM).exists()


def in_browser(steps, *, offline_for: str | None = None, blocked: list | None = None, args=(), **context_options):
    from playwright.sync_api import sync_playwright

    outcome: dict = {}

    def offline(route):
        if route.request.url.startswith(offline_for):
            route.continue_()
        else:
            if blocked is not None:
                blocked.append(route.request.url)
            route.abort()

    def run():
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", *args])
                try:
                    page = browser.new_context(**context_options).new_page()
                    if offline_for is not None:
                        page.route("**/*", offline)
                    outcome["result"] = steps(page)
                finally:
                    browser.close()
        except BaseException as exc:  # re-raised in the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=run, name="browser")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")
