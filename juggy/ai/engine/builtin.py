"""The built-in engine: template phrasing and heuristic analysis, offline and deterministic."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator

from juggy.ai.engine.base import InterviewEngine, Step, competency_names
from juggy.ai.engine.phrasing import said_sentences, unused
from juggy.ai.engine.review import MIN_EVIDENCE_WORDS, missed_items, review, short_quote
from juggy.ai.heuristics.assess import Assessment
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
PROBE_ACKS = ("Thanks.", "I see.", "Okay.", "Right.", "Got it.", "Understood.", "Thank you.")
# Practice-mode coaching, each said at most once an interview (and worded so no two share a phrase).
TIPS = {
    "vague": "Figures and named tools make an answer much more convincing.",
    "no_result": "It helps to finish an example with how it turned out.",
    "no_action": "Saying what you did yourself, in the first person, makes your part clear.",
}


class BuiltinInterviewEngine(InterviewEngine):
    name = "builtin"

    def plan(self, ctx: JobContext) -> Plan:
        return builtin_plan(ctx)

    # -- phrasing ----------------------------------------------------------------------------------
    def utterance(self, ctx: JobContext, plan: Plan, step: Step, transcript: list[Turn] | None = None) -> str:
        """The words for a step. Nothing said earlier in ``transcript`` is said again (bar the questions)."""
        said = said_sentences(transcript or [])
        q = step.question
        if step.action == "open":
            return f"{self.greeting(ctx, plan)} {q.text}"
        if step.action == "repeat":
            return " ".join(p for p in (unused(("Of course.", "Sure.", "Certainly."), said), q.text) if p)
        if step.action == "follow_up":
            if step.move in ("redirect", "angle"):
                return step.follow_up  # it opens with its own brief acknowledgement
            ack = unused(PROBE_ACKS, said, start=step.state.turn_count)
            tip = self.tip(ctx, step, said)
            return " ".join(p for p in (ack, tip, step.follow_up) if p)
        ack = self.acknowledgement(ctx, step, said)
        if step.action == "finish":
            return f"{ack} {self.closing(ctx, step.reason)}".strip() if step.reason == "completed" else self.closing(ctx, step.reason)
        previous_kind = step.previous.kind if step.previous else ""
        transition = TRANSITIONS.get(q.kind, "") if q.kind != previous_kind else ""
        if transition and transition.lower() in said:
            transition = ""
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

    def tip(self, ctx: JobContext, step: Step, said: set[str]) -> str:
        """A coaching tip in practice interviews, each at most once an interview."""
        if ctx.mode != "practice":
            return ""
        tip = TIPS.get(step.weakness or "", "")
        return tip if tip and tip.lower() not in said else ""

    def acknowledgement(self, ctx: JobContext, step: Step, said: set[str] | None = None) -> str:
        said = said or set()
        a = step.assessment
        turn = step.state.turn_count
        if step.previous is not None and step.previous.kind == "candidate_questions":
            answer_has_question = a is not None and a.word_count > 3
            if answer_has_question:
                team = f"the hiring team at {ctx.target_company}" if ctx.target_company else "the hiring team"
                return unused((f"Thank you, those are good questions for {team}, and they are noted.",
                               f"Thanks, I have noted those for {team}."), said)
            return unused(("Thank you.", "All right, thank you.", "Okay."), said)
        if a is None:
            return unused(("Thank you.", "All right.", "Okay."), said)
        if a.category in ("non_answer", "off_topic"):
            return unused(("Let's move on.", "All right, let's go on.", "Let's continue."), said, start=turn)
        if ctx.mode == "enterprise":
            return unused(("Thank you.", "Thank you, that is clear.", "Understood, thank you.", "Noted, thank you.",
                           "Thanks for that."), said, start=turn)
        if a.category == "specific" and a.quality >= 0.75:
            # "what you said about X": X comes from the answer just given, and is named once an interview.
            term = next((t for t in a.mentioned if t.lower() not in " ".join(said)), "")
            detail = f", especially what you said about {term}" if term else ""
            options = (f"Thanks, that is a clear example{detail}.", "That is helpful, thank you.",
                       "Great, that gives me a good picture.", "Thank you, that is a detailed answer.",
                       "That is clear, thank you.")
        elif a.category == "specific":
            options = ("Thanks.", "Okay, thank you.", "Understood.", "Thank you for that.", "Right, thanks.")
        else:
            options = ("Thanks for that.", "Okay.", "All right.", "I see.", "Noted.")
        return unused(options, said, start=turn)

    def _phrase(self, ctx, plan, step, transcript) -> Iterator[str]:
        yield self.utterance(ctx, plan, step, transcript)

    async def _aphrase(self, ctx, plan, step, transcript) -> AsyncIterator[str]:
        # Stream sentence by sentence so that transports see the same shape as a model stream.
        text = self.utterance(ctx, plan, step, transcript)
        pieces = re.split(r"(?<=[.!?])\s+", text)
        for i, piece in enumerate(pieces):
            yield piece if i == 0 else " " + piece

    # -- analysis ----------------------------------------------------------------------------------
    def _analyse(self, ctx: JobContext, plan: Plan, transcript: list[Turn]) -> Analysis:
        names = competency_names(ctx)
        rev = review(plan, transcript)
        order: list[str] = []
        for comp in [c.key for c in ctx.competencies or []] + [r.question.competency for r in rev.answers]:
            if comp not in order:
                order.append(comp)
        scores, not_assessed = [], []
        for comp in order:
            mine = [r for r in rev.for_competency(comp) if r.answered]
            name = names.get(comp, comp.replace("_", " ").title())
            if not mine:
                if rev.for_competency(comp):
                    not_assessed.append({"competency": comp, "name": name,
                                         "reason": "not enough evidence: its questions were not reached"})
                continue
            if not any(r.missed for r in mine) and sum(r.evidence_words for r in mine) < MIN_EVIDENCE_WORDS:
                not_assessed.append({"competency": comp, "name": name,
                                     "reason": "not enough evidence: the answers were too short to judge"})
                continue
            scores.append(self._score(comp, name, mine, transcript))
        turns = [(a, [i]) for r in rev.asked for i, a in r.turns]
        if ctx.mode == "practice" and "communication" not in order and turns:
            spoken = [(a, t) for a, t in turns if a.category != "non_answer"]
            if spoken:
                scores.append(self._communication(spoken, transcript))
        assessments = [a for a, _ in turns]
        return Analysis(
            sufficient=True,
            overall_score=None,  # set by InterviewEngine.analyse from the competency scores
            recommendation=None,
            summary=self._summary(scores, rev, transcript, not_assessed),
            strengths=self._strengths(scores, assessments),
            improvements=self._improvements(scores, rev, transcript, names),
            competencies=scores,
            provider=self.analysis_provider.name,
            model=ANALYSIS_MODEL,
            not_assessed=not_assessed,
        )

    def _score(self, key, name, mine, transcript) -> CompetencyScore:
        quality = sum(r.quality for r in mine) / len(mine)
        score = max(1, min(5, round(1 + quality * 4.4 - 0.2)))
        assessments = [a for r in mine for _, a in r.turns]
        good = [(a, [i]) for r in mine for i, a in r.turns if a.category in ("specific", "thin")]
        return CompetencyScore(key, name, score, _rationale(assessments), _evidence(good, transcript))

    def _communication(self, answers, transcript) -> CompetencyScore:
        assessments = [a for a, _ in answers]
        n = len(assessments)
        filler = sum(a.filler_ratio for a in assessments) / n
        hedges = sum(a.hedges for a in assessments) / n
        structure = sum(a.structure for a in assessments) / n
        mean_words = sum(a.word_count for a in assessments) / n
        length = 1.0 if 50 <= mean_words <= 250 else 0.5 if 25 <= mean_words <= 350 else 0.15
        off = sum(a.category == "off_topic" for a in assessments) / n
        quality = max(0.0, 0.45 * length + 0.4 * structure + 0.15 - min(0.3, filler * 4) - min(0.2, hedges * 0.08) - 0.4 * off)
        score = max(1, min(5, round(1 + quality * 4.4 - 0.2)))
        notes = [f"average answer length {round(mean_words)} words"]
        notes.append("few filler words" if filler < 0.02 else f"frequent filler words ({round(filler * 100)}% of words)")
        notes.append("answers usually structured (situation, action, result)" if structure >= 0.6 else "answers often lacked a clear structure")
        if hedges >= 1:
            notes.append("noticeable hedging")
        if off:
            notes.append("some answers were about something else")
        rationale = "Across the interview: " + "; ".join(notes) + "."
        clear = [(a, t) for a, t in answers if a.filler_ratio < 0.02 and a.structure >= 0.5 and a.category == "specific"]
        return CompetencyScore("communication", "Communication", score, rationale, _evidence(clear or answers, transcript, limit=1))

    def _summary(self, scores, rev, transcript, not_assessed) -> str:
        n_words = sum(len(words(t.text)) for t in transcript if t.role == "candidate")
        asked, missed = rev.asked, rev.missed
        ranked = sorted(scores, key=lambda s: (-s.score, s.name))
        text = f"The candidate answered {len(asked) - len(missed)} of {len(asked)} question(s) asked, in {n_words} words."
        if ranked:
            best, worst = ranked[0], ranked[-1]
            text += f" Strongest area: {best.name} ({best.score}/5)."
            if worst is not best and worst.score < best.score:
                text += f" Weakest area: {worst.name} ({worst.score}/5)."
        if missed:
            non = sum(r.missed_category == "non_answer" for r in missed)
            off = len(missed) - non
            parts = [f"{non} question(s) without an answer"] if non else []
            parts += [f"{off} answer(s) about something else"] if off else []
            text += f" Not answered: {' and '.join(parts)}."
        if rev.not_covered:
            text += f" {len(rev.not_covered)} planned question(s) were not reached."
        if not_assessed:
            text += f" Not enough evidence to score: {', '.join(x['name'] for x in not_assessed)}."
        return text

    def _strengths(self, scores, assessments: list[Assessment]) -> list[str]:
        best = sorted((s for s in scores if s.score >= 4), key=lambda s: -s.score)[:3]
        out = []
        for s in best:
            quote = f' For example: "{s.evidence[0].quote}"' if s.evidence else ""
            out.append(f"{s.name} ({s.score}/5) - {s.rationale}{quote}")
        answered = [a for a in assessments if a.category in ("specific", "thin")]
        if answered and sum(bool(a.numbers) for a in answered) >= max(2, len(answered) // 2):
            out.append("Quantifies results with concrete figures.")
        if answered and sum(a.structure >= 0.66 for a in answered) >= max(2, len(answered) // 2):
            out.append("Structures examples clearly: situation, own actions, result.")
        return out[:6]

    def _improvements(self, scores, rev, transcript, names) -> list[str]:
        out, _ = missed_items(rev, transcript, names)
        for r in rev.asked:
            if r.missed or any(a.category == "specific" for _, a in r.turns):
                continue
            # Quote the fullest thin answer, not a closing "that's all I can say".
            index, a = max(((i, a) for i, a in r.turns if a.category == "thin"), key=lambda t: t[1].word_count,
                           default=r.turns[-1])
            name = names.get(r.question.competency, r.question.competency)
            needs = {"example": "a concrete example", "own_role": "what you did yourself", "numbers": "figures",
                     "result": "the result", "detail": "the tools or methods", "steps": "the steps, in order"}
            asks = ", ".join(needs[m] for m in a.missing[:3] if m in needs) or "specifics"
            out.append(f'{name}: the answer stayed general ("{short_quote(transcript[index].text)}"); give {asks}.')
        worst = sorted((s for s in scores if s.score <= 2 and s.competency == "communication"), key=lambda s: s.score)
        out += [f"{s.name} ({s.score}/5) - {s.rationale}" for s in worst]
        answered = [a for r in rev.asked for _, a in r.turns if a.category in ("specific", "thin")]
        if answered and sum(not a.star["result"] for a in answered) > len(answered) // 2:
            out.append("Close each example with its outcome, ideally measured.")
        if answered and sum(a.specificity < 0.25 for a in answered) > len(answered) // 2:
            out.append("Name the tools, methods and numbers involved instead of speaking in general terms.")
        if answered and sum(a.word_count < 30 for a in answered) > len(answered) // 2:
            out.append("Give fuller answers: most answers were under 30 words.")
        if answered and sum(a.filler_ratio for a in answered) / len(answered) >= 0.03:
            out.append("Cut filler words (um, like, you know); pause instead.")
        return out[:8]


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
    non = sum(a.category == "non_answer" for a in assessments)
    off = sum(a.category == "off_topic" for a in assessments)
    if non:
        parts.append(f"{non} non-answer{'s' if non != 1 else ''}")
    if off:
        parts.append(f"{off} answer{'s' if off != 1 else ''} about something else")
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
