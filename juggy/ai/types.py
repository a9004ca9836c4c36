"""Plain data passed in and out of the interviewer engine.

Every type is a dataclass with ``to_dict()`` / ``from_dict()`` producing JSON-safe dicts, so callers can
store plans, states and analyses in a JSONField and rebuild them later. ``from_dict`` ignores unknown
keys, so data stored by an older version still loads.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

QUESTION_KINDS = (
    "introduction",
    "background",
    "technical",
    "behavioural",
    "situational",
    "candidate_questions",
    "close",
)


def _known(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    names = {f.name for f in dataclasses.fields(cls)}
    return {k: v for k, v in (data or {}).items() if k in names}


@dataclass
class Turn:
    role: Literal["interviewer", "candidate"]
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"role": self.role, "text": self.text}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Turn:
        role = data.get("role")
        if role not in ("interviewer", "candidate"):
            raise ValueError(f"Turn role must be 'interviewer' or 'candidate', not {role!r}.")
        return cls(role=role, text=str(data.get("text") or ""))


@dataclass
class Competency:
    key: str
    name: str
    description: str = ""
    rubric: dict[int, str] | None = None  # score (1-5) -> descriptor

    def to_dict(self) -> dict[str, Any]:
        rubric = {str(k): v for k, v in self.rubric.items()} if self.rubric else None
        return {"key": self.key, "name": self.name, "description": self.description, "rubric": rubric}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Competency:
        data = _known(cls, data)
        rubric = data.get("rubric")
        if rubric:
            data["rubric"] = {int(k): str(v) for k, v in rubric.items()}
        data.setdefault("name", data.get("key", ""))
        return cls(**data)


@dataclass
class JobContext:
    job_description: str = ""
    assessment_area: str = ""
    target_role: str = ""
    target_company: str = ""
    current_role: str = ""
    current_company: str = ""
    experience: str = ""
    resume_text: str = ""
    resume: dict[str, Any] | None = None
    competencies: list[Competency] | None = None
    fixed_questions: list[str] | None = None
    mode: Literal["practice", "enterprise"] = "practice"
    candidate_name: str = ""
    max_questions: int | None = None

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["competencies"] = [c.to_dict() for c in self.competencies] if self.competencies else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> JobContext:
        data = _known(cls, data)
        if data.get("competencies"):
            data["competencies"] = [
                c if isinstance(c, Competency) else Competency.from_dict(c) for c in data["competencies"]
            ]
        return cls(**data)


@dataclass
class Question:
    id: str
    text: str
    competency: str
    kind: str
    follow_ups: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Question:
        data = _known(cls, data)
        data["follow_ups"] = list(data.get("follow_ups") or [])
        return cls(**data)


@dataclass
class Plan:
    questions: list[Question]
    keywords: list[str]
    version: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "questions": [q.to_dict() for q in self.questions],
            "keywords": list(self.keywords),
            "version": self.version,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Plan:
        return cls(
            questions=[Question.from_dict(q) for q in data.get("questions") or []],
            keywords=list(data.get("keywords") or []),
            version=str(data.get("version") or ""),
        )

    def question(self, question_id: str | None) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


@dataclass
class InterviewState:
    index: int = 0  # position in plan.questions of the question currently awaiting an answer
    follow_ups_asked: int = 0  # follow-ups asked on that question so far
    started: bool = False
    finished: bool = False
    turn_count: int = 0  # interviewer utterances produced so far (opening included)
    # Follow-up moves made on the current question, in order: "probe" (a thin answer), "redirect" (an
    # off-topic one), "angle" (a non-answer). Each of redirect and angle is made at most once a question.
    moves: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> InterviewState:
        data = _known(cls, data or {})
        data["moves"] = [str(m) for m in data.get("moves") or []]
        return cls(**data)


@dataclass
class TurnResult:
    utterance: str
    state: InterviewState
    question_id: str | None
    is_follow_up: bool
    finished: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "utterance": self.utterance,
            "state": self.state.to_dict(),
            "question_id": self.question_id,
            "is_follow_up": self.is_follow_up,
            "finished": self.finished,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TurnResult:
        return cls(
            utterance=str(data.get("utterance") or ""),
            state=InterviewState.from_dict(data.get("state")),
            question_id=data.get("question_id"),
            is_follow_up=bool(data.get("is_follow_up")),
            finished=bool(data.get("finished")),
        )


@dataclass
class TextDelta:
    """A streamed piece of the interviewer's utterance."""

    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TextDelta:
        return cls(text=str(data.get("text") or ""))


@dataclass
class TurnDone:
    """The last event of a streamed turn; ``result.utterance`` is the whole text."""

    result: TurnResult

    def to_dict(self) -> dict[str, Any]:
        return {"result": self.result.to_dict()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TurnDone:
        return cls(result=TurnResult.from_dict(data.get("result") or {}))


@dataclass
class Evidence:
    quote: str  # verbatim (whitespace-normalised) from transcript[turn_index], a candidate turn
    turn_index: int

    def to_dict(self) -> dict[str, Any]:
        return {"quote": self.quote, "turn_index": self.turn_index}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Evidence:
        return cls(quote=str(data.get("quote") or ""), turn_index=int(data.get("turn_index") or 0))


@dataclass
class CompetencyScore:
    competency: str
    name: str
    score: int  # 1-5
    rationale: str
    evidence: list[Evidence] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "competency": self.competency,
            "name": self.name,
            "score": self.score,
            "rationale": self.rationale,
            "evidence": [e.to_dict() for e in self.evidence],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CompetencyScore:
        return cls(
            competency=str(data.get("competency") or ""),
            name=str(data.get("name") or data.get("competency") or ""),
            score=int(data.get("score") or 1),
            rationale=str(data.get("rationale") or ""),
            evidence=[Evidence.from_dict(e) for e in data.get("evidence") or []],
        )


@dataclass
class Analysis:
    sufficient: bool
    overall_score: float | None
    recommendation: str | None
    summary: str
    strengths: list[str]
    improvements: list[str]
    competencies: list[CompetencyScore]
    provider: str
    model: str
    # Competencies the transcript gives too little evidence to score: [{"competency", "name", "reason"}].
    not_assessed: list[dict[str, str]] = field(default_factory=list)
    # Planned questions the candidate never answered: [{"question_id", "text", "competency"}].
    not_covered: list[dict[str, str]] = field(default_factory=list)
    # Answers that were not answers: [{"question_id", "category" ("non_answer" | "off_topic"), "quote", "turn_index"}].
    missed_answers: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "sufficient": self.sufficient,
            "overall_score": self.overall_score,
            "recommendation": self.recommendation,
            "summary": self.summary,
            "strengths": list(self.strengths),
            "improvements": list(self.improvements),
            "competencies": [c.to_dict() for c in self.competencies],
            "provider": self.provider,
            "model": self.model,
            "not_assessed": [dict(x) for x in self.not_assessed],
            "not_covered": [dict(x) for x in self.not_covered],
            "missed_answers": [dict(x) for x in self.missed_answers],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Analysis:
        score = data.get("overall_score")
        return cls(
            sufficient=bool(data.get("sufficient")),
            overall_score=float(score) if score is not None else None,
            recommendation=data.get("recommendation"),
            summary=str(data.get("summary") or ""),
            strengths=list(data.get("strengths") or []),
            improvements=list(data.get("improvements") or []),
            competencies=[CompetencyScore.from_dict(c) for c in data.get("competencies") or []],
            provider=str(data.get("provider") or ""),
            model=str(data.get("model") or ""),
            not_assessed=[dict(x) for x in data.get("not_assessed") or []],
            not_covered=[dict(x) for x in data.get("not_covered") or []],
            missed_answers=[dict(x) for x in data.get("missed_answers") or []],
        )
