"""Ending a VAPI call from our side: POST {"type": "end-call"} to the call's monitor control URL.

The closing line ends with the end-call phrase, which VAPI's `endCallPhrases` already acts on; this is
the backstop for assistants configured without it. It is sent only with VAPI_OUTBOUND_ENABLED, and only
after the closing has had time to be spoken: ending at once would cut the goodbye off mid-sentence.
"""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import urlsplit

import aiohttp
from django.conf import settings

logger = logging.getLogger("juggy.vapi")

SECONDS_PER_WORD = 0.4  # a calm speaking pace (150 words a minute)
SPEECH_MARGIN_SECONDS = 1.5
MAX_DELAY_SECONDS = 30.0
TIMEOUT_SECONDS = 5.0

# Fire-and-forget tasks must be referenced until they finish, or the event loop may drop them.
_pending: set[asyncio.Task] = set()


def speaking_time(text: str) -> float:
    return min(MAX_DELAY_SECONDS, SPEECH_MARGIN_SECONDS + SECONDS_PER_WORD * len(text.split()))


def schedule_end_call(control_url: str, closing_text: str) -> asyncio.Task | None:
    if not (settings.VAPI_OUTBOUND_ENABLED and control_url):
        return None
    if urlsplit(control_url).scheme not in ("https", "http"):
        logger.warning("not ending call: control URL %r is not an HTTP(S) URL", control_url)
        return None
    task = asyncio.get_running_loop().create_task(_end_call(control_url, speaking_time(closing_text)))
    _pending.add(task)
    task.add_done_callback(_pending.discard)
    return task


async def _end_call(control_url: str, delay: float) -> None:
    await asyncio.sleep(delay)
    try:
        timeout = aiohttp.ClientTimeout(total=TIMEOUT_SECONDS)
        async with (
            aiohttp.ClientSession(timeout=timeout) as http,
            http.post(control_url, json={"type": "end-call"}) as response,
        ):
            if response.status >= 400:
                logger.warning("VAPI end-call to %s answered HTTP %s", control_url, response.status)
    except (aiohttp.ClientError, TimeoutError) as exc:
        logger.warning("VAPI end-call to %s failed: %s", control_url, exc)
