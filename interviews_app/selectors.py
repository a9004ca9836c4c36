"""Reads of interviews, with the access rule in one place for REST and WebSocket.

Access: the owner; a service token (acts for any user, e.g. a LiveKit agent worker); or the candidate
holding the interview's pass (a livekit_app room pass with scope {"interview": <id>}). Anyone else gets
404, never 403, so interview ids cannot be probed.
"""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.utils import timezone

from conversations.models import Turn
from interviews_app.models import PRESENCE_TTL, Interview, InterviewConnection
from juggy.errors import Forbidden, NotFound
from livekit_app.models import Participant


def _not_found(interview_id) -> NotFound:
    return NotFound("Interview not found.", code="interview_not_found", details={"sessionId": str(interview_id)})


def interview_for_actor(*, interview_id, user=None, room_pass=None, is_service: bool = False,
                        candidate_allowed: bool = True) -> Interview:
    try:
        interview_id = uuid.UUID(str(interview_id))
    except ValueError as exc:
        raise _not_found(interview_id) from exc
    interviews = Interview.objects.select_related("conversation", "room").filter(pk=interview_id)
    if room_pass is not None:
        if str((room_pass.scope or {}).get("interview")) != str(interview_id):
            raise _not_found(interview_id)
        if not candidate_allowed:
            raise Forbidden("The candidate pass does not allow this.", code="candidate_forbidden")
        interviews = interviews.filter(room_name=room_pass.room_name)
    elif not is_service:
        interviews = interviews.filter(owner=user)
    interview = interviews.first()
    if interview is None:
        raise _not_found(interview_id)
    return interview


def interview_messages(interview: Interview) -> QuerySet[Turn]:
    return Turn.objects.filter(conversation_id=interview.conversation_id).order_by("index")


def interview_participants(interview: Interview) -> list[dict]:
    """Who is there now: WebSocket clients of the interview and participants of its LiveKit room."""
    people = [
        {"identity": c.identity, "name": c.name, "role": c.role, "via": "websocket", "joined_at": c.joined_at}
        for c in InterviewConnection.objects.filter(interview=interview, seen_at__gte=timezone.now() - PRESENCE_TTL)
    ]
    # By the room row: another owner may have a room of the same name.
    in_room = Participant.objects.filter(room_id=interview.room_id, state=Participant.State.JOINED)
    for p in in_room:
        role = "candidate" if p.identity == interview.candidate_id else "participant"
        people.append({"identity": p.identity, "name": p.name, "role": role, "via": "livekit", "joined_at": p.joined_at})
    return people
