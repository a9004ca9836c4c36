"""The interviewer engine: one place where interviewing happens, for every transport.

The *policy* (which question, follow-up or move on, when to finish) is deterministic and shared by both
engines: it comes from the answer assessment in ``juggy.ai.heuristics.assess``. That keeps the interview
state predictable and testable whatever model is behind it. The engines differ in how they *phrase* each
step (templates or a language model), how they plan, and how they analyse.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from contextlib import aclosing
from dataclasses import dataclass, replace

from juggy.ai.config import AIConfig
from juggy.ai.engine.evidence import candidate_word_count, segment, verify_evidence
from juggy.ai.heuristics.assess import Assessment, assess, is_repeat_request, wants_to_end
from juggy.ai.heuristics.planner import DEFAULT_COMPETENCIES
from juggy.ai.heuristics.text import normalise_space, words
from juggy.ai.providers.base import LLMProvider
from juggy.ai.types import (
    Analysis,
    InterviewState,
    JobContext,
    Plan,
    Question,
    TextDelta,
    Turn,
    TurnDone,
    TurnResult,
)

CLOSING_REASONS = ("completed", "credits_exhausted", "error", "ended_by_candidate")

# Below these, an analysis says "not enough to judge" instead of scoring.
MIN_CANDIDATE_WORDS = 60
MIN_SUBSTANTIVE_ANSWERS = 2
SUBSTANTIVE_ANSWER_WORDS = 12

# Recommendation scale, from the overall score (mean of competency scores, 1-5).
RECOMMENDATIONS = ((4.3, "strong_hire"), (3.6, "hire"), (3.0, "lean_hire"), (2.3, "lean_no_hire"), (0.0, "no_hire"))


def recommendation_for(overall: float) -> str:
    return next(label for floor, label in RECOMMENDATIONS if overall >= floor)


@dataclass
class Step:
    """What the interviewer does next, before it is put into words."""

    action: str  # open | ask | follow_up | repeat | finish
    state: InterviewState
    question: Question | None = None  # the question asked (or followed up) in this step
    assessment: Assessment | None = None  # of the answer being responded to
    weakness: str | None = None
    follow_up: str = ""  # suggested follow-up question (follow_up steps)
    reason: str = "completed"  # closing reason (finish steps)
    previous: Question | None = None  # the question the candidate just answered


class InterviewEngine:
    """Plans, conducts and analyses an interview. Subclasses phrase steps and analyse transcripts."""

    name = "base"

    def __init__(self, provider: LLMProvider, config: AIConfig | None = None, analysis_provider: LLMProvider | None = None):
        self.provider = provider
        self.analysis_provider = analysis_provider or provider
        self.config = config or AIConfig()

    @property
    def end_call_phrase(self) -> str:
        return self.config.end_call_phrase

    # -- to be provided by subclasses --------------------------------------------------------------
    def plan(self, ctx: JobContext) -> Plan:
        raise NotImplementedError

    def _phrase(self, ctx: JobContext, plan: Plan, step: Step, transcript: list[Turn]) -> Iterator[str]:
        raise NotImplementedError

    def _aphrase(self, ctx: JobContext, plan: Plan, step: Step, transcript: list[Turn]) -> AsyncIterator[str]:
        raise NotImplementedError

    def _analyse(self, ctx: JobContext, plan: Plan, transcript: list[Turn]) -> Analysis:
        raise NotImplementedError

    # -- public API --------------------------------------------------------------------------------
    def opening(self, ctx: JobContext, plan: Plan) -> TurnResult:
        step = self._opening_step(plan)
        return self._result(step, "".join(self._phrase(ctx, plan, step, [])))

    def turn(self, ctx: JobContext, plan: Plan, state: InterviewState, transcript: list[Turn]) -> TurnResult:
        step = self.decide(ctx, plan, state, transcript)
        return self._result(step, "".join(self._phrase(ctx, plan, step, transcript)))

    async def astream_turn(
        self, ctx: JobContext, plan: Plan, state: InterviewState, transcript: list[Turn]
    ) -> AsyncIterator[TextDelta | TurnDone]:
        async for event in self._astream(ctx, plan, self.decide(ctx, plan, state, transcript), transcript):
            yield event

    def closing(self, ctx: JobContext, reason: str = "completed") -> str:
        if reason not in CLOSING_REASONS:
            raise ValueError(f"Unknown closing reason {reason!r}; expected one of {', '.join(CLOSING_REASONS)}.")
        name = f", {ctx.candidate_name.split()[0]}" if ctx.candidate_name.strip() else ""
        if reason == "completed":
            if ctx.mode == "enterprise":
                after = "The hiring team will review your interview and be in touch about next steps."
            else:
                after = "Your feedback will be ready in your session summary shortly."
            text = f"That brings us to the end of the interview{name}. {after}"
        elif reason == "credits_exhausted":
            text = f"We have reached the end of the time available for this session{name}, so I will stop here."
        elif reason == "ended_by_candidate":
            text = f"Understood{name}, we will stop here."
        else:
            text = "I am sorry, we have run into a technical problem and need to end the interview here."
        return f"{text} {self.end_call_phrase}"

    def analyse(self, ctx: JobContext, plan: Plan, transcript: list[Turn]) -> Analysis:
        words_said = candidate_word_count(transcript)
        substantive = sum(
            1 for t in transcript if t.role == "candidate" and len(words(t.text)) >= SUBSTANTIVE_ANSWER_WORDS
        )
        if words_said < MIN_CANDIDATE_WORDS or substantive < MIN_SUBSTANTIVE_ANSWERS:
            return Analysis(
                sufficient=False,
                overall_score=None,
                recommendation=None,
                summary=(
                    f"Not enough to judge: the candidate said {words_said} words in {substantive} substantive "
                    f"answer(s); an assessment needs at least {MIN_CANDIDATE_WORDS} words over "
                    f"{MIN_SUBSTANTIVE_ANSWERS} answers of {SUBSTANTIVE_ANSWER_WORDS}+ words."
                ),
                strengths=[],
                improvements=[],
                competencies=[],
                provider=self.analysis_provider.name,
                model=self.analysis_provider.model,
            )
        analysis = self._analyse(ctx, plan, transcript)
        verify_evidence(analysis.competencies, transcript)
        if analysis.competencies:
            overall = round(sum(c.score for c in analysis.competencies) / len(analysis.competencies), 1)
            analysis.overall_score = overall
            analysis.recommendation = recommendation_for(overall)
        return analysis

    # -- shared policy -----------------------------------------------------------------------------
    def max_follow_ups(self, ctx: JobContext, question: Question) -> int:
        if question.kind in ("candidate_questions", "close"):
            return 0
        if ctx.mode == "enterprise" or question.kind in ("introduction", "background"):
            return 1
        return 2

    def decide(self, ctx: JobContext, plan: Plan, state: InterviewState, transcript: list[Turn]) -> Step:
        if not plan.questions:
            raise ValueError("The plan has no questions.")
        if not state.started:
            return self._opening_step(plan)
        if state.finished:
            return Step("finish", replace(state, finished=True, turn_count=state.turn_count + 1))
        index = min(max(state.index, 0), len(plan.questions) - 1)
        question = plan.questions[index]
        latest = _latest_answer(transcript)
        next_count = state.turn_count + 1
        if wants_to_end(latest):
            return Step("finish", replace(state, finished=True, turn_count=next_count), reason="ended_by_candidate", previous=question)
        if is_repeat_request(latest):
            return Step("repeat", replace(state, turn_count=next_count), question=question)
        answer = _answer_since(transcript, state.follow_ups_asked + 1)
        assessment = assess(answer, question=question.text, kind=question.kind, keywords=plan.keywords)
        if assessment.weakness and state.follow_ups_asked < self.max_follow_ups(ctx, question):
            new = replace(state, index=index, follow_ups_asked=state.follow_ups_asked + 1, turn_count=next_count)
            return Step(
                "follow_up",
                new,
                question=question,
                assessment=assessment,
                weakness=assessment.weakness,
                follow_up=self._suggest_follow_up(question, assessment.weakness, state.follow_ups_asked),
                previous=question,
            )
        if index + 1 >= len(plan.questions):
            done = replace(state, index=index, follow_ups_asked=0, finished=True, turn_count=next_count)
            return Step("finish", done, assessment=assessment, previous=question)
        new = replace(state, index=index + 1, follow_ups_asked=0, turn_count=next_count)
        return Step("ask", new, question=plan.questions[index + 1], assessment=assessment, previous=question)

    def state_from_transcript(self, plan: Plan, transcript: list[Turn]) -> InterviewState:
        """Rebuild the state from a transcript, for callers that did not keep it (e.g. a stateless chat API)."""
        asked = [t for t in transcript if t.role == "interviewer"]
        if not asked:
            return InterviewState()
        finished = normalise_space(self.end_call_phrase) in normalise_space(asked[-1].text)
        segments = segment(plan, transcript)
        if not segments:
            return InterviewState(started=True, finished=finished, turn_count=len(asked))
        last = segments[-1]
        return InterviewState(
            index=plan.questions.index(last.question),
            follow_ups_asked=last.follow_ups,
            started=True,
            finished=finished,
            turn_count=len(asked),
        )

    @staticmethod
    def _suggest_follow_up(question: Question, weakness: str | None, asked: int) -> str:
        specific = {
            "no_action": "What exactly did you do yourself, step by step?",
            "no_result": "How did it turn out, and how did you measure the result?",
            "vague": "Could you make that concrete with a specific example, the tools or steps you used, and the numbers involved?",
            "too_short": "Could you say a bit more, with a specific example?",
            "non_answer": "That is all right. Is there a related situation you could draw on, even a smaller one?",
            "off_topic": f"Let me bring us back to the question: {question.text}",
        }
        planned = question.follow_ups[asked] if asked < len(question.follow_ups) else ""
        if weakness in ("off_topic", "non_answer", "too_short") or not planned:
            return specific.get(weakness or "", planned or specific["too_short"])
        return planned

    def _opening_step(self, plan: Plan) -> Step:
        if not plan.questions:
            raise ValueError("The plan has no questions.")
        return Step("open", InterviewState(index=0, started=True, turn_count=1), question=plan.questions[0])

    def _result(self, step: Step, utterance: str) -> TurnResult:
        finished = step.action == "finish"
        return TurnResult(
            utterance=_tidy(utterance),
            state=step.state,
            question_id=None if finished or step.question is None else step.question.id,
            is_follow_up=step.action == "follow_up",
            finished=finished,
        )

    async def _astream(self, ctx, plan, step: Step, transcript) -> AsyncIterator[TextDelta | TurnDone]:
        parts: list[str] = []
        # aclosing: if our consumer goes away, the phrase generator (and any upstream stream) closes now,
        # not whenever the garbage collector gets to it.
        async with aclosing(self._aphrase(ctx, plan, step, transcript)) as pieces:
            async for piece in pieces:
                if piece:
                    parts.append(piece)
                    yield TextDelta(piece)
        yield TurnDone(self._result(step, "".join(parts)))


def _latest_answer(transcript: list[Turn]) -> str:
    out: list[str] = []
    for turn in reversed(transcript):
        if turn.role == "interviewer":
            break
        out.append(turn.text)
    return "\n".join(reversed(out))


def _answer_since(transcript: list[Turn], interviewer_turns: int) -> str:
    """Candidate text since the ``interviewer_turns``-th last interviewer turn (the question and its follow-ups)."""
    out: list[str] = []
    seen = 0
    for turn in reversed(transcript):
        if turn.role == "interviewer":
            seen += 1
            if seen >= interviewer_turns:
                break
        else:
            out.append(turn.text)
    return "\n".join(reversed(out))


def _tidy(text: str) -> str:
    return re.sub(r"[ \t]+", " ", text).strip()


def competency_names(ctx: JobContext) -> dict[str, str]:
    names = {key: name for key, (name, _) in DEFAULT_COMPETENCIES.items()}
    for comp in ctx.competencies or []:
        names[comp.key] = comp.name
    return names
