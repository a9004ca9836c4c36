"""The built-in engine: template phrasing and heuristic analysis, offline and deterministic."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator

from juggy.ai.engine.base import InterviewEngine, Step, competency_names
from juggy.ai.engine.evidence import segment
from juggy.ai.heuristics.assess import Assessment, assess
from juggy.ai.heuristics.planner import builtin_plan
from juggy.ai.heuristics.text import FILLER_RE, sentences, words
from juggy.ai.types import Analysis, CompetencyScore, Evidence, JobContext, Plan, Turn

ANALYSIS_MODEL = "builtin-heuristics-1"

TRANSITIONS = {
    "background": "Let's talk about your background.",
    "technical": "Now some questions about the role itself.",
    "behavioural": "Next, a question about how you work with others.",
    "situational": "Now a hypothetical situation.",
    "candidate_questions": "We are nearly at the end.",
    "close": "One last thing.",
}
TIPS = {
    "vague": "A tip: figures and named tools make an answer much more convincing.",
    "no_result": "A tip: finish your examples with the result.",
    "no_action": "A tip: say what you did yourself, in the first person.",
}


class BuiltinInterviewEngine(InterviewEngine):
    name = "builtin"

    def plan(self, ctx: JobContext) -> Plan:
        return builtin_plan(ctx)

    # -- phrasing ----------------------------------------------------------------------------------
    def utterance(self, ctx: JobContext, plan: Plan, step: Step) -> str:
        q = step.question
        if step.action == "open":
            return f"{self.greeting(ctx, plan)} {q.text}"
        if step.action == "repeat":
            return f"Of course. {q.text}"
        ack = self.acknowledgement(ctx, step)
        if step.action == "follow_up":
            tip = TIPS.get(step.weakness or "", "") if ctx.mode == "practice" else ""
            return " ".join(p for p in (ack, tip, step.follow_up) if p)
        if step.action == "finish":
            return f"{ack} {self.closing(ctx, step.reason)}" if step.reason == "completed" else self.closing(ctx, step.reason)
        previous_kind = step.previous.kind if step.previous else ""
        transition = TRANSITIONS.get(q.kind, "") if q.kind != previous_kind else ""
        return " ".join(p for p in (ack, transition, q.text) if p)

    def greeting(self, ctx: JobContext, plan: Plan) -> str:
        name = f" {ctx.candidate_name.split()[0]}" if ctx.candidate_name.strip() else ""
        role = f" for the {ctx.target_role} role" if ctx.target_role else ""
        company = f" at {ctx.target_company}" if ctx.target_company else ""
        n = len(plan.questions)
        return (
            f"Hello{name}, thank you for joining. I will be interviewing you today{role}{company}. "
            f"I have about {n} questions for you, and I may ask a follow-up here and there."
        )

    def acknowledgement(self, ctx: JobContext, step: Step) -> str:
        a = step.assessment
        if step.previous is not None and step.previous.kind == "candidate_questions":
            answer_has_question = a is not None and a.word_count > 3
            if answer_has_question:
                team = f"the hiring team at {ctx.target_company}" if ctx.target_company else "the hiring team"
                return f"Thank you, those are good questions for {team}, and they are noted."
            return "Thank you."
        if a is None:
            return "Thank you."
        turn = step.state.turn_count
        if step.action == "follow_up":
            options = ("Thanks.", "I see.", "Okay.") if a.weakness != "non_answer" else ("That is fine.",)
            return options[turn % len(options)]
        if ctx.mode == "enterprise":
            options = ("Thank you.", "Thank you, that is clear.", "Understood, thank you.")
            return options[turn % len(options)]
        if a.quality >= 0.6:
            detail = f", especially what you said about {a.named[turn % len(a.named)]}" if a.named else ""
            options = (f"Thanks, that is a clear example{detail}.", f"That is helpful{detail}, thank you.", "Great, that gives me a good picture.")
        elif a.quality >= 0.35:
            options = ("Thanks.", "Okay, thank you.", "Understood.")
        else:
            options = ("Thanks for that.", "Okay.", "All right.")
        return options[turn % len(options)]

    def _phrase(self, ctx, plan, step, transcript) -> Iterator[str]:
        yield self.utterance(ctx, plan, step)

    async def _aphrase(self, ctx, plan, step, transcript) -> AsyncIterator[str]:
        # Stream sentence by sentence so that transports see the same shape as a model stream.
        text = self.utterance(ctx, plan, step)
        pieces = re.split(r"(?<=[.!?])\s+", text)
        for i, piece in enumerate(pieces):
            yield piece if i == 0 else " " + piece

    # -- analysis ----------------------------------------------------------------------------------
    def _analyse(self, ctx: JobContext, plan: Plan, transcript: list[Turn]) -> Analysis:
        names = competency_names(ctx)
        answers: list[tuple[str, Assessment, list[int]]] = []  # (competency, assessment, turn indices)
        for seg in segment(plan, transcript):
            if seg.question.kind in ("candidate_questions", "close") or not seg.candidate_turns:
                continue
            a = assess(seg.answer(transcript), question=seg.question.text, kind=seg.question.kind, keywords=plan.keywords)
            answers.append((seg.question.competency, a, seg.candidate_turns))
        order: list[str] = []
        for comp in [c.key for c in ctx.competencies or []] or [q.competency for q in plan.questions]:
            if comp not in order and any(c == comp for c, _, _ in answers):
                order.append(comp)
        scores = []
        for comp in order:
            mine = [(a, turns) for c, a, turns in answers if c == comp]
            scores.append(self._score(comp, names.get(comp, comp.replace("_", " ").title()), mine, transcript))
        if ctx.mode == "practice" and "communication" not in order and answers:
            scores.append(self._communication([(a, t) for _, a, t in answers], transcript))
        return Analysis(
            sufficient=True,
            overall_score=None,  # set by InterviewEngine.analyse from the competency scores
            recommendation=None,
            summary=self._summary(scores, answers, transcript),
            strengths=self._strengths(scores, [a for _, a, _ in answers]),
            improvements=self._improvements(scores, [a for _, a, _ in answers]),
            competencies=scores,
            provider=self.analysis_provider.name,
            model=ANALYSIS_MODEL,
        )

    def _score(self, key, name, mine, transcript) -> CompetencyScore:
        weights = [max(a.word_count, 1) for a, _ in mine]
        quality = sum(a.quality * w for (a, _), w in zip(mine, weights, strict=True)) / sum(weights)
        score = max(1, min(5, round(1 + quality * 4.4 - 0.2)))
        return CompetencyScore(key, name, score, _rationale([a for a, _ in mine]), _evidence(mine, transcript))

    def _communication(self, answers, transcript) -> CompetencyScore:
        assessments = [a for a, _ in answers]
        n = len(assessments)
        filler = sum(a.filler_ratio for a in assessments) / n
        hedges = sum(a.hedges for a in assessments) / n
        structure = sum(a.structure for a in assessments) / n
        mean_words = sum(a.word_count for a in assessments) / n
        length = 1.0 if 50 <= mean_words <= 250 else 0.5 if 25 <= mean_words <= 350 else 0.15
        quality = max(0.0, 0.45 * length + 0.4 * structure + 0.15 - min(0.3, filler * 4) - min(0.2, hedges * 0.08))
        score = max(1, min(5, round(1 + quality * 4.4 - 0.2)))
        notes = [f"average answer length {round(mean_words)} words"]
        notes.append("few filler words" if filler < 0.02 else f"frequent filler words ({round(filler * 100)}% of words)")
        notes.append("answers usually structured (situation, action, result)" if structure >= 0.6 else "answers often lacked a clear structure")
        if hedges >= 1:
            notes.append("noticeable hedging")
        rationale = "Across the interview: " + "; ".join(notes) + "."
        clear = [(a, t) for a, t in answers if a.filler_ratio < 0.02 and a.structure >= 0.5]
        return CompetencyScore("communication", "Communication", score, rationale, _evidence(clear or answers, transcript, limit=1))

    def _summary(self, scores, answers, transcript) -> str:
        n_words = sum(len(words(t.text)) for t in transcript if t.role == "candidate")
        ranked = sorted(scores, key=lambda s: (-s.score, s.name))
        text = f"The candidate answered {len(answers)} question(s) in {n_words} words."
        if ranked:
            best, worst = ranked[0], ranked[-1]
            text += f" Strongest area: {best.name} ({best.score}/5)."
            if worst is not best and worst.score < best.score:
                text += f" Weakest area: {worst.name} ({worst.score}/5)."
        return text

    def _strengths(self, scores, assessments: list[Assessment]) -> list[str]:
        best = sorted((s for s in scores if s.score >= 4), key=lambda s: -s.score)[:3]
        out = [f"{s.name} ({s.score}/5) - {s.rationale}" for s in best]
        if sum(bool(a.numbers) for a in assessments) >= max(2, len(assessments) // 2):
            out.append("Quantifies results with concrete figures.")
        if sum(a.structure >= 0.66 for a in assessments) >= max(2, len(assessments) // 2):
            out.append("Structures examples clearly: situation, own actions, result.")
        return out[:6]

    def _improvements(self, scores, assessments: list[Assessment]) -> list[str]:
        worst = sorted((s for s in scores if s.score <= 2), key=lambda s: s.score)[:3]
        out = [f"{s.name} ({s.score}/5) - {s.rationale}" for s in worst]
        if assessments and sum(not a.star["result"] for a in assessments) > len(assessments) // 2:
            out.append("Close each example with its outcome, ideally measured.")
        if assessments and sum(a.specificity < 0.25 for a in assessments) > len(assessments) // 2:
            out.append("Name the tools, methods and numbers involved instead of speaking in general terms.")
        if assessments and sum(a.word_count < 30 for a in assessments) > len(assessments) // 2:
            out.append("Give fuller answers: most answers were under 30 words.")
        if assessments and sum(a.filler_ratio for a in assessments) / len(assessments) >= 0.03:
            out.append("Cut filler words (um, like, you know); pause instead.")
        return out[:6]


def _rationale(assessments: list[Assessment]) -> str:
    numbers = [n for a in assessments for n in a.numbers][:3]
    named = list(dict.fromkeys(t for a in assessments for t in a.named))[:4]
    parts = []
    parts.append(f"cited figures ({', '.join(numbers)})" if numbers else "no figures given")
    parts.append(f"named {', '.join(named)}" if named else "no specific tools or methods named")
    if any(a.star["action"] for a in assessments):
        parts.append("described own actions")
    if any(a.star["result"] for a in assessments):
        parts.append("stated the result")
    else:
        parts.append("no clear result")
    if any(a.weakness == "off_topic" for a in assessments):
        parts.append("drifted off the question")
    count = len(assessments)
    return f"{count} answer{'s' if count != 1 else ''}: " + "; ".join(parts) + "."


def _evidence(mine, transcript: list[Turn], limit: int = 2) -> list[Evidence]:
    """The most telling sentences the candidate actually said, copied verbatim."""
    scored = []
    for _, turns in mine:
        for index in turns:
            for sentence in sentences(transcript[index].text):
                n = len(words(sentence))
                if n < 6:
                    continue
                weight = (
                    2 * bool(re.search(r"\d", sentence))
                    + len(re.findall(r"\b(reduc|increas|improv|launch|deliver|resolv|led|built|decided)\w*", sentence, re.I))
                    + min(n, 40) / 40
                    - len(FILLER_RE.findall(sentence))
                )
                scored.append((weight, index, sentence))
    scored.sort(key=lambda s: -s[0])
    return [Evidence(quote=sentence, turn_index=index) for _, index, sentence in scored[:limit]]
