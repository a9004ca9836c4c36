"""Reconciling the conversation VAPI sends with the turns we stored.

VAPI resends the whole history with every request, and its copy is not always ours: a reply the caller
interrupted may be cut short or missing, the speech-to-text may revise a candidate's words, the
assistant's first message may come from VAPI itself. `align` walks both lists and decides, for every
turn VAPI sends, whether we already have it (same position and role, or a similar text a few turns on)
or it is new. New turns are only ever appended, so stored indexes never move.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from juggy.ai import Turn

LOOKAHEAD = 3  # stored turns VAPI may lack (dropped interrupted replies) before a match is given up
SIMILAR = 0.8

_NOISE = re.compile(r"<flush\s*/>|[^\w\s]")
_SPACE = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _SPACE.sub(" ", _NOISE.sub(" ", text.lower())).strip()


def similar(a: str, b: str) -> bool:
    a, b = _norm(a), _norm(b)
    if a == b:
        return True
    if a and b and (a.startswith(b) or b.startswith(a)):
        return True  # an interrupted reply, or an utterance VAPI extended after we stored it
    return SequenceMatcher(None, a, b, autojunk=False).ratio() >= SIMILAR


@dataclass
class Alignment:
    covered: int  # stored turns the conversation reaches once `new` is appended: the next turn's index
    new: list[Turn] = field(default_factory=list)
    revised: dict[int, str] = field(default_factory=dict)  # stored index -> VAPI's newer candidate text


def align(stored: list[Turn], incoming: list[Turn]) -> Alignment:
    position, last = 0, -1
    new: list[Turn] = []
    revised: dict[int, str] = {}
    for turn in incoming:
        match = None if new else _find(stored, position, turn)
        if match is None:
            # Once one turn is new, every later one is too: we never insert between stored turns.
            new.append(turn)
            continue
        if turn.role == "candidate" and turn.text != stored[match].text:
            # VAPI's transcription is the source of candidate words; ours was a copy of an earlier version.
            revised[match] = turn.text
        last, position = match, match + 1
    covered = len(stored) + len(new) if new else last + 1
    return Alignment(covered=covered, new=new, revised=revised)


def _find(stored: list[Turn], position: int, turn: Turn) -> int | None:
    if position < len(stored) and stored[position].role == turn.role:
        return position  # same place, same speaker: the same turn, whatever its exact words
    for k in range(position, min(position + LOOKAHEAD + 1, len(stored))):
        if stored[k].role == turn.role and similar(stored[k].text, turn.text):
            return k
    return None
