"""The built-in question planner: templates per competency and field, filled from the job profile."""

from __future__ import annotations

import re

from juggy.ai.heuristics.extract import JobProfile, build_profile, find_skills
from juggy.ai.heuristics.lexicon import field_label
from juggy.ai.heuristics.text import content_stems
from juggy.ai.types import Competency, JobContext, Plan, Question

PLAN_VERSION = "builtin-1"

# Practice interviews score these competencies; enterprise templates bring their own.
DEFAULT_COMPETENCIES: dict[str, tuple[str, str]] = {
    "motivation": ("Motivation and fit", "Why this role and company; how the candidate presents their path."),
    "experience": ("Relevant experience", "What the candidate has actually done that bears on the role."),
    "role_knowledge": ("Role knowledge", "Depth in the skills and practices the role needs."),
    "collaboration": ("Collaboration and ownership", "Working with others, handling disagreement, owning outcomes."),
    "problem_solving": ("Problem solving", "Reasoning through an unfamiliar situation under constraints."),
    "communication": ("Communication", "Clear, structured, concise answers across the interview."),
}
KIND_COMPETENCY = {
    "introduction": "motivation",
    "background": "experience",
    "technical": "role_knowledge",
    "behavioural": "collaboration",
    "situational": "problem_solving",
    "candidate_questions": "motivation",
    "close": "communication",
}

# Two technical templates per field; {kw} and {kw2} are the job's most salient skills.
TECHNICAL: dict[str, tuple[str, str]] = {
    "software": (
        "Walk me through a piece of work where you used {kw} in production. What trade-offs did you make, and what would you change now?",
        "Suppose a service you own that depends on {kw2} starts timing out under peak load. How would you investigate it, and what would you change?",
    ),
    "data": (
        "Tell me about an analysis or model where you used {kw}. How did you check that the result was right?",
        "A stakeholder says a key metric in a dashboard built on {kw2} looks wrong. How do you work out what happened?",
    ),
    "product": (
        "How do you decide what goes on the roadmap when {kw} competes with other priorities? Take me through a real decision.",
        "Tell me how you have used {kw2} to change a product decision. What did you learn, and what did you ship as a result?",
    ),
    "design": (
        "Walk me through a project where {kw} shaped the final design. How did you validate it with users?",
        "How do you handle feedback on {kw2} when engineering constraints and user needs pull in different directions?",
    ),
    "healthcare": (
        "Talk me through how you approach {kw} at the start of a shift, and what you document.",
        "Tell me about a time your {kw2} changed the care a patient received. What did you notice, and what did you do?",
    ),
    "sales": (
        "Walk me through how you run {kw} for a new account, from first contact to a qualified opportunity.",
        "Tell me about a deal where {kw2} made the difference. What was the size, the obstacle and the result?",
    ),
    "marketing": (
        "Tell me about a campaign where you used {kw}. How did you measure whether it worked?",
        "If results from {kw2} dropped by a third next quarter, how would you find out why and respond?",
    ),
    "finance": (
        "Walk me through how you approach {kw}, and the checks you use to trust the numbers.",
        "Tell me about a time your work on {kw2} changed a business decision. What did the numbers show?",
    ),
    "support": (
        "How do you handle {kw} for a frustrated customer? Take me through a real case.",
        "Tell me about a time you improved {kw2} for your team. How did you measure the improvement?",
    ),
    "operations": (
        "Tell me about a time you improved {kw}. What did you measure before and after?",
        "How would you plan {kw2} for a period when demand suddenly doubles?",
    ),
    "education": (
        "Walk me through how you approach {kw} for a class with a wide range of abilities.",
        "Tell me about a time your {kw2} changed how a student progressed. What did you do?",
    ),
    "people": (
        "Walk me through how you run {kw} for a hard-to-fill role.",
        "Tell me about a time {kw2} went wrong and how you fixed it.",
    ),
    "general": (
        "What does excellent {kw} look like in this kind of role, and how have you done it yourself?",
        "Tell me about the hardest problem you have solved involving {kw2}. What did you do?",
    ),
}
BEHAVIOURAL: dict[str, str] = {
    "software": "Tell me about a time you disagreed with a teammate about a technical decision. What did you do, and how did it turn out?",
    "data": "Tell me about a time your analysis contradicted what a stakeholder expected. How did you handle it, and what happened?",
    "product": "Tell me about a time you had to say no to an important stakeholder. How did you handle it, and what was the result?",
    "design": "Tell me about a time a stakeholder strongly disagreed with your design. What did you do, and what was the outcome?",
    "healthcare": "Tell me about a time you had to advocate for a patient with the wider care team. What did you do, and what was the outcome?",
    "sales": "Tell me about a deal you lost that you thought you would win. What did you do afterwards, and what changed?",
    "support": "Tell me about a time you handled an angry customer whose problem you could not fix straight away. What did you do?",
    "education": "Tell me about a time you worked with a parent or colleague who disagreed with your approach. What did you do?",
    "general": "Tell me about a time something went wrong on work you owned. What did you do, and what was the result?",
}
LEAD_BEHAVIOURAL = "Tell me about a time you helped a less experienced colleague grow. What did you do, and what changed for them?"
SITUATIONAL: dict[str, str] = {
    "software": "Imagine a release you shipped on a Friday afternoon is causing errors for a fraction of users. What do you do in the first hour?",
    "data": "Imagine you find a data-quality bug that means last quarter's reported numbers were wrong. What do you do?",
    "product": "Imagine usage of a key feature drops by fifteen percent the week after a release. How would you work out why, and what would you do?",
    "design": "Imagine usability testing shows users failing a core task two weeks before launch. What do you do?",
    "healthcare": "Imagine two of your patients deteriorate at the same time while the ward is short-staffed. How do you prioritise, and who do you involve?",
    "sales": "Imagine you are at sixty percent of quota with three weeks left in the quarter. What do you do?",
    "marketing": "Imagine leadership halves your budget mid-quarter. How do you decide what to keep?",
    "finance": "Imagine you find a large unexplained variance the day before month-end reporting. What do you do?",
    "support": "Imagine a major outage floods the queue with three times the usual tickets. How do you organise the response?",
    "operations": "Imagine your main supplier tells you a critical delivery will be two weeks late. What do you do?",
    "education": "Imagine a usually engaged student has stopped participating and their grades are falling. What do you do?",
    "people": "Imagine a hiring manager wants to skip your process to hire a friend. How do you handle it?",
    "general": "Imagine you are given an urgent task with unclear requirements and a tight deadline. How do you approach it?",
}
FOLLOW_UPS: dict[str, list[str]] = {
    "introduction": ["What in your experience so far makes this role the right next step for you?"],
    "background": ["What was your personal contribution there, as opposed to the team's?", "How did you measure the result?"],
    "technical": ["Can you give me a concrete example, with the tools you used?", "What was the measurable result?"],
    "behavioural": ["What exactly did you do yourself, step by step?", "How did it turn out, and what did you learn?"],
    "situational": ["What would you do first, and why that first?", "How would you know it had worked?"],
    "candidate_questions": [],
    "close": [],
}


# Words that name a kind of role rather than a skill one can be asked about.
GENERIC_TERMS = frozenset({"backend", "frontend", "mobile", "apis", "nursing", "registered nurse", "rn", "operations", "analytics"})


def _qid(i: int) -> str:
    return f"q{i + 1}"


def _at(ctx: JobContext) -> str:
    return f" at {ctx.target_company}" if ctx.target_company else ""


def introduction(ctx: JobContext) -> str:
    role = ctx.target_role or "this role"
    return f"To start, could you briefly introduce yourself and tell me what draws you to {'the ' + role + ' role' if ctx.target_role else role}{_at(ctx)}?"


def background(ctx: JobContext, profile: JobProfile) -> list[str]:
    out = []
    recent = profile.recent
    if recent and recent.highlight:
        where = f" as {recent.title}" if recent.title else ""
        where += f" at {recent.company}" if recent.company else ""
        out.append(f'Your resume mentions that{where} you "{recent.highlight.rstrip(".")}". Walk me through how that happened and what your part was.')
    elif recent and (recent.title or recent.company):
        where = f" as {recent.title}" if recent.title else ""
        where += f" at {recent.company}" if recent.company else ""
        out.append(f"In your most recent position{where}, what is the most significant thing you delivered, and what was your part in it?")
    else:
        out.append(f"Tell me about the experience that has best prepared you for {f'the {ctx.target_role} role' if ctx.target_role else 'this role'}.")
    shared = [k for k in profile.shared_skills if k.lower() not in GENERIC_TERMS and k.lower() not in ctx.target_role.lower()]
    if shared:
        skill = shared[0]
        out.append(f"You list {skill} on your resume, and it matters for this role. How have you used it in practice, and at what scale?")
    elif profile.resume_only_skills and profile.job_skills:
        out.append(
            f"Your background is strong in {profile.resume_only_skills[0]}, while this role leans on {profile.job_skills[0]}. How would you close that gap?"
        )
    return out


def _skill_pair(ctx: JobContext, profile: JobProfile, used: list[str]) -> tuple[str, str]:
    """The two skills the technical questions probe: concrete, not the role title, not already asked about."""
    title = ctx.target_role.lower()
    # The assessment area is placed by the caller, and only when it names a skill.
    taken = {u.lower() for u in used} | {ctx.assessment_area.strip().lower()}
    # The job's must-haves lead: an interview that never asks about them cannot judge the fit.
    # Of those, the ones the resume lists first: "where you used X" should not presume experience the
    # candidate never claimed (a must-have they lack is asked as a gap by must_have_question).
    listed = {r.lower() for r in profile.resume_skills}
    must = sorted(profile.must_haves, key=lambda m: m.lower() not in listed)
    ordered = [*must, *(k for k in profile.keywords if k.lower() not in {m.lower() for m in must})]
    terms = [
        k for k in ordered
        if len(k) <= 40 and k.lower() not in GENERIC_TERMS and k.lower() not in title and k.lower() not in taken
    ]
    terms = terms or [k for k in profile.keywords if len(k) <= 40] or [field_label(profile.field)]
    return terms[0], terms[1] if len(terms) > 1 else terms[0]


def _join(terms: list[str]) -> str:
    return terms[0] if len(terms) == 1 else f"{', '.join(terms[:-1])} and {terms[-1]}"


def must_have_question(ctx: JobContext, profile: JobProfile, asked: str) -> str | None:
    """One question over the job's must-haves that no earlier question named (at most four), phrased
    from what the resume shows: skills it lists are asked about as experience, others as a gap."""
    low = asked.lower()
    title = ctx.target_role.lower()
    missing = [
        m for m in profile.must_haves
        if m.lower() not in low and m.lower() not in GENERIC_TERMS and m.lower() not in title and len(m) <= 40
    ][:4]
    if not missing:
        return None
    role = f"the {ctx.target_role} role" if ctx.target_role else "this role"
    listed = {r.lower() for r in profile.resume_skills}
    known = [m for m in missing if m.lower() in listed]
    new = [m for m in missing if m.lower() not in listed]
    if known and not new:
        return f"{role[0].upper()}{role[1:]} also needs {_join(known)}, which your resume mentions. Where did you use them, and what did you build with them?"
    if known:
        return (
            f"{role[0].upper()}{role[1:]} also needs {_join(missing)}. Your resume mentions {_join(known)}; "
            f"what have you done with {_join(new)}, or how would you get up to speed?"
        )
    return f"{role[0].upper()}{role[1:]} also needs {_join(new)}. What have you done with {'them' if len(new) > 1 else 'it'}, and at what scale?"


def practice_plan(ctx: JobContext, profile: JobProfile) -> list[Question]:
    fld = profile.field if profile.field in TECHNICAL else "general"
    items: list[tuple[str, str]] = [("introduction", introduction(ctx))]
    asked_background = background(ctx, profile)
    items.append(("background", asked_background[0]))
    skill_question = asked_background[1] if len(asked_background) > 1 else ""
    kw, kw2 = _skill_pair(ctx, profile, [k for k in profile.shared_skills if skill_question and k in skill_question])
    area = ctx.assessment_area.strip()
    # The assessment area leads only when it names a skill ("Kubernetes"); a broad area ("Backend
    # engineering") reads wrongly in "a piece of work where you used ...".
    if area and area.lower() != kw.lower() and any(s.term.lower() == area.lower() for s in find_skills(area)):
        kw2, kw = kw, area
    if skill_question:
        items.append(("background", skill_question))
    items.append(("technical", TECHNICAL[fld][0].format(kw=kw)))
    coverage = must_have_question(ctx, profile, " ".join(text for _, text in items))
    if coverage:
        # The job's remaining must-haves take the place of the second one-skill question: the required
        # skills the resume lists are asked as experience (a background question then), the others as gaps.
        items.append(("background" if "your resume" in coverage.lower() else "technical", coverage))
    else:
        items.append(("technical", TECHNICAL[fld][1].format(kw2=kw2)))
    senior = profile.years is not None and profile.years >= 6
    items.append(("behavioural", LEAD_BEHAVIOURAL if senior else BEHAVIOURAL.get(fld, BEHAVIOURAL["general"])))
    items.append(("situational", SITUATIONAL.get(fld, SITUATIONAL["general"])))
    company = ctx.target_company or "the company"
    items.append(("candidate_questions", f"What questions do you have for me about the role or {company}?"))
    items.append(("close", "Before we finish, is there anything else you would like me to know about you?"))
    return [
        Question(_qid(i), text, KIND_COMPETENCY[kind], kind, list(FOLLOW_UPS[kind])) for i, (kind, text) in enumerate(items)
    ]


def match_competency(text: str, competencies: list[Competency], fallback_index: int) -> str:
    """The competency whose name and description share the most words with a question."""
    stems = content_stems(text)
    best, best_overlap = None, 0
    for comp in competencies:
        overlap = len(stems & content_stems(f"{comp.key.replace('_', ' ')} {comp.name} {comp.description}"))
        if overlap > best_overlap:
            best, best_overlap = comp.key, overlap
    return best or competencies[fallback_index % len(competencies)].key


def _kind_of(text: str) -> str:
    low = text.lower()
    if re.search(r"\b(tell me about a time|describe a time|give me an example of a time)\b", low):
        return "behavioural"
    if re.search(r"\b(imagine|suppose|what would you do|how would you)\b", low):
        return "situational"
    if re.search(r"\b(introduce yourself|about yourself|why (do you want|this role|are you interested))\b", low):
        return "introduction"
    if re.search(r"\b(resume|cv|your background|your experience|previous role)\b", low):
        return "background"
    return "technical"


def enterprise_plan(ctx: JobContext, profile: JobProfile) -> list[Question]:
    competencies = ctx.competencies or default_competencies()
    questions: list[Question] = []
    fixed = [q.strip() for q in ctx.fixed_questions or [] if q and q.strip()]
    if not fixed or _kind_of(fixed[0]) != "introduction":
        questions.append(Question("", introduction(ctx), match_competency("motivation introduce", competencies, 0), "introduction", []))
    if fixed:
        for i, text in enumerate(fixed):
            kind = _kind_of(text)
            questions.append(Question("", text, match_competency(text, competencies, i), kind, list(FOLLOW_UPS[kind])[:1]))
    else:
        for comp in competencies:
            detail = f" ({comp.description.rstrip('.')})" if comp.description else ""
            text = f"Tell me about a specific situation that shows your {comp.name.lower()}{detail}. What did you do, and what was the outcome?"
            questions.append(Question("", text, comp.key, "behavioural", list(FOLLOW_UPS["behavioural"])[:1]))
    questions.append(Question("", "Is there anything else you would like the hiring team to know?", questions[-1].competency, "close", []))
    for i, q in enumerate(questions):
        q.id = _qid(i)
    return questions


def default_competencies() -> list[Competency]:
    return [Competency(key, name, desc) for key, (name, desc) in DEFAULT_COMPETENCIES.items()]


def trim(questions: list[Question], max_questions: int | None) -> list[Question]:
    """Keep at most ``max_questions``, always the first and the last; drop from the middle, later first."""
    if not max_questions or len(questions) <= max_questions:
        return questions
    keep = max(2, max_questions)
    drop_order = ("candidate_questions", "background", "situational", "behavioural", "technical")
    middle = questions[1:-1]
    for kind in drop_order:
        while len(middle) + 2 > keep and any(q.kind == kind for q in middle):
            idx = max(i for i, q in enumerate(middle) if q.kind == kind)
            middle.pop(idx)
    middle = middle[: keep - 2]
    out = [questions[0], *middle, questions[-1]]
    for i, q in enumerate(out):
        q.id = _qid(i)
    return out


def builtin_plan(ctx: JobContext) -> Plan:
    profile = build_profile(ctx)
    if ctx.mode == "enterprise" and (ctx.fixed_questions or ctx.competencies):
        questions = enterprise_plan(ctx, profile)
    else:
        questions = practice_plan(ctx, profile)
    return Plan(questions=trim(questions, ctx.max_questions), keywords=profile.keywords, version=PLAN_VERSION)
