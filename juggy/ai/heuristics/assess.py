"""Answer assessment: which of four cases an answer is, and what it lacks.

Every answer falls in one of four categories, and the interviewer's move follows from it:

- ``specific``: on topic and concrete (a real example, named tools or methods, figures, own actions,
  a result): move on;
- ``thin``: on topic but short or vague: follow up on the same question for what is missing;
- ``off_topic``: about something else: bring the candidate back to the question once;
- ``non_answer``: "I don't know", "pass", silence: offer a smaller related angle once.

The same assessment feeds the built-in analysis, so the interviewer probes exactly what the analysis
would otherwise mark down. With a model configured, the model's category replaces ``category`` (see
``juggy.ai.engine.assessor``); the measurements below stay the heuristics'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from juggy.ai.heuristics.extract import find_skills
from juggy.ai.heuristics.text import FILLER_RE, HEDGE_RE, content_stems, stem, words

CATEGORIES = ("specific", "thin", "off_topic", "non_answer")
# What a thin answer can lack; a follow-up asks for these and never for what the answer already gave.
MISSING = ("example", "numbers", "own_role", "result", "detail", "steps")

# A figure: a quantity with a unit, a percentage, money, a multiplier, or a count of things. A bare year
# ("in 2015"), a date or a version number is not a figure.
_UNIT = (
    r"%|percent|per ?cent|x\b|k\b|m\b|ms\b|milliseconds?|seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|"
    r"weeks?|months?|quarters?|people|engineers|nurses|patients|beds|customers|clients|users|accounts|deals|"
    r"reps|agents|tickets|calls|members|services|requests|releases|interviews|stores|sites|countries|teams"
)
FIGURE_RE = re.compile(
    r"[$£€]\s?\d[\d,.]*\s*(?:k|m|bn|million|billion)?|"
    r"\b\d[\d,.]*\s*(?:" + _UNIT + r")|"
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|"
    r"sixty|seventy|eighty|ninety|hundred|a hundred|thousand|a thousand|million)\s+(?:" + _UNIT + r")|"
    r"\b(?:half|halved|doubled|tripled|tenfold)\b|"
    r"(?<![\w.])\d[\d,.]*\b",
    re.I,
)
YEAR_RE = re.compile(r"^(?:19|20)\d\d$")
OUTCOME_RE = re.compile(
    r"\b(reduc\w*|increas\w*|improv\w*|sav(?:ed|ing)|cut|launch\w*|shipp\w*|deliver\w*|grew|grow\w*|"
    r"achiev\w*|resolv\w*|fix(?:ed)?|recover\w*|won|closed|exceed\w*|prevent\w*|stabilis\w*|stabiliz\w*|"
    r"lower\w*|rais\w*|result\w*|outcome|impact|led to|so that|as a result|which meant|discharged|"
    r"adopted|retention|revenue|feedback was|dropp\w*|fell|halv\w*|doubl\w*|tripl\w*|went (?:down|up) by|"
    r"promoted|signed|renewed|hit|beat|turned (?:it )?around|drove|agreed|accepted|went ahead|rescheduled|"
    r"became|settled|rose|went (?:up|down|from)|stopped|recovered|went home|chose|shipped|stayed)\b",
    re.I,
)
SITUATION_RE = re.compile(
    r"\b(when i|at my (?:last|previous|current)|in my (?:last|previous|current)|we had|there was|the situation|"
    r"the problem|the challenge|a patient|a customer|a client|last year|on one occasion|one time|once,|"
    r"at \w+ (?:we|i)|during|one night|one day|in (?:january|february|march|april|may|june|july|august|september|"
    r"october|november|december)|a few (?:months|weeks|years) ago|last (?:month|quarter|week))\b",
    re.I,
)
TASK_RE = re.compile(r"\b(my (?:role|job|task|responsibility|goal)|i was (?:responsible|asked|tasked)|needed to|had to|the goal|our goal)\b", re.I)
ACTION_RE = re.compile(
    # a planned action ("I'd roll back", "I would call") or a done one ("I profiled", "I spoke to")
    r"\bi(?:'d|'ll| would| will) (?:(?:also|then|first|personally|quickly|immediately|\w+ly) )?(?!be\b|have\b|say\b|think\b|guess\b|like\b|try\b)[a-z]{3,}\b|"
    r"\bi (?:(?:also|then|first|personally|quickly|immediately|\w+ly) )?"
    r"(?:\w{3,}ed|built|led|wrote|ran|made|took|gave|brought|set up|spoke|met|found|sent|chose|drove|taught|"
    r"kept|cut|put|began|sat|rang|paged|got|did|went|told|start|check|call|escalate|ask|talk|look|"
    r"prioriti[sz]e|assess|review|roll|page|open|pull|split|write|run|set|give|bring|take|make|sit|plan|group|use|"
    r"switch|read|teach)\b",
    re.I,
)
# Who a plan involves: a concrete answer to a hypothetical says who is told, asked or brought in.
PEOPLE_RE = re.compile(
    r"\b(manager|team lead|head of \w+|tutor|counsellor|pastoral|doctor|consultant|nurse in charge|outreach|"
    r"rapid response|support|engineering|legal|finance|procurement|customers?|parents?|home|colleagues?|on-call|"
    r"incident channel|owner|stakeholders?|champion|buyer|economic buyer|assistant|coordinator|sales|marketing)\b",
    re.I,
)
STEP_RE = re.compile(
    r"\b(first(?:ly)?|then|next|after that|second(?:ly)?|finally|once (?:that|it)|before (?:that|anything)|"
    r"start (?:by|with)|in parallel|meanwhile|straight away)\b",
    re.I,
)
NON_ANSWER_RE = re.compile(
    r"\b(i (?:really )?(?:do not|don'?t) (?:really )?know|no idea|not sure|i'?m not sure|pass\b|skip|next question|"
    r"i have no experience|i haven'?t (?:done|had|really)|i(?: have|'ve)? never (?:done|had|worked|used|been)|"
    r"nothing (?:comes|springs) to mind|can'?t think of|cannot think of|i (?:do not|don'?t) (?:really )?(?:remember|recall)|"
    r"no comment|can we skip|i (?:do not|don'?t) have (?:an|any) (?:example|answer)|"
    r"(?:i )?(?:would|'d) rather not|no clue|i have no answer|blank|all i (?:can|could) say|"
    r"that'?s all i (?:can say|have|know)|nothing else to (?:say|add))\b",
    re.I,
)
SHORT_NO_RE = re.compile(r"^\W*(?:no|nope|nothing|not really|none)\b", re.I)
SILENCE_RE = re.compile(r"^\W*(?:(?:um+|uh+|erm+|hmm+|ah+|er|sorry|well|so|okay|ok|yeah|yes|no)\W*)*$", re.I)
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
VAGUE_RE = re.compile(
    r"\b(quite a bit|quite a lot|a lot of|lots of|all sorts|various|stuff|things like that|and so on|etc|"
    r"it'?s fine|it was fine|pretty (?:much|good|well)|in general|generally|usually|normally|whatever|"
    r"kind of|sort of|some (?:things|stuff|projects|people)|the usual|you know|i guess|and all that|"
    r"pretty standard|nothing special|the normal way|as needed|what was needed)\b",
    re.I,
)
# Vocabulary of working life: an answer with none of it, nothing from the question and no skill is about
# something else.
WORK_RE = re.compile(
    r"\b(work\w*|job|role|team\w*|colleague\w*|manager\w*|project\w*|customer\w*|client\w*|patient\w*|ward|"
    r"shift\w*|deadline\w*|release\w*|deploy\w*|production|service\w*|system\w*|code|bug\w*|feature\w*|"
    r"product\w*|user\w*|stakeholder\w*|deal\w*|quota|pipeline\w*|prospect\w*|account\w*|meeting\w*|"
    r"company|compan(?:y|ies)|business|office|career|experience\w*|skill\w*|learn\w*|problem\w*|process\w*|"
    r"decision\w*|priorit\w*|plan\w*|data|report\w*|sales|sell\w*|buyer\w*|contract\w*|nurs\w*|doctor\w*|"
    r"care|clinical|medication\w*|hospital|engineer\w*|develop\w*|design\w*|launch\w*|roadmap\w*|metric\w*|"
    r"incident\w*|outage\w*|escalat\w*|train\w*|mentor\w*|hire\w*|hiring|interview\w*|lead\w*|senior|junior|"
    r"responsib\w*|task\w*|goal\w*|target\w*|revenue|budget\w*|organi[sz]\w*|handover|rota|study|degree|"
    r"university|course\w*|internship|volunteer\w*|research\w*|feedback|quarter\w*|sprint\w*|test\w*)\b",
    re.I,
)
ANSWER_FRAME_RE = re.compile(
    r"\b(i'?d|i would|i will|i usually|i always|i just|i try|i tried|i do|i did|i check\w*|we (?:usually|always|would|just|did)|"
    r"it depends|depends on|my approach|the way i)\b",
    re.I,
)
# Everyday topics an interview answer drifts into.
OFF_TOPIC_RE = re.compile(
    r"\b(ramen|pizza|sushi|lunch|dinner|breakfast|food|cook\w*|recipe\w*|restaurant\w*|cat|cats|dog|dogs|"
    r"pet|pets|puppy|kitten|weather|rain\w*|sunny|holiday\w*|vacation\w*|beach|football|soccer|match|"
    r"basketball|tennis|golf|gym|movie\w*|film\w*|netflix|series|tv|television|show\w*|video games?|gaming|"
    r"weekend\w*|girlfriend|boyfriend|wife|husband|kids|children|mum|mom|dad|brother|sister|birthday|"
    r"wedding|party|music|band|concert|guitar|garden\w*|motorbike\w*|car|cars|traffic|commute|coffee|"
    r"hobb(?:y|ies)|travel\w*|trip|flight|hotel|neighbour\w*|apartment|flat|house|fishing|camping|hike|hiking)\b",
    re.I,
)
CAPITAL_RE = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-zA-Z0-9]+(?:\s+[A-Z][a-zA-Z0-9]+)*")
# Words of the question itself that carry no topic ("tell me about a time you...").
QUESTION_NOISE = frozenset(stem(w) for w in ["tell", "describe", "walk", "give", "example", "share", "explain", "specific", "situation", "approach", "imagine", "suppose", "happen", "happened", "did", "do", "would", "could", "what", "how", "why", "which", "change", "changed", "first", "hour", "real", "piece", "result", "outcome", "turn", "out", "time", "trade-offs", "decide", "handle"])
NOT_NAMES = frozenset({"I", "I'm", "I've", "I'd", "I'll", "OK", "Okay", "So", "Then", "And", "But", "Yeah", "Honestly", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"})

STRUCTURED_KINDS = ("behavioural", "situational", "background")
QUESTION_KINDS_WITH_ANSWERS = ("introduction", "background", "technical", "behavioural", "situational")


@dataclass
class Assessment:
    word_count: int
    relevance: float  # 0..1: overlap with the question's topic, the job's keywords and working life
    specificity: float  # 0..1: figures, named tools and skills, names, outcomes
    structure: float  # 0..1: situation, task, action, result present
    filler_ratio: float
    hedges: int
    numbers: list[str] = field(default_factory=list)  # figures (a year is not one)
    named: list[str] = field(default_factory=list)  # lexicon skills and tools mentioned
    outcomes: int = 0
    star: dict[str, bool] = field(default_factory=dict)
    quality: float = 0.0  # 0..1 overall
    weakness: str | None = None  # why a follow-up is warranted, or None
    non_answer: bool = False
    category: str = "specific"  # one of CATEGORIES
    missing: list[str] = field(default_factory=list)  # what a follow-up should ask for (thin answers)
    steps: bool = False  # the answer already says what comes first / next
    names: list[str] = field(default_factory=list)  # capitalised names (employers, products, places)
    source: str = "heuristics"  # or the model that categorised the answer

    @property
    def score(self) -> int:
        """The 1-5 score this answer alone deserves."""
        return max(1, min(5, 1 + round(self.quality * 4.4 - 0.2)))

    @property
    def mentioned(self) -> list[str]:
        """Concrete things the candidate named, most specific first (what a follow-up can build on)."""
        return list(dict.fromkeys([*self.named, *self.names]))


def figures(text: str) -> list[str]:
    """The figures cited in ``text``: quantities, percentages, money; not years, dates or versions."""
    out = []
    for match in FIGURE_RE.finditer(text or ""):
        value = match.group(0).strip()
        bare = value.replace(",", "")
        if YEAR_RE.match(bare):
            continue  # "in 2015" is a date, not a metric
        if re.fullmatch(r"\d+(?:\.\d+){2,}", bare):
            continue  # a version number
        if re.fullmatch(r"\d", bare):
            continue  # a lone digit ("1 thing") carries no measurement
        out.append(value)
    return out


def _names(answer: str) -> list[str]:
    out = []
    for sentence in re.split(r"(?<=[.!?])\s+", answer):
        for match in CAPITAL_RE.finditer(sentence):
            name = match.group(0)
            if match.start() == 0 or name.split()[0] in NOT_NAMES:
                continue
            out.append(name)
    return list(dict.fromkeys(out))


def assess(answer: str, *, question: str, kind: str, keywords: list[str], context: str = "") -> Assessment:
    """Assess one answer to ``question``. ``context`` is what the candidate already said to this question
    (before a follow-up), which counts towards staying on topic."""
    tokens = words(answer)
    n = len(tokens)
    low = answer.lower()
    answer_stems = content_stems(answer)
    # Everyday words never make an answer on topic, even when an earlier (off-topic) answer used them.
    everyday = {stem(w) for w in OFF_TOPIC_RE.findall(f"{answer} {context}")}
    q_stems = content_stems(f"{question} {context}") - QUESTION_NOISE - everyday
    q_hits = len(answer_stems & q_stems)
    q_overlap = q_hits / max(1, min(len(q_stems), 6))
    keyword_hits = [k for k in keywords if k.lower() in low or stem(k) in answer_stems]
    work_hits = len(WORK_RE.findall(answer))
    off_hits = len(OFF_TOPIC_RE.findall(answer))
    relevance = min(
        1.0,
        0.5 * min(1.0, q_overlap) + 0.2 * min(len(keyword_hits), 3) / 3 + 0.2 * min(work_hits, 4) / 4 + (0.1 if n >= 40 else 0.0),
    )
    if kind == "introduction":
        # An introduction is on topic when it talks about the candidate's own path.
        relevance = max(relevance, min(1.0, len(re.findall(r"\b(i|i'm|i've|my)\b", low)) / 6) * (1.0 if work_hits else 0.5))

    numbers = figures(answer)
    named = [s.term for s in find_skills(answer)]
    names = _names(answer)
    outcomes = len(OUTCOME_RE.findall(answer))
    specificity = min(1.0, 0.18 * min(len(numbers), 3) + 0.14 * min(len(named), 3) + 0.1 * min(len(names), 2) + 0.12 * min(outcomes, 3))

    actions = len(ACTION_RE.findall(answer))
    star = {
        "situation": bool(SITUATION_RE.search(answer)) or bool(names),
        "task": bool(TASK_RE.search(answer)),
        "action": actions >= 1,
        "result": outcomes > 0,
    }
    structure = (star["situation"] + star["task"] + 2 * star["action"] + 2 * star["result"]) / 6
    steps = len(STEP_RE.findall(answer)) >= 2 or bool(re.search(r"\bfirst(?:ly)?\b|\bstart (?:by|with)\b", low))

    filler = len(FILLER_RE.findall(answer))
    filler_ratio = filler / max(1, n)
    hedges = len(HEDGE_RE.findall(answer))
    vague = len(VAGUE_RE.findall(answer))
    n_steps = len(STEP_RE.findall(answer))
    concrete = min(len(numbers), 2) + min(len(named), 2) + min(len(names), 1) + min(outcomes, 2) + min(actions, 2)
    people = len(set(m.lower() for m in PEOPLE_RE.findall(answer)))
    if kind == "situational":
        # A hypothetical answer is concrete about a plan: its steps in order, its actions, who is involved.
        concrete += min(n_steps, 2) + (people >= 2)
    non_answer = (
        n == 0
        or bool(SILENCE_RE.match(answer))
        or (bool(NON_ANSWER_RE.search(answer)) and n < 30 and concrete <= 1)
        or (bool(SHORT_NO_RE.match(answer)) and n <= 6)
    )

    topical = q_hits + len(keyword_hits) + work_hits + len(named)
    # A vague answer still answers ("I'd look into it, it depends"); an off-topic one talks about
    # something else: everyday topics, or nothing of the question, the job or work at all.
    answers_frame = bool(ANSWER_FRAME_RE.search(answer)) or vague > 0
    off_topic = not non_answer and kind != "candidate_questions" and n >= 6 and (
        (off_hits >= 1 and off_hits >= topical)
        or (off_hits >= 2 and off_hits + 1 >= topical and not numbers)
        or (topical == 0 and n >= 15 and not answers_frame)
    )

    length = min(1.0, n / 90) if n < 90 else max(0.6, 1.0 - (n - 320) / 600) if n > 320 else 1.0
    structured = kind in STRUCTURED_KINDS
    richness = (
        0.25 * length
        + 0.2 * relevance
        + 0.3 * specificity
        + (0.25 if structured else 0.15) * structure
        + (0.0 if structured else 0.10) * min(1.0, len(named) / 2)
        - min(0.2, filler_ratio * 2.5)
        - min(0.15, 0.05 * hedges)
        - min(0.15, 0.04 * vague)
    )
    richness = max(0.0, min(1.0, richness))

    missing = _missing(kind, n, numbers, named, names, star, steps, outcomes)
    if non_answer:
        category, quality = "non_answer", 0.02
    elif off_topic:
        category, quality = "off_topic", 0.08
    elif _is_specific(kind, n, concrete, vague, numbers, named, names, star, steps, hedges, actions, people):
        category, quality = "specific", 0.5 + 0.5 * richness
    else:
        category, quality = "thin", 0.18 + 0.35 * richness
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
        category=category,
        missing=missing if category == "thin" else [],
        steps=steps,
        names=names,
    )
    result.weakness = weakness_for(result, kind)
    return result


def _is_specific(kind, n, concrete, vague, numbers, named, names, star, steps, hedges, actions, people) -> bool:
    if kind == "introduction":
        return n >= 25 and vague <= 2
    if kind in ("candidate_questions", "close"):
        return True
    if n < 25:
        return False
    evidence = bool(numbers) + bool(named) + bool(names) + star["result"] + star["action"]
    if kind == "situational":
        evidence += steps + (actions >= 3) + (people >= 2)
    if n < 40:
        return evidence >= 4 and vague == 0
    return evidence >= 3 and concrete >= 4 and vague + hedges <= 3 and concrete > vague


def _missing(kind, n, numbers, named, names, star, steps, outcomes) -> list[str]:
    """What a follow-up should ask for, most useful first; never something the answer already gave."""
    out = []
    if kind == "situational":
        if not steps:
            out.append("steps")
        if not (named or names):
            out.append("detail")
        if not outcomes:
            out.append("result")
        return out or ["detail"]
    if not (star["situation"] or names or numbers):
        out.append("example")
    if kind != "introduction" and not star["action"]:
        out.append("own_role")
    if not numbers and kind not in ("introduction",):
        out.append("numbers")
    if not (named or names) and "example" not in out:
        out.append("detail")
    if not star["result"] and kind in ("behavioural", "background", "technical"):
        out.append("result")
    return out or ["detail"]


def weakness_for(a: Assessment, kind: str) -> str | None:
    """The single most useful thing to probe (the older one-word form of the category), or None."""
    if a.category == "non_answer":
        return "non_answer"
    if a.category == "off_topic":
        return "off_topic"
    if a.category == "specific":
        return None
    if a.word_count < 25:
        return "too_short"
    if "own_role" in a.missing and kind in ("behavioural", "situational"):
        return "no_action"
    if {"example", "numbers", "detail"} & set(a.missing):
        return "vague"
    if "result" in a.missing:
        return "no_result"
    return "vague"


def is_repeat_request(text: str) -> bool:
    return bool(REPEAT_RE.search(text)) and len(words(text)) < 25


def wants_to_end(text: str) -> bool:
    return bool(END_RE.search(text)) and len(words(text)) < 40
