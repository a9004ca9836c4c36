"""The model-backed engine: plans and analyses from versioned prompts with JSON-schema outputs; turns
phrased by the model and streamed as its tokens arrive.

The policy (follow up or move on) is the shared deterministic one (see ``base``). The model writes the
acknowledgement and follow-up questions; planned questions are appended verbatim, so an enterprise
template's fixed questions are asked exactly as written.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import aclosing

from juggy.ai import prompts
from juggy.ai.engine.assessor import ModelAssessor
from juggy.ai.engine.base import InterviewEngine, Step, competency_names
from juggy.ai.engine.builtin import BuiltinInterviewEngine
from juggy.ai.engine.review import ANSWERABLE
from juggy.ai.heuristics.assess import Assessment
from juggy.ai.heuristics.extract import resume_text_of
from juggy.ai.heuristics.planner import FOLLOW_UPS, KIND_COMPETENCY, builtin_plan, default_competencies, trim
from juggy.ai.schemas import ANALYSIS_SCHEMA, PLAN_SCHEMA
from juggy.ai.types import Analysis, CompetencyScore, JobContext, Plan, Question, Turn

HISTORY_TURNS = 12  # recent turns sent with each interviewer prompt; older ones add cost, not judgement
LEAD_IN_MAX_TOKENS = 80
FOLLOW_UP_MAX_TOKENS = 120

WEAKNESS_TEXT = {
    "too_short": "the answer was very short",
    "vague": "the answer stayed general, without a concrete example, named tools or numbers",
    "no_action": "the answer did not say what the candidate personally did",
    "no_result": "the answer did not say how it turned out",
    "off_topic": "the answer did not address the question",
    "non_answer": "the candidate could not answer",
}
MODE_RULES = {
    "practice": "This is a practice interview. You may add one short, kind coaching hint when you ask a follow-up.",
    "enterprise": "This is a real hiring interview for an employer. Do not coach, hint or give feedback of any kind.",
}


class LLMInterviewEngine(InterviewEngine):
    name = "llm"

    def __init__(self, provider, config=None, analysis_provider=None):
        super().__init__(provider, config, analysis_provider)
        # Template phrasing for the parts that must not depend on a model (repeats, closings).
        self._fallback = BuiltinInterviewEngine(provider, self.config)
        self._assessor = ModelAssessor(provider)

    # -- answer assessment -------------------------------------------------------------------------
    def assess_answer(self, ctx: JobContext, plan: Plan, question: Question, answer: str, earlier: str = "",
                      *, model: bool = True) -> Assessment:
        """The model judges the answer (JSON schema); the heuristics when it cannot or need not."""
        heuristic = super().assess_answer(ctx, plan, question, answer, earlier)
        if not model or question.kind not in ANSWERABLE:
            return heuristic
        return self._assessor(ctx, question, answer, earlier, heuristic)

    async def _adecide_streamed(self, ctx, plan, state, transcript):
        if not self.config.model_assesses_streamed_turns:
            return self.decide_streamed(ctx, plan, state, transcript)  # the heuristics: no I/O, no thread
        # The assessment may call the model (a blocking HTTP request): keep it off the event loop.
        return await asyncio.to_thread(self.decide_streamed, ctx, plan, state, transcript)

    # -- plan --------------------------------------------------------------------------------------
    def plan(self, ctx: JobContext) -> Plan:
        if ctx.mode == "enterprise" and (ctx.fixed_questions or ctx.competencies):
            return builtin_plan(ctx)  # the template decides the questions; nothing for a model to add
        keys = [c.key for c in ctx.competencies or default_competencies()]
        message = prompts.render(
            "plan",
            competency_keys=", ".join(keys),
            question_count=ctx.max_questions or 9,
            context=context_text(ctx),
        )
        data = self.provider.complete_json([{"role": "system", "content": message}], schema=PLAN_SCHEMA, name="interview_plan")
        questions = [
            Question(
                id="",
                text=q["text"].strip(),
                competency=q["competency"].strip() or KIND_COMPETENCY[q["kind"]],
                kind=q["kind"],
                follow_ups=[f.strip() for f in q["follow_ups"] if f.strip()] or list(FOLLOW_UPS[q["kind"]]),
            )
            for q in data["questions"]
        ]
        # The engine's policy relies on an introduction first and a close last.
        fallback = builtin_plan(ctx)
        if questions[0].kind != "introduction":
            questions.insert(0, fallback.questions[0])
        if questions[-1].kind != "close":
            questions.append(fallback.questions[-1])
        for i, q in enumerate(questions):
            q.id = f"q{i + 1}"
        keywords = [k.strip() for k in data["keywords"] if k.strip()] or fallback.keywords
        return Plan(questions=trim(questions, ctx.max_questions), keywords=keywords, version=prompts.version("plan"))

    # -- phrasing ----------------------------------------------------------------------------------
    def _parts(self, ctx: JobContext, plan: Plan, step: Step, transcript: list[Turn]):
        """(messages for the model or None, text appended verbatim after the model's words, max tokens)."""
        if step.action == "repeat" or (step.action == "finish" and step.reason != "completed"):
            return None, self._fallback.utterance(ctx, plan, step, transcript), 0
        if step.action == "open":
            instruction = (
                "Greet the candidate by name if you know it, say which role this interview is for, and say "
                "there will be a few questions. Two sentences at most. Do not ask any question yet; the first "
                "question is asked right after your words."
            )
            return self._messages(ctx, instruction, transcript), step.question.text, LEAD_IN_MAX_TOKENS
        if step.action == "follow_up":
            return self._messages(ctx, self._follow_up_instruction(step), transcript), "", FOLLOW_UP_MAX_TOKENS
        if step.action == "finish":
            instruction = (
                "The interview is over. Thank the candidate for their last answer in one short sentence. Do not "
                "ask anything and do not say goodbye; the closing words follow yours."
            )
            return self._messages(ctx, instruction, transcript), self.closing(ctx, "completed"), LEAD_IN_MAX_TOKENS
        if step.assessment is not None and step.assessment.category in ("non_answer", "off_topic"):
            first = "The candidate did not answer the last question. Say in a few neutral words that you will move on."
        else:
            first = "Acknowledge the candidate's last answer in one short neutral sentence (at most twelve words)."
        instruction = (
            f"{first} Do not ask a question, do not comment on the quality of the answer, and do not reuse a "
            "sentence you have already said in this interview; the next question is asked right after your words."
        )
        return self._messages(ctx, instruction, transcript), step.question.text, LEAD_IN_MAX_TOKENS

    @staticmethod
    def _follow_up_instruction(step: Step) -> str:
        q = step.question.text
        if step.move == "redirect":
            return (
                f"The candidate's answer did not address the current question: \"{q}\". In at most a few words, "
                "acknowledge what they said without commenting on it, then bring them back to that question and "
                "ask it again in your own words. Do not ask anything else."
            )
        if step.move == "angle":
            return (
                f"The candidate could not answer the current question: \"{q}\". Reassure them in a few words and "
                f"offer a smaller, related angle they can answer instead (for example: \"{step.follow_up}\"). "
                "One question only."
            )
        a = step.assessment
        gave = ", ".join((a.numbers + a.mentioned)[:6]) if a else ""
        return (
            f"The current question was: \"{q}\". The candidate's answer needs a follow-up because "
            f"{WEAKNESS_TEXT.get(step.weakness or '', 'it was thin')}. Ask exactly one short follow-up question "
            f"that builds on something they actually said (for example: \"{step.follow_up}\"), after at most a few "
            "words of acknowledgement. Never ask for something they already gave"
            + (f" (they already mentioned: {gave})" if gave else "")
            + ". Do not reuse a sentence you have already said in this interview. Do not move on to another topic."
        )

    def _messages(self, ctx: JobContext, instruction: str, transcript: list[Turn]) -> list[dict]:
        role_line = f" for the {ctx.target_role} role" if ctx.target_role else ""
        role_line += f" at {ctx.target_company}" if ctx.target_company else ""
        system = prompts.render(
            "interviewer",
            role_line=role_line,
            mode=ctx.mode,
            mode_rules=MODE_RULES.get(ctx.mode, MODE_RULES["practice"]),
            context=context_text(ctx, resume_chars=1500),
            instruction=instruction,
        )
        messages = [{"role": "system", "content": system}]
        for turn in transcript[-HISTORY_TURNS:]:
            messages.append({"role": "assistant" if turn.role == "interviewer" else "user", "content": turn.text})
        if len(messages) == 1:
            messages.append({"role": "user", "content": "(The candidate has joined the call.)"})
        return messages

    def _phrase(self, ctx, plan, step, transcript) -> Iterator[str]:
        messages, tail, max_tokens = self._parts(ctx, plan, step, transcript)
        lead = ""
        if messages is not None:
            lead = self.provider.chat(messages, max_tokens=max_tokens, temperature=0.4).text.strip()
            if step.action == "follow_up" and not lead:
                lead = step.follow_up  # an empty reply must not leave the candidate in silence
        yield " ".join(p for p in (lead, tail) if p)

    async def _aphrase(self, ctx, plan, step, transcript) -> AsyncIterator[str]:
        messages, tail, max_tokens = self._parts(ctx, plan, step, transcript)
        said = False
        if messages is not None:
            stream = self.provider.astream_chat(messages, max_tokens=max_tokens, temperature=0.4)
            async with aclosing(stream) as chunks:
                async for chunk in chunks:
                    if chunk.text:
                        text = chunk.text.lstrip() if not said else chunk.text
                        if text:
                            said = True
                            yield text
            if step.action == "follow_up" and not said:
                tail = step.follow_up
        if tail:
            yield (" " if said else "") + tail

    # -- analysis ----------------------------------------------------------------------------------
    def _analyse(self, ctx: JobContext, plan: Plan, transcript: list[Turn]) -> Analysis:
        names = competency_names(ctx)
        comps = ctx.competencies or [c for c in default_competencies() if c.key in {q.competency for q in plan.questions} | {"communication"}]
        listing = "\n".join(
            f"- {c.key}: {c.name} - {c.description or 'as the name says'}"
            + (" - rubric: " + "; ".join(f"{k}={v}" for k, v in sorted(c.rubric.items())) if c.rubric else "")
            for c in comps
        )
        lines = "\n".join(
            f"[{i}] {'Candidate' if t.role == 'candidate' else 'Interviewer'}: {t.text}" for i, t in enumerate(transcript)
        )
        message = prompts.render("analysis", competencies=listing, context=context_text(ctx), transcript=lines)
        provider = self.analysis_provider
        data = provider.complete_json([{"role": "system", "content": message}], schema=ANALYSIS_SCHEMA, name="interview_analysis")
        wanted = {c.key for c in comps}
        scores = []
        for item in data["competencies"]:
            key = item["competency"].strip()
            if key not in wanted or any(s.competency == key for s in scores):
                continue  # a competency we did not ask about, or a duplicate: not ours to show
            scores.append(CompetencyScore.from_dict({**item, "competency": key, "name": names.get(key, key)}))
        return Analysis(
            sufficient=True,
            overall_score=None,
            recommendation=None,
            summary=data["summary"].strip(),
            strengths=[s.strip() for s in data["strengths"] if s.strip()],
            improvements=[s.strip() for s in data["improvements"] if s.strip()],
            competencies=scores,
            provider=provider.name,
            model=provider.model,
        )


def context_text(ctx: JobContext, resume_chars: int = 6000) -> str:
    fields = [
        ("Target role", ctx.target_role),
        ("Target company", ctx.target_company),
        ("Assessment area", ctx.assessment_area),
        ("Candidate name", ctx.candidate_name),
        ("Current role", " at ".join(p for p in (ctx.current_role, ctx.current_company) if p)),
        ("Experience", ctx.experience),
        ("Job description", ctx.job_description.strip()[:6000]),
        ("Resume", resume_text_of(ctx).strip()[:resume_chars]),
    ]
    return "\n".join(f"{label}: {value}" for label, value in fields if value) or "(no job context given)"
