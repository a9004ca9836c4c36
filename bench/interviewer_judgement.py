"""Interviewer judgement benchmark: labelled scripted candidates played through the conversation core.

    .venv/bin/python bench/interviewer_judgement.py            # embedded (a throwaway SQLite database)
    .venv/bin/python bench/interviewer_judgement.py -v         # also list every misjudged answer
    DATABASE_URL=postgres://.../juggy_bench .venv/bin/python bench/interviewer_judgement.py

Each candidate in bench/data/interviewer_judgement.py (32 over four jobs) is created with
``conversation_new``, started and answered turn by turn with ``respond`` (the same service the REST,
WebSocket and VAPI transports call), then analysed by the conversation's analysis job. Every answer is
labelled specific, thin, off-topic or non-answer; every candidate has an expected band. Printed:

- follow-up precision and recall on thin answers (recall over thin answers given while the question still
  had a follow-up left: after its budget the right move is to move on, counted separately);
- redirect rate on off-topic answers (first off-topic answer to a question), move-on after a redirect;
- smaller-angle rate on non-answers, move-on after it; move-on rate on specific answers;
- repeated phrases: interviewer sentences, or five-word phrases, said twice in one interview (the planned
  questions excepted: a redirect repeats its question on purpose);
- Spearman correlation of the overall score with the band (an analysis without a score ranks lowest);
- agreement of the recommendation with the band, and weak candidates recommended for hire.

The anchor, from the same answers: a length-only judge (under 8 words a non-answer, under 30 thin,
otherwise specific; the score is the words said), i.e. what word counts alone would get.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BANDS = {"weak": 1, "mixed": 2, "solid": 3, "strong": 4}
ACCEPTABLE = {
    "strong": {"strong_hire", "hire"},
    "solid": {"hire", "lean_hire"},
    "mixed": {"lean_hire", "lean_no_hire"},
    "weak": {"lean_no_hire", "no_hire", None},
}
HIRE = {"hire", "strong_hire"}
LABEL_NAMES = {"S": "specific", "T": "thin", "O": "off_topic", "N": "non_answer"}
EXTRA_ANSWER = "I think that is all I can say about that."
TARGETS = {
    "follow_up_recall": 0.85,
    "follow_up_precision": 0.8,
    "redirect_rate": 0.85,
    "move_on_rate": 0.8,
    "repeated_phrases": 0,
    "spearman": 0.8,
    "weak_hired": 0,
}


def load_data():
    import importlib.util

    spec = importlib.util.spec_from_file_location("interviewer_judgement_data", ROOT / "bench" / "data" / "interviewer_judgement.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class Answer:
    candidate: int
    question_id: str
    label: str  # S T O N, or "" for unlabelled (close question, extra replies)
    text: str
    reaction: str  # probe | redirect | angle | move_on
    eligible: bool  # the question still had a follow-up (of this answer's kind) left
    long: bool = False  # a thin answer written as a long general ramble (label L in the data)


@dataclass
class Played:
    index: int
    job: str
    band: str
    answers: list[Answer] = field(default_factory=list)
    interviewer: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    overall: float | None = None
    recommendation: str | None = None
    analysis: dict = field(default_factory=dict)


@dataclass
class Dataset:
    name: str
    jobs: dict
    answers: dict
    off_topic: list[str]
    non_answers: list[str]
    close_answers: list[str]
    candidates: list[tuple]


def datasets(module=None) -> list[Dataset]:
    """The development set (the heuristics were tuned on it) and a second set written afterwards (a fifth
    job; see the data file for what its first run changed)."""
    m = module or load_data()
    return [
        Dataset("development", m.JOBS, m.ANSWERS, m.OFF_TOPIC, m.NON_ANSWERS, m.CLOSE_ANSWERS, m.CANDIDATES),
        Dataset("second (teacher)", m.HELD_OUT_JOBS, m.HELD_OUT_ANSWERS, m.HELD_OUT_OFF_TOPIC, m.HELD_OUT_NON_ANSWERS,
                m.CLOSE_ANSWERS, m.HELD_OUT_CANDIDATES),
    ]


def answer_text(data: Dataset, job: str, qid: str, label: str, variant: int, attempt: int, index: int) -> str:
    qnum = int(qid[1:])
    if label in ("S", "T", "L"):
        pool = data.answers[job][qid][label]
        return pool[(variant + attempt) % len(pool)]
    if label == "O":
        return data.off_topic[(index + qnum + attempt) % len(data.off_topic)]
    return data.non_answers[(index + qnum + attempt) % len(data.non_answers)]


def pinned_plan(ctx, questions: list[tuple[str, str]]):
    """The job's labelled questions as the plan (the planner's keywords, so relevance is judged as live)."""
    from juggy.ai.heuristics.planner import FOLLOW_UPS, KIND_COMPETENCY, builtin_plan
    from juggy.ai.types import Plan, Question

    return Plan(
        questions=[Question(f"q{i + 1}", text, KIND_COMPETENCY[kind], kind, list(FOLLOW_UPS[kind]))
                   for i, (kind, text) in enumerate(questions)],
        keywords=builtin_plan(ctx).keywords,
        version="bench-pinned",
    )


def play(data: Dataset, index: int, job: str, band: str, script: list[str], variant: int) -> Played:
    from conversations import services
    from conversations.models import Conversation
    from juggy.ai import InterviewState, JobContext, get_engine

    spec = dict(data.jobs[job])
    pinned = spec.pop("questions")
    ctx = JobContext(**spec)
    conversation = services.conversation_new(origin=Conversation.Origin.INTERVIEW, job=ctx, plan_now=False)
    conversation.plan = pinned_plan(ctx, pinned).to_dict()
    conversation.save()
    plan = services.ensure_plan(conversation)
    by_id = {q.id: q for q in plan.questions}
    scripts = {f"q{i + 1}": list(labels) for i, labels in enumerate(script)}
    given: Counter[str] = Counter()
    played = Played(index, job, band, questions=[q.text for q in plan.questions])
    exchange = services.start(conversation, transport="rest")
    played.interviewer.append(exchange.reply.text)
    engine = get_engine()
    while exchange.conversation.is_open:
        conversation = exchange.conversation
        state = InterviewState.from_dict(conversation.state)
        qid = exchange.reply.question_id
        question = by_id[qid]
        labels = scripts.get(qid, [])
        attempt = given[qid]
        given[qid] += 1
        if question.kind in ("candidate_questions", "close"):
            label, text = "", data.close_answers[index % len(data.close_answers)]
        elif attempt < len(labels):
            label = labels[attempt]
            text = answer_text(data, job, qid, label, variant, attempt, index)
        else:
            label, text = "", EXTRA_ANSWER
        budget = state.follow_ups_asked < engine.max_follow_ups(ctx, question)
        eligible = budget and not (
            (label == "O" and "redirect" in state.moves) or (label == "N" and {"angle", "redirect"} & set(state.moves))
        )
        exchange = services.respond(conversation, text=text, transport="rest")
        new_state = InterviewState.from_dict(exchange.conversation.state)
        reaction = new_state.moves[-1] if exchange.reply.is_follow_up and new_state.moves else "move_on"
        played.answers.append(Answer(index, qid, "T" if label == "L" else label, text, reaction, eligible, long=label == "L"))
        played.interviewer.append(exchange.reply.text)
    conversation = Conversation.objects.get(pk=exchange.conversation.pk)
    if conversation.analysis_status != Conversation.AnalysisStatus.DONE and conversation.analysis_run_id:
        services.analysis_run(conversation_id=conversation.pk, run_id=conversation.analysis_run_id)
        conversation.refresh_from_db()
    played.analysis = conversation.analysis or {}
    played.overall = played.analysis.get("overall_score")
    played.recommendation = played.analysis.get("recommendation")
    return played


def play_all(data: Dataset) -> list[Played]:
    return [play(data, i, job, band, script, variant) for i, (job, band, script, variant) in enumerate(data.candidates)]


def sentences_of(text: str) -> list[str]:
    import re

    from juggy.ai.heuristics.text import normalise_space

    return [s.lower() for s in re.split(r"(?<=[.!?:])\s+", normalise_space(text)) if s.strip()]


PHRASE_WORDS = 5


def _grams(text: str) -> set[str]:
    import re

    tokens = re.findall(r"[a-z0-9']+", text.lower())
    return {" ".join(tokens[i:i + PHRASE_WORDS]) for i in range(len(tokens) - PHRASE_WORDS + 1)}


def repeated_phrases(played: Played) -> list[str]:
    """What the interviewer said more than once in the interview, the planned questions excepted (a
    redirect repeats its question on purpose): whole sentences, and any five-word phrase found in two
    different utterances."""
    planned = {s for q in played.questions for s in sentences_of(q)}
    counts = Counter(s for text in played.interviewer for s in sentences_of(text) if s not in planned)
    out = [s for s, n in counts.items() if n > 1]
    planned_grams = set().union(*(_grams(q) for q in played.questions))
    seen: Counter[str] = Counter()
    for text in played.interviewer:
        seen.update(_grams(text) - planned_grams)
    repeated_sentences = " | ".join(out)
    out += [f"phrase: {g}" for g, n in seen.items() if n > 1 and g not in repeated_sentences]
    return out


def ranks(values: list[float]) -> list[float]:
    order = sorted(range(len(values)), key=lambda i: values[i])
    out = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            out[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return out


def spearman(xs: list[float], ys: list[float]) -> float:
    rx, ry = ranks(xs), ranks(ys)
    n = len(xs)
    mx, my = sum(rx) / n, sum(ry) / n
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    vx = sum((a - mx) ** 2 for a in rx) ** 0.5
    vy = sum((b - my) ** 2 for b in ry) ** 0.5
    return cov / (vx * vy) if vx and vy else 0.0


def _rate(hits: int, total: int) -> float | None:
    return hits / total if total else None


def metrics(results: list[Played]) -> dict:
    answers = [a for p in results for a in p.answers if a.label]
    thin = [a for a in answers if a.label == "T"]
    thin_eligible = [a for a in thin if a.eligible]
    probes = [a for a in answers if a.reaction == "probe"]
    off = [a for a in answers if a.label == "O"]
    off_first = [a for a in off if a.eligible]
    off_again = [a for a in off if not a.eligible]
    non = [a for a in answers if a.label == "N"]
    non_first = [a for a in non if a.eligible]
    non_again = [a for a in non if not a.eligible]
    specific = [a for a in answers if a.label == "S"]
    scores = [p.overall if p.overall is not None else 0.0 for p in results]
    bands = [BANDS[p.band] for p in results]
    return {
        "candidates": len(results),
        "jobs": len({p.job for p in results}),
        "answers": len(answers),
        "follow_up_recall": _rate(sum(a.reaction == "probe" for a in thin_eligible), len(thin_eligible)),
        "follow_up_precision": _rate(sum(a.label == "T" for a in probes), len(probes)),
        "thin_after_budget_moved_on": _rate(sum(a.reaction == "move_on" for a in thin if not a.eligible), len(thin) - len(thin_eligible)),
        "thin_answers": len(thin),
        "long_thin_recall": _rate(sum(a.reaction == "probe" for a in thin_eligible if a.long), sum(a.long for a in thin_eligible)),
        "thin_eligible": len(thin_eligible),
        "redirect_rate": _rate(sum(a.reaction == "redirect" for a in off_first), len(off_first)),
        "off_topic_answers": len(off),
        "moved_on_after_redirect": _rate(sum(a.reaction == "move_on" for a in off_again), len(off_again)),
        "angle_rate": _rate(sum(a.reaction == "angle" for a in non_first), len(non_first)),
        "non_answers": len(non),
        "moved_on_after_angle": _rate(sum(a.reaction == "move_on" for a in non_again), len(non_again)),
        "move_on_rate": _rate(sum(a.reaction == "move_on" for a in specific), len(specific)),
        "specific_answers": len(specific),
        "repeated_phrases": sum(len(repeated_phrases(p)) for p in results),
        "spearman": spearman(scores, bands),
        "recommendation_agreement": _rate(sum(p.recommendation in ACCEPTABLE[p.band] for p in results), len(results)),
        "weak_hired": sum(p.band == "weak" and p.recommendation in HIRE for p in results),
    }


def anchor(results: list[Played]) -> dict:
    """The length-only judge on the same answers."""
    from juggy.ai.heuristics.text import words

    answers = [a for p in results for a in p.answers if a.label]

    def judge(a: Answer) -> str:
        n = len(words(a.text))
        return "N" if n < 8 else "T" if n < 30 else "S"

    thin = [a for a in answers if a.label == "T" and a.eligible]
    probes = [a for a in answers if judge(a) == "T"]
    totals = [sum(len(words(a.text)) for a in p.answers) for p in results]
    long = [a for a in thin if a.long]
    return {
        "long_thin_recall": _rate(sum(judge(a) == "T" for a in long), len(long)),
        "follow_up_recall": _rate(sum(judge(a) == "T" for a in thin), len(thin)),
        "follow_up_precision": _rate(sum(a.label == "T" for a in probes), len(probes)),
        "redirect_rate": 0.0,
        "move_on_rate": _rate(sum(judge(a) == "S" for a in answers if a.label == "S"), sum(a.label == "S" for a in answers)),
        "spearman": spearman([float(t) for t in totals], [BANDS[p.band] for p in results]),
    }


def misjudged(results: list[Played]) -> list[str]:
    right = {"S": {"move_on"}, "T": {"probe"}, "O": {"redirect"}, "N": {"angle"}}
    out = []
    for p in results:
        for a in p.answers:
            if (a.label and a.eligible and a.reaction not in right[a.label]) or (a.label and not a.eligible and a.reaction != "move_on"):
                out.append(f"  #{p.index} {p.job} {a.question_id} {LABEL_NAMES[a.label]} -> {a.reaction}: {a.text[:90]}")
        for phrase in repeated_phrases(p):
            out.append(f"  #{p.index} {p.job} repeated: {phrase}")
        if p.recommendation not in ACCEPTABLE[p.band]:
            out.append(f"  #{p.index} {p.job} band {p.band}: overall {p.overall}, {p.recommendation}")
    return out


def meets(m: dict, key: str) -> bool:
    value, target = m.get(key), TARGETS[key]
    if value is None:
        return False
    return value <= target if key in ("repeated_phrases", "weak_hired") else value >= target


def report(m: dict, base: dict) -> str:
    def row(name, key, target=None, fmt="{:.2f}"):
        value = "-" if m.get(key) is None else fmt.format(m[key])
        anchor_value = fmt.format(base[key]) if base.get(key) is not None else "-"
        goal = "" if target is None else (f">= {target}" if key not in ("repeated_phrases", "weak_hired") else f"== {target}")
        ok = "" if target is None else ("ok" if meets(m, key) else "MISSED")
        return f"{name:<42} {value:>8} {anchor_value:>10} {goal:>8} {ok}"

    lines = [
        f"{m['candidates']} candidates over {m['jobs']} jobs, {m['answers']} labelled answers "
        f"({m['thin_answers']} thin, {m['off_topic_answers']} off-topic, {m['non_answers']} non-answers, "
        f"{m['specific_answers']} specific)",
        f"{'metric':<42} {'judge':>8} {'length-only':>10} {'target':>8}",
        row("follow-up recall on thin answers", "follow_up_recall", TARGETS["follow_up_recall"]),
        row("  of which long, rambling thin answers", "long_thin_recall"),
        row("follow-up precision", "follow_up_precision", TARGETS["follow_up_precision"]),
        row("redirect rate on off-topic answers", "redirect_rate", TARGETS["redirect_rate"]),
        row("move-on rate on specific answers", "move_on_rate", TARGETS["move_on_rate"]),
        row("smaller-angle rate on non-answers", "angle_rate"),
        row("moved on after one redirect", "moved_on_after_redirect"),
        row("moved on after the smaller angle", "moved_on_after_angle"),
        row("moved on when a thin answer's budget was spent", "thin_after_budget_moved_on"),
        row("repeated phrases", "repeated_phrases", TARGETS["repeated_phrases"], fmt="{}"),
        row("Spearman(overall score, band)", "spearman", TARGETS["spearman"]),
        row("recommendation agrees with band", "recommendation_agreement"),
        row("weak candidates recommended for hire", "weak_hired", TARGETS["weak_hired"], fmt="{}"),
    ]
    return "\n".join(lines)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "juggy.settings")
    os.environ.setdefault("DEBUG", "1")
    os.environ["AI_PROVIDER"] = "builtin"
    import django

    django.setup()
    import logging

    logging.getLogger("celery").setLevel(logging.WARNING)
    from django.conf import settings
    from django.db import connection
    from django.test.utils import get_runner, setup_test_environment

    setup_test_environment()
    runner = get_runner(settings)(verbosity=0, interactive=False)
    old = runner.setup_databases()
    try:
        print(f"database: {connection.vendor}, engine: builtin")
        for data in datasets():
            results = play_all(data)
            print(f"\n== {data.name} set ==")
            print(report(metrics(results), anchor(results)))
            if "-v" in sys.argv:
                print("misjudged:")
                print("\n".join(misjudged(results)) or "  none")
    finally:
        runner.teardown_databases(old)


if __name__ == "__main__":
    main()
