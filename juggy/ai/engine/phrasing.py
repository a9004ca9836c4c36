"""Words for the interviewer's moves that never repeat within an interview and build on what was said.

Every pool offers variants; ``unused`` picks the first one not already said by the interviewer in this
transcript, and returns "" when all were, so the interviewer says less rather than repeat itself.
Follow-ups ask for what the answer to the question still lacks (``Assessment.missing`` of everything said
to it), never for something the candidate has just given.
"""

from __future__ import annotations

import re

from juggy.ai.heuristics.assess import Assessment
from juggy.ai.heuristics.text import normalise_space
from juggy.ai.types import Question, Turn

ASKS: dict[str, tuple[str, ...]] = {
    "example": (
        "Can you take me through one specific time that happened, from start to finish?",
        "Could you pick one real example and walk me through it?",
        "What is one concrete case where that came up, and how did it go?",
    ),
    "own_role": (
        "What did you do yourself, as opposed to the team?",
        "What was your own part in it, step by step?",
        "Which of the decisions there were yours?",
    ),
    "numbers": (
        "Roughly what scale was it, in numbers?",
        "What figures can you put on it, before and after?",
        "How big was it, and what changed, in numbers?",
    ),
    "result": (
        "How did it turn out?",
        "What was the outcome, and how did you know?",
        "What changed as a result?",
    ),
    "detail": (
        "Which tools or methods did you use, specifically?",
        "What exactly did you use or change?",
        "Can you name the specific tools, steps or people involved?",
    ),
    "steps": (
        "What would you do first, and why that first?",
        "Walk me through your first few steps, in order.",
        "What would your first move be, and what would come after it?",
    ),
}
# What a planned follow-up asks for, so it is skipped when the answer already gave it.
INTENTS: tuple[tuple[str, str], ...] = (
    (r"\bfirst\b", "steps"),
    (r"\b(yourself|personal|your part|your own)\b", "own_role"),
    (r"\b(measure|measurable|numbers|figures|scale)\b", "numbers"),
    (r"\b(turn out|result|outcome|learn)\b", "result"),
    (r"\b(example|tools|specific)\b", "example"),
)
REFERENCES = ("You mentioned {term}.", "On {term}:", "Staying with {term}:")
# A brief acknowledgement and the way back to the question, in one sentence.
REDIRECTS = (
    "Thanks for sharing that, but let me bring us back to the question:",
    "That sounds nice, but I'd like to stay with what I asked:",
    "Interesting, though it is a little away from my question, which was:",
)
ANGLE_OPENERS = ("That's fine.", "No problem.", "That's all right.")
ANGLES: dict[str, tuple[str, ...]] = {
    "technical": (
        "Is there a smaller related piece of work, from a side project, your studies or another role, that you could talk about instead?",
        "What is the closest thing you have worked on, even on a small scale?",
    ),
    "behavioural": (
        "Can you think of any situation, even a small one outside work, that comes close?",
        "Is there a smaller moment, perhaps from your studies or volunteering, that you could use instead?",
    ),
    "situational": (
        "What would be the very first thing you would want to find out?",
        "Who would you talk to first, and what would you ask them?",
    ),
    "background": (
        "What is one piece of recent work you are proud of, however small?",
        "What did a typical week in your last role look like?",
    ),
    "introduction": (
        "What are you doing at the moment, and what made you apply?",
        "What would you most like me to know about your experience so far?",
    ),
}


def said_sentences(transcript: list[Turn]) -> set[str]:
    """Every sentence the interviewer has said so far, normalised for comparison."""
    out: set[str] = set()
    for turn in transcript:
        if turn.role == "interviewer":
            for sentence in re.split(r"(?<=[.!?:])\s+", normalise_space(turn.text)):
                if sentence:
                    out.add(sentence.lower())
    return out


PHRASE_WORDS = 5  # an option sharing this many consecutive words with something said counts as said


def _grams(text: str) -> set[str]:
    tokens = re.findall(r"[a-z0-9']+", text.lower())
    return {" ".join(tokens[i:i + PHRASE_WORDS]) for i in range(len(tokens) - PHRASE_WORDS + 1)}


def unused(options: tuple[str, ...] | list[str], said: set[str], start: int = 0) -> str:
    """The first option (from ``start``, wrapping) that repeats neither a sentence nor a five-word phrase
    already said; "" if none."""
    n = len(options)
    said_grams = set().union(*(_grams(s) for s in said)) if said else set()
    for i in range(n):
        option = options[(start + i) % n]
        parts = [p.lower() for p in re.split(r"(?<=[.!?:])\s+", normalise_space(option)) if p]
        if not any(p in said for p in parts) and not (_grams(option) & said_grams):
            return option
    return ""


def intent_of(follow_up: str) -> str | None:
    for pattern, intent in INTENTS:
        if re.search(pattern, follow_up, re.I):
            return intent
    return None


def probe(question: Question, asked: int, latest: Assessment, combined: Assessment, said: set[str]) -> str:
    """A follow-up on a thin answer: built on something the candidate named, asking for what is missing."""
    # A model's judgement saw everything said to the question; the heuristics' view of it is ``combined``.
    missing = (latest.missing if latest.source != "heuristics" else []) or combined.missing or latest.missing or ["detail"]
    planned = question.follow_ups[asked] if asked < len(question.follow_ups) else ""
    ask = ""
    # A planned follow-up is used when it asks for something still missing, or asks for nothing in
    # particular (an introduction's "what makes this the right next step?").
    if planned and planned.lower() not in said and (intent_of(planned) in missing or intent_of(planned) is None):
        ask = planned
    if not ask:
        for need in missing:
            ask = unused(ASKS.get(need, ASKS["detail"]), said, start=asked)
            if ask:
                break
    if not ask:
        ask = unused(tuple(v for pool in ASKS.values() for v in pool), said) or "Could you say a bit more about that?"
    term = next((t for t in latest.mentioned if t.lower() not in " ".join(said)), "")
    reference = unused(tuple(r.format(term=term) for r in REFERENCES), said, start=asked) if term else ""
    return " ".join(p for p in (reference, ask) if p)


def redirect(question: Question, said: set[str]) -> str:
    lead = unused(REDIRECTS, said) or "To come back to the question:"
    return f"{lead} {question.text}"


def angle(question: Question, said: set[str]) -> str:
    opener = unused(ANGLE_OPENERS, said)
    pool = ANGLES.get(question.kind, ANGLES["behavioural"])
    offer = unused(pool, said) or unused(tuple(v for p in ANGLES.values() for v in p), said)
    return " ".join(p for p in (opener, offer or "Is there a related situation you could draw on, even a smaller one?") if p)
