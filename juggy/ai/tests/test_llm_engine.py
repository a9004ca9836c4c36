"""The model-backed engine against the loopback server: prompts, JSON outputs, streaming, evidence checks."""

import time

import pytest

from juggy.ai import InterviewState, ProviderError, TextDelta, Turn, TurnDone, get_engine
from juggy.ai.engine.llm import LLMInterviewEngine
from juggy.ai.tests.samples import BACKEND, ENTERPRISE, GOOD_ANSWERS, THIN_ANSWER
from testsupport.openai_server import Reply

MODEL_PLAN = {
    "keywords": ["Python", "Kafka", "PostgreSQL"],
    "questions": [
        {"text": "Tell me about Kafka consumer lag you have debugged.", "competency": "role_knowledge", "kind": "technical", "follow_ups": []},
        {"text": "Tell me about your time at Globex.", "competency": "experience", "kind": "background", "follow_ups": ["What did you own?"]},
        {"text": "Tell me about a disagreement with a colleague.", "competency": "collaboration", "kind": "behavioural", "follow_ups": []},
    ],
}


@pytest.fixture
def engine(openai_settings):
    engine = get_engine()
    assert isinstance(engine, LLMInterviewEngine)
    return engine


def test_plan_from_model_json(engine, openai_settings):
    openai_settings.script(Reply.json(MODEL_PLAN))
    plan = engine.plan(BACKEND)
    kinds = [q.kind for q in plan.questions]
    assert kinds[0] == "introduction" and kinds[-1] == "close"  # added around the model's questions
    assert "Tell me about Kafka consumer lag you have debugged." in [q.text for q in plan.questions]
    assert plan.keywords == ["Python", "Kafka", "PostgreSQL"] and plan.version == "plan.v1"
    assert [q.id for q in plan.questions] == [f"q{i + 1}" for i in range(len(plan.questions))]
    assert all(q.follow_ups for q in plan.questions if q.kind == "technical")  # template follow-ups fill gaps
    body = openai_settings.requests[-1].body
    prompt = body["messages"][0]["content"]
    assert "Globex" in prompt and "Kafka" in prompt and body["response_format"]["json_schema"]["name"] == "interview_plan"


def test_enterprise_template_plan_needs_no_model(engine, openai_settings):
    plan = engine.plan(ENTERPRISE)
    assert openai_settings.count() == 0
    assert ENTERPRISE.fixed_questions[0] in [q.text for q in plan.questions]


def test_plan_failure_surfaces_as_provider_error(engine, openai_settings):
    openai_settings.script(*[Reply.error(503)] * 3)
    with pytest.raises(ProviderError, match="HTTP 503"):
        engine.plan(BACKEND)


def builtin_plan(engine):
    from juggy.ai.heuristics.planner import builtin_plan as plan

    return plan(BACKEND)


def judged(category: str, missing=(), mentioned=()) -> Reply:
    """The model's assessment of an answer (the first request of a turn with a follow-up left)."""
    return Reply.json({"category": category, "missing": list(missing), "mentioned": list(mentioned), "reason": "scripted"})


def test_turn_appends_the_planned_question_verbatim_after_the_models_words(engine, openai_settings):
    plan = builtin_plan(engine)
    openai_settings.script(judged("specific"), Reply(text="Thank you for that."))
    state = InterviewState(index=3, started=True, turn_count=4)
    transcript = [Turn("interviewer", plan.questions[3].text), Turn("candidate", GOOD_ANSWERS["generic"])]
    result = engine.turn(BACKEND, plan, state, transcript)
    assert result.utterance == f"Thank you for that. {plan.questions[4].text}"
    assert result.question_id == plan.questions[4].id and not result.is_follow_up
    messages = openai_settings.requests[-1].body["messages"]
    assert messages[0]["role"] == "system" and "Never answer your own questions" in messages[0]["content"]
    assert messages[-1] == {"role": "user", "content": GOOD_ANSWERS["generic"]}
    assert "practice" in messages[0]["content"]


def test_follow_up_is_written_by_the_model_with_the_reason(engine, openai_settings):
    plan = builtin_plan(engine)
    openai_settings.script(judged("thin", ["example"]), Reply(text="Could you walk me through one specific service?"))
    state = InterviewState(index=3, started=True, turn_count=4)
    transcript = [Turn("interviewer", plan.questions[3].text), Turn("candidate", THIN_ANSWER)]
    result = engine.turn(BACKEND, plan, state, transcript)
    assert result.is_follow_up and result.utterance == "Could you walk me through one specific service?"
    assert "very short" in openai_settings.requests[-1].body["messages"][0]["content"]
    assessment = openai_settings.requests[0].body
    assert assessment["response_format"]["json_schema"]["name"] == "answer_assessment"
    assert THIN_ANSWER in assessment["messages"][0]["content"]


def test_enterprise_prompt_forbids_coaching(engine, openai_settings):
    openai_settings.script(judged("specific"), Reply(text="Understood."))
    plan = engine.plan(ENTERPRISE)
    transcript = [Turn("interviewer", plan.questions[1].text), Turn("candidate", GOOD_ANSWERS["generic"])]
    engine.turn(ENTERPRISE, plan, InterviewState(index=1, started=True, turn_count=2), transcript)
    assert "Do not coach" in openai_settings.requests[-1].body["messages"][0]["content"]


def test_last_answer_closes_with_the_end_call_phrase(engine, openai_settings, settings):
    settings.INTERVIEW_END_CALL_PHRASE = "Bye for now."
    engine = get_engine()
    plan = builtin_plan(engine)
    openai_settings.script(Reply(text="Thanks for sharing that."))
    last = len(plan.questions) - 1
    transcript = [Turn("interviewer", plan.questions[last].text), Turn("candidate", "No, I think I covered everything, thanks.")]
    result = engine.turn(BACKEND, plan, InterviewState(index=last, started=True, turn_count=9), transcript)
    assert result.finished and result.utterance.startswith("Thanks for sharing that.") and result.utterance.endswith("Bye for now.")


async def test_streamed_turn_forwards_model_tokens_as_they_arrive(engine, openai_settings):
    plan = builtin_plan(engine)
    # A streamed (voice) turn is decided by the heuristics by default: one model request, the phrasing.
    openai_settings.script(Reply(text="Thank you, that is a clear picture of your approach.", token_delay=0.1))
    state = InterviewState(index=3, started=True, turn_count=4)
    transcript = [Turn("interviewer", plan.questions[3].text), Turn("candidate", GOOD_ANSWERS["generic"])]
    started = time.monotonic()
    events, times = [], []
    async for event in engine.astream_turn(BACKEND, plan, state, transcript):
        events.append(event)
        times.append(time.monotonic() - started)
    assert isinstance(events[-1], TurnDone) and all(isinstance(e, TextDelta) for e in events[:-1])
    assert times[0] < 0.5 < times[-1]  # the first words leave long before the model has finished
    text = "".join(e.text for e in events[:-1])
    assert text == events[-1].result.utterance
    assert text.endswith(plan.questions[4].text) and text.startswith("Thank you, that is")
    assert openai_settings.count() == 1 and openai_settings.requests[0].body["stream"] is True


async def test_streamed_turns_are_judged_by_the_model_when_configured(openai_settings, settings):
    settings.AI_MODEL_ASSESSES_STREAMED_TURNS = True
    engine = get_engine()
    plan = builtin_plan(engine)
    # The heuristics would call this answer specific; the model says it is off topic: a redirect.
    openai_settings.script(judged("off_topic"), Reply(text="Let's come back to the service timing out."))
    state = InterviewState(index=3, started=True, turn_count=4)
    transcript = [Turn("interviewer", plan.questions[3].text), Turn("candidate", GOOD_ANSWERS["generic"])]
    events = [e async for e in engine.astream_turn(BACKEND, plan, state, transcript)]
    assert events[-1].result.is_follow_up and events[-1].result.state.moves == ["redirect"]
    assert openai_settings.requests[0].body["response_format"]["json_schema"]["name"] == "answer_assessment"
    # A streamed turn cut off by a hang-up is stored with the same decision (the judgement is cached).
    assert engine.decide_streamed(BACKEND, plan, state, transcript).move == "redirect"
    assert openai_settings.count() == 2


def test_the_models_judgement_decides_the_category_and_the_rules_the_step(engine, openai_settings):
    plan = builtin_plan(engine)
    state = InterviewState(index=3, started=True, turn_count=4)
    # The heuristics would call this answer specific; the model says it is off topic: one redirect.
    openai_settings.script(judged("off_topic"), Reply(text="Let's come back to the service timing out."))
    transcript = [Turn("interviewer", plan.questions[3].text), Turn("candidate", GOOD_ANSWERS["generic"])]
    result = engine.turn(BACKEND, plan, state, transcript)
    assert result.is_follow_up and result.state.moves == ["redirect"]
    assert "did not address the current question" in openai_settings.requests[-1].body["messages"][0]["content"]
    # A second off-topic answer to the same question moves on, whatever the model says.
    openai_settings.script(judged("off_topic"), Reply(text="Thanks."))
    transcript += [Turn("interviewer", result.utterance), Turn("candidate", GOOD_ANSWERS["generic"] + " Anyway.")]
    second = engine.turn(BACKEND, plan, result.state, transcript)
    assert not second.is_follow_up and second.question_id == plan.questions[4].id


def test_a_failing_assessor_falls_back_to_the_heuristics(engine, openai_settings):
    plan = builtin_plan(engine)
    state = InterviewState(index=3, started=True, turn_count=4)
    # Invalid JSON twice (the reply and its corrective retry): the heuristics judge the thin answer.
    openai_settings.script(Reply(text="not json"), Reply(text="still not json"), Reply(text="Could you be more specific?"))
    transcript = [Turn("interviewer", plan.questions[3].text), Turn("candidate", THIN_ANSWER)]
    result = engine.turn(BACKEND, plan, state, transcript)
    assert result.is_follow_up and result.state.moves == ["probe"]
    assert result.utterance == "Could you be more specific?"


def test_no_model_judgement_for_a_plain_non_answer_or_when_no_follow_up_is_left(engine, openai_settings):
    plan = builtin_plan(engine)
    openai_settings.script(Reply(text="That's fine. Is there a smaller project you could talk about?"))
    transcript = [Turn("interviewer", plan.questions[3].text), Turn("candidate", "I don't know, sorry.")]
    result = engine.turn(BACKEND, plan, InterviewState(index=3, started=True, turn_count=4), transcript)
    assert result.is_follow_up and result.state.moves == ["angle"] and openai_settings.count() == 1
    spent = InterviewState(index=3, started=True, turn_count=6, follow_ups_asked=2, moves=["probe", "probe"])
    openai_settings.script(Reply(text="Thanks."))
    transcript = [Turn("interviewer", plan.questions[3].text), Turn("candidate", THIN_ANSWER)]
    moved = engine.turn(BACKEND, plan, spent, transcript)
    assert not moved.is_follow_up and openai_settings.count() == 2


def test_deciding_the_same_step_twice_asks_the_model_once(engine, openai_settings):
    plan = builtin_plan(engine)
    state = InterviewState(index=3, started=True, turn_count=4)
    transcript = [Turn("interviewer", plan.questions[3].text), Turn("candidate", GOOD_ANSWERS["generic"] + " Cached.")]
    openai_settings.script(judged("thin", ["result"]))
    first = engine.decide(BACKEND, plan, state, transcript)
    second = engine.decide(BACKEND, plan, state, transcript)
    assert first.move == second.move == "probe" and openai_settings.count() == 1
    assert "turn out" in first.follow_up.lower() or "outcome" in first.follow_up.lower() or "result" in first.follow_up.lower()


def llm_transcript(plan):
    return [
        Turn("interviewer", plan.questions[0].text),
        Turn("candidate", GOOD_ANSWERS["introduction"]),
        Turn("interviewer", plan.questions[3].text),
        Turn("candidate", GOOD_ANSWERS["generic"]),
    ]


def test_analysis_from_model_drops_invented_quotes(engine, openai_settings):
    plan = builtin_plan(engine)
    transcript = llm_transcript(plan)
    openai_settings.script(
        Reply.json(
            {
                "summary": "Strong, specific answers.",
                "strengths": ["Quantified impact"],
                "improvements": ["Say more about teamwork"],
                "competencies": [
                    {
                        "competency": "role_knowledge",
                        "score": 5,
                        "rationale": "Specific and measured.",
                        "evidence": [
                            {"quote": "I profiled the endpoints, found three PostgreSQL queries doing sequential scans", "turn_index": 3},
                            {"quote": "I personally rewrote the whole platform in a weekend", "turn_index": 3},
                            {"quote": "Tell me about a time", "turn_index": 2},
                        ],
                    },
                    {"competency": "motivation", "score": 3, "rationale": "Clear reasons.", "evidence": [
                        {"quote": "payments reliability is the problem I enjoy most", "turn_index": 3},
                    ]},
                    {"competency": "astrology", "score": 5, "rationale": "Not asked for.", "evidence": []},
                ],
            }
        )
    )
    analysis = engine.analyse(BACKEND, plan, transcript)
    assert analysis.sufficient and analysis.provider == "openai" and analysis.model == "loopback-analysis-model"
    by_key = {c.competency: c for c in analysis.competencies}
    assert set(by_key) == {"role_knowledge", "motivation"}
    assert [e.quote for e in by_key["role_knowledge"].evidence] == [
        "I profiled the endpoints, found three PostgreSQL queries doing sequential scans"
    ]
    assert [(e.quote, e.turn_index) for e in by_key["motivation"].evidence] == [
        ("payments reliability is the problem I enjoy most", 1)
    ]
    assert analysis.overall_score == 4.0 and analysis.recommendation == "hire"
    assert by_key["role_knowledge"].name == "Role knowledge"
    body = openai_settings.requests[-1].body
    assert body["model"] == "loopback-analysis-model"
    assert "[3] Candidate:" in body["messages"][0]["content"]


def test_analysis_of_a_short_transcript_does_not_call_the_model(engine, openai_settings):
    plan = builtin_plan(engine)
    analysis = engine.analyse(BACKEND, plan, [Turn("interviewer", "Hello"), Turn("candidate", "Hi.")])
    assert not analysis.sufficient and openai_settings.count() == 0
