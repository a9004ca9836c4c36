"""What a careful recruiter checks in any transcript, whichever engine scored it: which planned
questions were answered, which answers were not answers, and what the recommendation may be given that.

Built on the heuristic assessment of each candidate turn (no model call), so both engines' analyses
name every non-answer and uncovered question, and neither recommends hiring a candidate who did not
answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from juggy.ai.engine.evidence import segment
from juggy.ai.heuristics.assess import Assessment, assess
from juggy.ai.heuristics.text import sentences, words
from juggy.ai.types import Plan, Question, Turn

ANSWERABLE = ("introduction", "background", "technical", "behavioural", "situational")
# A competency whose on-topic answers add up to fewer words than this is "not enough evidence".
MIN_EVIDENCE_WORDS = 8
RANK = ("no_hire", "lean_no_hire", "lean_hire", "hire", "strong_hire")


@dataclass
class AnswerReview:
    question: Question
    turns: list[tuple[int, Assessment]] = field(default_factory=list)  # (transcript index, assessment)

    @property
    def answered(self) -> bool:
        return bool(self.turns)

    @property
    def missed(self) -> bool:
        """Every turn was a non-answer or off topic: the question went unanswered."""
        return bool(self.turns) and all(a.category in ("non_answer", "off_topic") for _, a in self.turns)

    @property
    def missed_category(self) -> str:
        cats = [a.category for _, a in self.turns]
        return "non_answer" if "non_answer" in cats else "off_topic"

    @property
    def quality(self) -> float:
        """Credit for the best answer given, less a little for the tries it took."""
        qs = [a.quality for _, a in self.turns]
        return 0.75 * max(qs) + 0.25 * sum(qs) / len(qs) if qs else 0.0

    @property
    def evidence_words(self) -> int:
        return sum(a.word_count for _, a in self.turns if a.category in ("specific", "thin"))


@dataclass
class Review:
    answers: list[AnswerReview]  # one per answerable planned question, in plan order

    @property
    def asked(self) -> list[AnswerReview]:
        return [r for r in self.answers if r.answered]

    @property
    def missed(self) -> list[AnswerReview]:
        return [r for r in self.answers if r.missed]

    @property
    def not_covered(self) -> list[AnswerReview]:
        return [r for r in self.answers if not r.answered]

    def for_competency(self, key: str) -> list[AnswerReview]:
        return [r for r in self.answers if r.question.competency == key]

    def recommendation_cap(self) -> str:
        """The best recommendation the answers allow: one unanswered question rules out strong_hire, two
        rule out any hire, and missing half (at least three) is a no_hire."""
        missed, asked = len(self.missed), len(self.asked)
        if missed >= 3 and missed * 2 >= asked:
            return "no_hire"
        if missed >= 2:
            return "lean_no_hire"
        if missed == 1:
            return "hire"
        return "strong_hire"


def review(plan: Plan, transcript: list[Turn]) -> Review:
    by_question: dict[str, AnswerReview] = {q.id: AnswerReview(q) for q in plan.questions if q.kind in ANSWERABLE}
    for seg in segment(plan, transcript):
        entry = by_question.get(seg.question.id)
        if entry is None:
            continue
        said = ""
        for index in seg.candidate_turns:
            text = transcript[index].text
            entry.turns.append((index, assess(text, question=seg.question.text, kind=seg.question.kind,
                                              keywords=plan.keywords, context=said)))
            said = f"{said}\n{text}".strip()
    return Review(answers=list(by_question.values()))


def cap(recommendation: str | None, limit: str) -> str | None:
    if recommendation is None:
        return None
    return RANK[min(RANK.index(recommendation), RANK.index(limit))]


def short_quote(text: str, max_words: int = 18) -> str:
    """A verbatim piece of a turn to quote: its first sentence, or its first words when that is long."""
    first = (sentences(text) or [""])[0]
    tokens = first.split(" ")
    return first if len(tokens) <= max_words else " ".join(tokens[:max_words])


def short_question(text: str, max_words: int = 14) -> str:
    first = (sentences(text) or [text])[0]
    tokens = first.split(" ")
    return first if len(tokens) <= max_words else " ".join(tokens[:max_words]) + "..."


def missed_items(rev: Review, transcript: list[Turn], names: dict[str, str]) -> tuple[list[str], list[dict]]:
    """An improvement line per unanswered question, quoting what the candidate said, and the records."""
    lines, records = [], []
    for r in rev.missed:
        index, _ = r.turns[0]
        quote = short_quote(transcript[index].text)
        name = names.get(r.question.competency, r.question.competency.replace("_", " ").title())
        q = short_question(r.question.text)
        if r.missed_category == "non_answer":
            said = f' (the candidate said "{quote}")' if len(words(quote)) >= 1 and quote else " (no answer was given)"
            lines.append(f'{name}: no answer to "{q}"{said}.')
        else:
            lines.append(f'{name}: the answer to "{q}" was about something else ("{quote}").')
        records.append({"question_id": r.question.id, "category": r.missed_category, "quote": quote, "turn_index": index})
    return lines, records
