"""Interview events over Channels, sent only once the change they announce is committed.

Group `interview.<uuid>` receives {"type": "interview.event", "event": <server event>, "data": {...},
"exclude": <channel name or "">}; `InterviewConsumer.interview_event` forwards it to its client as
{"event", "data"}. Data is camelCased here, the same way the REST renderer does it.
"""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from djangorestframework_camel_case.util import camelize

logger = logging.getLogger("juggy.interviews")

AI_INTERVIEWER_MESSAGE = "aiInterviewerMessage"
INTERVIEW_ENDED = "interviewEnded"
PARTICIPANT_JOINED = "participantJoined"
PARTICIPANT_LEFT = "participantLeft"


def interview_group(interview_id) -> str:
    return f"interview.{interview_id}"


def interview_event_message(*, event: str, data: dict, exclude: str = "") -> dict:
    return {"type": "interview.event", "event": event, "data": camelize(data), "exclude": exclude}


def _send(group: str, message: dict) -> None:
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(group, message)


def interview_event_send(*, interview_id, event: str, data: dict) -> None:
    """Send at once: callers run after the change they announce is committed (the core's signals)."""
    try:
        _send(interview_group(interview_id), interview_event_message(event=event, data=data))
    except Exception:
        # A channel layer outage is logged; it must not turn a stored answer into a 500.
        logger.exception("could not send %s to interview %s", event, interview_id)
