"""What the conversation core announces, after the change is committed. Transports subscribe to tell
their own clients (interviews_app sends WebSocket events for the conversations it owns).

turn_taken(conversation, reply, answer): the interviewer said `reply` (a Turn), in answer to `answer`
(the candidate's Turn, or None for an opening or a closing).
conversation_ended(conversation): the conversation reached a final status.
"""

from django.dispatch import Signal

turn_taken = Signal()
conversation_ended = Signal()
