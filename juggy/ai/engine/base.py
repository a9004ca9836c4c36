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
from juggy.ai.engine import phrasing
from juggy.ai.engine.evidence import candidate_word_count, segment, verify_evidence
from juggy.ai.engine.review import Review, cap, missed_items, review, short_question
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
MIN_ASKED_QUESTIONS = 3

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
    move: str | None = None  # follow_up steps: "probe", "redirect" or "angle"


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
        """The turn as text pieces as they are phrased, then TurnDone. Decided by `decide_streamed`."""
        step = await self._adecide_streamed(ctx, plan, state, transcript)
        async for event in self._astream(ctx, plan, step, transcript):
            yield event

    def decide_streamed(self, ctx: JobContext, plan: Plan, state: InterviewState, transcript: list[Turn]) -> Step:
        """The step of a streamed turn (the voice transports, where the first word's latency is what the
        candidate hears): the model assesses the answer only if `model_assesses_streamed_turns` says so.
        Also what a streamed turn cut off by a hang-up is stored with, so both decide alike."""
        return self.decide(ctx, plan, state, transcript, model_assessment=self.config.model_assesses_streamed_turns)

    async def _adecide_streamed(self, ctx: JobContext, plan: Plan, state: InterviewState, transcript: list[Turn]) -> Step:
        """``decide_streamed`` for async callers; an engine whose assessment calls a model runs it in a thread."""
        return self.decide_streamed(ctx, plan, state, transcript)

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
        rev = review(plan, transcript)
        # Too little said to judge, unless the candidate was asked enough questions that not answering
        # them is itself the evidence.
        thin_transcript = words_said < MIN_CANDIDATE_WORDS or substantive < MIN_SUBSTANTIVE_ANSWERS
        if thin_transcript and len(rev.asked) < MIN_ASKED_QUESTIONS:
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
        self._apply_review(ctx, analysis, rev, transcript)
        if analysis.competencies:
            overall = round(sum(c.score for c in analysis.competencies) / len(analysis.competencies), 1)
            analysis.overall_score = overall
            analysis.recommendation = cap(recommendation_for(overall), rev.recommendation_cap())
        return analysis

    def _apply_review(self, ctx: JobContext, analysis: Analysis, rev: Review, transcript: list[Turn]) -> None:
        """What holds whatever scored the transcript: every unanswered question is named (in improvements
        and ``missed_answers``), questions never reached are ``not_covered``, a competency with no evidence
        is not scored but listed in ``not_assessed``, and one whose every answer was missed scores 2 at most."""
        names = competency_names(ctx)
        lines, records = missed_items(rev, transcript, names)
        analysis.missed_answers = records
        quoted = " ".join(analysis.improvements)
        extra = [line for line, rec in zip(lines, records, strict=True) if rec["quote"] not in quoted]
        analysis.not_covered = [
            {"question_id": r.question.id, "text": r.question.text, "competency": r.question.competency}
            for r in rev.not_covered
        ]
        if analysis.not_covered:
            listed = "; ".join(f'"{short_question(c["text"])}"' for c in analysis.not_covered)
            extra.append(f"Not covered in this interview: {listed}.")
        analysis.improvements = [*extra, *analysis.improvements][:8]
        kept, not_assessed = [], {x["competency"]: x for x in analysis.not_assessed}
        for score in analysis.competencies:
            mine = rev.for_competency(score.competency)
            if mine and not any(r.answered for r in mine) and score.competency not in not_assessed:
                not_assessed[score.competency] = {"competency": score.competency, "name": score.name,
                                                  "reason": "not enough evidence: its questions were not reached"}
            if score.competency in not_assessed:
                continue
            if mine and all(r.missed for r in mine if r.answered):
                score.score = min(score.score, 2)
            kept.append(score)
        analysis.competencies = kept
        analysis.not_assessed = list(not_assessed.values())

    # -- shared policy -----------------------------------------------------------------------------
    def max_follow_ups(self, ctx: JobContext, question: Question) -> int:
        if question.kind in ("candidate_questions", "close"):
            return 0
        if ctx.mode == "enterprise" or question.kind in ("introduction", "background"):
            return 1
        return 2

    def decide(self, ctx: JobContext, plan: Plan, state: InterviewState, transcript: list[Turn], *,
               model_assessment: bool = True) -> Step:
        """The next step, from the assessment of the latest answer (by the model, if the engine has one and
        `model_assessment`; by the heuristics otherwise).

        - specific: move on;
        - thin: follow up on the same question for what the answer lacks (within the question's budget);
        - off topic: bring the candidate back to the same question once, then move on;
        - non-answer: offer a smaller related angle once, then move on.
        """
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
        earlier = _answer_since(transcript, state.follow_ups_asked + 1, skip_latest=True)
        budget = state.follow_ups_asked < self.max_follow_ups(ctx, question)
        assessment = self.assess_answer(ctx, plan, question, latest, earlier, model=budget and model_assessment)
        move = self._move(assessment, state, budget)
        if move:
            new = replace(state, index=index, follow_ups_asked=state.follow_ups_asked + 1, turn_count=next_count,
                          moves=[*state.moves, move])
            combined = assess(f"{earlier}\n{latest}".strip(), question=question.text, kind=question.kind, keywords=plan.keywords)
            return Step(
                "follow_up",
                new,
                question=question,
                assessment=assessment,
                weakness=assessment.weakness,
                follow_up=self._suggest_follow_up(question, assessment.weakness, state.follow_ups_asked,
                                                  assessment=assessment, combined=combined, move=move,
                                                  said=phrasing.said_sentences(transcript)),
                previous=question,
                move=move,
            )
        if index + 1 >= len(plan.questions):
            done = replace(state, index=index, follow_ups_asked=0, finished=True, turn_count=next_count, moves=[])
            return Step("finish", done, assessment=assessment, previous=question)
        new = replace(state, index=index + 1, follow_ups_asked=0, turn_count=next_count, moves=[])
        return Step("ask", new, question=plan.questions[index + 1], assessment=assessment, previous=question)

    @staticmethod
    def _move(a: Assessment, state: InterviewState, budget: bool) -> str | None:
        """The follow-up move an answer calls for, or None to move on."""
        if not budget:
            return None
        if a.category == "off_topic":
            return "redirect" if "redirect" not in state.moves else None
        if a.category == "non_answer":
            # Once the smaller angle has been offered (or after a redirect), a further non-answer moves on.
            return "angle" if not {"angle", "redirect"} & set(state.moves) else None
        if a.category == "thin":
            return "probe"
        return None

    def assess_answer(self, ctx: JobContext, plan: Plan, question: Question, answer: str, earlier: str = "",
                      *, model: bool = True) -> Assessment:
        """The assessment of one answer (``earlier``: what was said to this question before). The built-in
        heuristics here; an engine with a model may ask it (``model=False`` when the step cannot depend on it)."""
        return assess(answer, question=question.text, kind=question.kind, keywords=plan.keywords, context=earlier)

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
    def _suggest_follow_up(question: Question, weakness: str | None, asked: int, *, assessment: Assessment,
                           combined: Assessment, move: str, said: set[str]) -> str:
        """The follow-up question for a move, worded so that nothing said before in the interview repeats."""
        if move == "redirect":
            return phrasing.redirect(question, said)
        if move == "angle":
            return phrasing.angle(question, said)
        return phrasing.probe(question, asked, assessment, combined, said)

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


def _answer_since(transcript: list[Turn], interviewer_turns: int, skip_latest: bool = False) -> str:
    """Candidate text since the ``interviewer_turns``-th last interviewer turn (the question and its follow-ups);
    with ``skip_latest``, without the latest answer (the turns after the last interviewer turn)."""
    out: list[str] = []
    seen = 0
    turns = list(reversed(transcript))
    if skip_latest:
        while turns and turns[0].role == "candidate":
            turns.pop(0)
    for turn in turns:
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
