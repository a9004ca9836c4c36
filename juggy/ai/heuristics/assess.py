"""Answer assessment: is this answer relevant, specific, structured and substantial enough?

The same assessment decides follow-ups during the interview and feeds the built-in analysis, so the
interviewer probes exactly what the analysis would otherwise mark down.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from juggy.ai.heuristics.extract import find_skills
from juggy.ai.heuristics.text import FILLER_RE, HEDGE_RE, content_stems, stem, words

NUMBER_RE = re.compile(
    r"\b\d[\d,.]*\s*(%|percent|x|k|m|ms|s|seconds?|minutes?|hours?|days?|weeks?|months?|years?)?\b|[$£€]\s?\d|"
    r"\b(two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|thirty|fifty|hundred|thousand|million|"
    r"half|double|doubled|tripled)\b",
    re.I,
)
OUTCOME_RE = re.compile(
    r"\b(reduc\w*|increas\w*|improv\w*|sav(?:ed|ing)|cut|launch\w*|shipp\w*|deliver\w*|grew|grow\w*|"
    r"achiev\w*|resolv\w*|fix(?:ed)?|recover\w*|won|closed|exceed\w*|prevent\w*|stabilis\w*|stabiliz\w*|"
    r"lower\w*|rais\w*|result\w*|outcome|impact|led to|so that|as a result|which meant|discharged|"
    r"adopted|retention|revenue|feedback was|dropp\w*|fell|halv\w*|doubl\w*|tripl\w*|went (?:down|up) by)\b",
    re.I,
)
SITUATION_RE = re.compile(
    r"\b(when i|at my (?:last|previous|current)|in my (?:last|previous|current)|we had|there was|the situation|"
    r"the problem|the challenge|a patient|a customer|a client|last year|on one occasion|one time|once,|"
    r"at \w+ (?:we|i)|during)\b",
    re.I,
)
TASK_RE = re.compile(r"\b(my (?:role|job|task|responsibility|goal)|i was (?:responsible|asked|tasked)|needed to|had to|the goal|our goal)\b", re.I)
ACTION_RE = re.compile(
    r"\bi (?:(?:also|then|first|personally|quickly|immediately|\w+ly) )?"
    r"(?:\w{3,}ed|built|led|wrote|ran|made|took|gave|brought|set up|spoke|met|found|sent|chose|drove|taught|"
    r"kept|cut|put|began|sat|rang|paged|got|did|went|told|would|will|start|check|call|escalate|ask|talk|look|"
    r"prioriti[sz]e|assess|review)\b",
    re.I,
)
NON_ANSWER_RE = re.compile(
    r"^\W*(i don'?t know|no idea|not sure|pass|skip|next question|i have no experience|i haven'?t|nothing|"
    r"no comment|can we skip)\b",
    re.I,
)
REPEAT_RE = re.compile(
    r"\b(repeat (?:the|that|your) question|say that again|repeat that|could you repeat|can you repeat|"
    r"didn'?t (?:catch|hear) (?:that|the question)|what was the question|pardon\?)",
    re.I,
)
END_RE = re.compile(
    r"\b(end (?:the|this) (?:interview|call)|stop (?:the|this) interview|i have to go|i need to go|"
    r"i (?:want|would like) to (?:stop|end|finish) (?:now|here|the interview)|hang up)\b",
    re.I,
)
# Words of the question itself that carry no topic ("tell me about a time you...").
QUESTION_NOISE = frozenset(stem(w) for w in ["tell", "describe", "walk", "give", "example", "share", "explain", "specific", "situation", "approach", "imagine", "suppose", "happen", "happened", "did", "do", "would", "could", "what", "how", "why", "which"])

STRUCTURED_KINDS = ("behavioural", "situational", "background")


@dataclass
class Assessment:
    word_count: int
    relevance: float  # 0..1: overlap with the question's topic and the job's keywords
    specificity: float  # 0..1: numbers, named tools and skills, outcomes
    structure: float  # 0..1: situation, task, action, result present
    filler_ratio: float
    hedges: int
    numbers: list[str] = field(default_factory=list)
    named: list[str] = field(default_factory=list)  # lexicon skills and tools mentioned
    outcomes: int = 0
    star: dict[str, bool] = field(default_factory=dict)
    quality: float = 0.0  # 0..1 overall
    weakness: str | None = None  # why a follow-up is warranted, or None
    non_answer: bool = False

    @property
    def score(self) -> int:
        """The 1-5 score this answer alone deserves."""
        return max(1, min(5, 1 + round(self.quality * 4.4 - 0.2)))


def assess(answer: str, *, question: str, kind: str, keywords: list[str]) -> Assessment:
    tokens = words(answer)
    n = len(tokens)
    low = answer.lower()
    answer_stems = content_stems(answer)
    q_stems = content_stems(question) - QUESTION_NOISE
    q_overlap = len(answer_stems & q_stems) / max(1, min(len(q_stems), 6))
    keyword_hits = [k for k in keywords if k.lower() in low or stem(k) in answer_stems]
    relevance = min(1.0, 0.65 * min(1.0, q_overlap) + 0.2 * min(len(keyword_hits), 3) / 3 + (0.15 if n >= 40 else 0.0))
    if kind == "introduction":
        # An introduction is on topic when it talks about the candidate's own path.
        relevance = max(relevance, min(1.0, len(re.findall(r"\b(i|i'm|i've|my)\b", low)) / 6))

    numbers = [m.group(0).strip() for m in NUMBER_RE.finditer(answer)]
    named = [s.term for s in find_skills(answer)]
    outcomes = len(OUTCOME_RE.findall(answer))
    specificity = min(1.0, 0.18 * min(len(numbers), 3) + 0.14 * min(len(named), 3) + 0.12 * min(outcomes, 3))

    star = {
        "situation": bool(SITUATION_RE.search(answer)),
        "task": bool(TASK_RE.search(answer)),
        "action": len(ACTION_RE.findall(answer)) >= 1,
        "result": outcomes > 0,
    }
    structure = (star["situation"] + star["task"] + 2 * star["action"] + 2 * star["result"]) / 6

    filler = len(FILLER_RE.findall(answer))
    filler_ratio = filler / max(1, n)
    hedges = len(HEDGE_RE.findall(answer))
    non_answer = bool(NON_ANSWER_RE.search(answer)) and n < 25

    length = min(1.0, n / 90) if n < 90 else max(0.6, 1.0 - (n - 320) / 600) if n > 320 else 1.0
    structured = kind in STRUCTURED_KINDS
    quality = (
        0.25 * length
        + 0.25 * relevance
        + 0.25 * specificity
        + (0.25 if structured else 0.15) * structure
        + (0.0 if structured else 0.10) * min(1.0, len(named) / 2)
        - min(0.2, filler_ratio * 2.5)
        - min(0.15, 0.05 * hedges)
    )
    if non_answer:
        quality = min(quality, 0.05)
    quality = round(max(0.0, min(1.0, quality)), 3)

    result = Assessment(
        word_count=n,
        relevance=round(relevance, 3),
        specificity=round(specificity, 3),
        structure=round(structure, 3),
        filler_ratio=round(filler_ratio, 3),
        hedges=hedges,
        numbers=numbers,
        named=named,
        outcomes=outcomes,
        star=star,
        quality=quality,
        non_answer=non_answer,
    )
    result.weakness = _weakness(result, kind)
    return result


def _weakness(a: Assessment, kind: str) -> str | None:
    """The single most useful thing to probe, in priority order; None when the answer is good enough."""
    if a.non_answer:
        return "non_answer"
    if a.word_count < 8:
        return "too_short"
    if kind == "introduction":
        return "too_short" if a.word_count < 20 else None
    if a.relevance < 0.2 and a.word_count >= 15:
        return "off_topic"
    if a.word_count < 30:
        return "too_short"
    if a.quality >= 0.55:
        return None
    if kind in ("behavioural", "situational") and not a.star["action"]:
        return "no_action"
    if a.specificity < 0.25:
        return "vague"
    if not a.star["result"]:
        return "no_result"
    return None if a.quality >= 0.42 else "vague"


def is_repeat_request(text: str) -> bool:
    return bool(REPEAT_RE.search(text)) and len(words(text)) < 25


def wants_to_end(text: str) -> bool:
    return bool(END_RE.search(text)) and len(words(text)) < 40
