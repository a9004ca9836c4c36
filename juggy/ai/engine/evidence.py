"""Transcript bookkeeping shared by both engines: which answer belongs to which question, and evidence
checking (a quote that is not verbatim in a candidate turn is dropped, never shown)."""

from __future__ import annotations

from dataclasses import dataclass, field

from juggy.ai.heuristics.text import content_stems, normalise_space, words
from juggy.ai.types import CompetencyScore, Evidence, Plan, Question, Turn

MIN_QUOTE_WORDS = 3
_QUOTE_TRIM = " \"'`.,;:…-—"


@dataclass
class Segment:
    question: Question
    candidate_turns: list[int] = field(default_factory=list)
    follow_ups: int = 0  # interviewer turns after the question itself

    def answer(self, transcript: list[Turn]) -> str:
        return "\n".join(transcript[i].text for i in self.candidate_turns)


def match_question(text: str, plan: Plan, start: int = 0) -> int | None:
    """Index of the plan question an interviewer turn asks, or None for a follow-up or small talk."""
    norm = normalise_space(text).lower()
    stems = content_stems(text)
    order = list(range(start, len(plan.questions))) + list(range(0, start))
    for i in order:
        if normalise_space(plan.questions[i].text).lower() in norm:
            return i
    for i in order:
        q_stems = content_stems(plan.questions[i].text)
        if len(q_stems) >= 3 and len(q_stems & stems) / len(q_stems) >= 0.75:
            return i
    return None


def segment(plan: Plan, transcript: list[Turn]) -> list[Segment]:
    """Group candidate turns under the plan question they answer (follow-ups stay with their question)."""
    segments: list[Segment] = []
    current: Segment | None = None
    for i, turn in enumerate(transcript):
        if turn.role == "interviewer":
            start = plan.questions.index(current.question) + 1 if current else 0
            idx = match_question(turn.text, plan, start)
            if idx is not None and (current is None or plan.questions[idx] is not current.question):
                current = Segment(plan.questions[idx])
                segments.append(current)
            elif current is not None:
                current.follow_ups += 1
        elif turn.text.strip():
            if current is None:
                if not plan.questions:
                    continue
                current = Segment(plan.questions[0])
                segments.append(current)
            current.candidate_turns.append(i)
    return segments


def clean_quote(quote: str) -> str:
    return normalise_space(quote).strip(_QUOTE_TRIM)


def verify_evidence(scores: list[CompetencyScore], transcript: list[Turn]) -> int:
    """Keep only quotes found verbatim (whitespace-normalised) in a candidate turn; return how many were dropped.

    A quote found in a different candidate turn than claimed keeps its text and gets the right index.
    """
    candidate = {i: normalise_space(t.text) for i, t in enumerate(transcript) if t.role == "candidate"}
    dropped = 0
    for score in scores:
        kept: list[Evidence] = []
        seen: set[str] = set()
        for ev in score.evidence:
            quote = clean_quote(ev.quote)
            if len(words(quote)) < MIN_QUOTE_WORDS or quote in seen:
                dropped += 1
                continue
            if ev.turn_index in candidate and quote in candidate[ev.turn_index]:
                index = ev.turn_index
            else:
                index = next((i for i, text in candidate.items() if quote in text), None)
            if index is None:
                dropped += 1
                continue
            seen.add(quote)
            kept.append(Evidence(quote=quote, turn_index=index))
        score.evidence = kept
    return dropped


def candidate_word_count(transcript: list[Turn]) -> int:
    return sum(len(words(t.text)) for t in transcript if t.role == "candidate")
