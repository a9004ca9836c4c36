"""Keyword and skill extraction from a job description and a resume, and the job profile built from them."""

from __future__ import annotations

import functools
import itertools
import re
from collections import Counter
from dataclasses import dataclass, field

from juggy.ai.heuristics.lexicon import FIELDS, compiled
from juggy.ai.heuristics.text import STOPWORDS, normalise_space, sentences
from juggy.ai.types import JobContext

# Role titles decide the field before keyword counts do: a nurse's job ad may mention "documentation".
TITLE_FIELDS: tuple[tuple[str, str], ...] = (
    (r"\b(nurse|nursing|rn|midwife|clinician|physician|doctor|paramedic|carer|care assistant|pharmacist|therap)", "healthcare"),
    (r"\bproduct (manager|owner|lead|director)|\bpm\b|\bhead of product", "product"),
    (r"\b(data scientist|data analyst|analytics|machine learning|ml engineer|data engineer)", "data"),
    (r"\b(designer|ux|ui)\b", "design"),
    (r"\b(engineer|developer|programmer|sre|devops|architect|swe)\b", "software"),
    (r"\b(sales|account executive|business development|bdr|sdr|account manager)", "sales"),
    (r"\b(marketing|marketer|growth|seo|content)", "marketing"),
    (r"\b(accountant|finance|financial|controller|auditor|bookkeeper)", "finance"),
    (r"\b(support|customer success|customer service|help ?desk)", "support"),
    (r"\b(teacher|tutor|lecturer|educator|teaching)", "education"),
    (r"\b(recruiter|talent|hr|human resources|people partner)", "people"),
    (r"\b(operations|logistics|supply chain|project manager|programme manager|program manager)", "operations"),
)

METRIC_RE = re.compile(r"\d[\d,.]*\s*(%|percent|x\b|k\b|m\b|ms\b|hours?|days?|weeks?|users?|patients?|customers?)|[$£€]\s?\d", re.I)
YEARS_RE = re.compile(r"(\d+)\s*\+?\s*(?:years?|yrs?)", re.I)
CAPITALISED_RE = re.compile(r"\b([A-Z][a-zA-Z0-9&+.-]*(?:\s+[A-Z][a-zA-Z0-9&+.-]*){0,3})\b")


@dataclass
class Skill:
    field: str
    term: str
    count: int
    position: int


@dataclass
class ResumeHighlight:
    title: str = ""
    company: str = ""
    highlight: str = ""  # a line of the resume worth asking about, ideally one with a metric


@dataclass
class JobProfile:
    field: str
    keywords: list[str]  # job keywords, most salient first (display form)
    job_skills: list[str]
    resume_skills: list[str]
    shared_skills: list[str]  # in both the job and the resume
    resume_only_skills: list[str]
    recent: ResumeHighlight | None
    years: int | None
    extra: list[str] = field(default_factory=list)  # noun phrases outside the lexicon
    must_haves: list[str] = field(default_factory=list)  # skills the job description requires, in its order


@functools.cache
def _terms() -> list[tuple[str, str, str, re.Pattern[str]]]:
    return [(fld, term, term.lower(), pattern) for fld, term, pattern in compiled()]


def find_skills(text: str) -> list[Skill]:
    """Lexicon terms found in ``text``, each once, with counts; overlapping shorter terms are masked."""
    text = text or ""
    lowered = text.lower()
    taken = [False] * len(text)
    found: dict[str, Skill] = {}
    for fld, term, lowered_term, pattern in _terms():
        # Every pattern is the literal term with boundaries: a substring test (C speed) rules out
        # almost all of the ~400 terms before any regex runs (on the live VAPI path, before the first token).
        if lowered_term not in lowered:
            continue
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(taken[start:end]):
                continue
            for i in range(start, end):
                taken[i] = True
            key = term.lower()
            if key in found:
                found[key].count += 1
            else:
                found[key] = Skill(fld, term, 1, start)
    return sorted(found.values(), key=lambda s: (-s.count, s.position))


# A line or sentence that states a requirement or a duty rather than describing the company.
REQUIREMENT_RE = re.compile(
    r"\b(?:must|required|requirements?|require[sd]?|need(?:ed|s)?|you have|you bring|you will|you'll|"
    r"experience (?:with|in|of)|proficien\w*|strong|hands-on|knowledge of|familiar\w*|expert\w*|"
    r"qualifications?|responsibilit\w*|what you)\b",
    re.IGNORECASE,
)
REQUIREMENT_HEADING_RE = re.compile(
    r"^\s*(?:requirements|must[- ]haves?|what you(?:'ll)? (?:need|bring)|you have|qualifications|"
    r"about you|responsibilities|what you(?:'ll)? do|skills)\b",
    re.IGNORECASE,
)


def _requirable(skill: Skill) -> bool:
    # Soft skills and single lower-case words ("backend", "latency") are topics, not skills to require.
    return skill.field != "soft" and not re.fullmatch(r"[a-z-]+", skill.term)


def must_haves(job_description: str) -> list[str]:
    """Lexicon skills the job description requires: named in a requirement or duty sentence, or in the
    lines under a "Requirements"-like heading; every named skill when the description has no such
    marker. In the order the description names them."""
    text = job_description or ""
    required: list[str] = []
    under_heading = False
    for line in text.splitlines():
        if REQUIREMENT_HEADING_RE.match(line) and len(line.split()) <= 5:
            under_heading = True
            continue
        if not line.strip():
            continue
        elif line.rstrip().endswith(":") and not line.lstrip().startswith(("-", "•", "*")):
            under_heading = bool(REQUIREMENT_HEADING_RE.match(line))
        for sentence in sentences(line) or [line]:
            if under_heading or REQUIREMENT_RE.search(sentence):
                found = sorted(find_skills(sentence), key=lambda s: s.position)
                required.extend(s.term for s in found if _requirable(s))
    if not required:
        required = [s.term for s in sorted(find_skills(text), key=lambda s: s.position) if _requirable(s)]
    seen: set[str] = set()
    return [t for t in required if not (t.lower() in seen or seen.add(t.lower()))]


def noun_phrases(text: str, *, exclude: set[str] | None = None, limit: int = 8) -> list[str]:
    """Noun-phrase-ish candidates: capitalised names mid-sentence and repeated content bigrams."""
    exclude = {e.lower() for e in (exclude or set())}
    counts: Counter[str] = Counter()
    for sentence in sentences(text):
        for match in CAPITALISED_RE.finditer(sentence):
            if match.start() == 0:
                continue  # sentence-initial capitals are not names
            phrase = match.group(1).strip(".-")
            words = phrase.split()
            if all(w.lower() in STOPWORDS for w in words) or len(phrase) < 3:
                continue
            counts[phrase] += 2
        tokens = [w.lower() for w in re.findall(r"[A-Za-z][A-Za-z-]+", sentence)]
        for a, b in itertools.pairwise(tokens):
            if a not in STOPWORDS and b not in STOPWORDS and len(a) > 3 and len(b) > 3:
                counts[f"{a} {b}"] += 1
    out = []
    for phrase, n in counts.most_common():
        low = phrase.lower()
        if n < 2 or low in exclude or any(low in e or e in low for e in exclude):
            continue
        out.append(phrase)
        exclude.add(low)
        if len(out) >= limit:
            break
    return out


def detect_field(ctx: JobContext, skills: list[Skill]) -> str:
    title = f"{ctx.target_role} {ctx.assessment_area}".lower()
    for pattern, fld in TITLE_FIELDS:
        if re.search(pattern, title):
            return fld
    weights: Counter[str] = Counter()
    for s in skills:
        if s.field in FIELDS:
            weights[s.field] += s.count
    if weights:
        return weights.most_common(1)[0][0]
    jd_title = ctx.job_description[:200].lower()
    for pattern, fld in TITLE_FIELDS:
        if re.search(pattern, jd_title):
            return fld
    return "general"


def resume_text_of(ctx: JobContext) -> str:
    parts = [ctx.resume_text or ""]
    resume = ctx.resume or {}
    for key in ("headline", "summary"):
        if isinstance(resume.get(key), str):
            parts.append(resume[key])
    skills = resume.get("skills")
    if isinstance(skills, list):
        parts.append(", ".join(str(s.get("name", s)) if isinstance(s, dict) else str(s) for s in skills))
    for job in _experience(resume):
        parts.append(" ".join([str(job.get("title") or ""), str(job.get("company") or ""), *map(str, job.get("highlights") or [])]))
    return "\n".join(p for p in parts if p)


def _experience(resume: dict) -> list[dict]:
    items = resume.get("experience") if isinstance(resume, dict) else None
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def recent_highlight(ctx: JobContext, job_terms: set[str]) -> ResumeHighlight | None:
    """The most recent position on the resume and its most interview-worthy line."""
    jobs = [j for j in _experience(ctx.resume or {}) if j.get("title") or j.get("company")]
    if jobs:
        job = _most_recent(jobs)
        lines = [normalise_space(str(h)) for h in job.get("highlights") or [] if str(h).strip()]
        best = max(lines, key=lambda line: _highlight_score(line, job_terms), default="")
        return ResumeHighlight(str(job.get("title") or ""), str(job.get("company") or ""), best)
    if ctx.resume_text:
        lines = [normalise_space(line.strip(" -•*\t")) for line in ctx.resume_text.splitlines()]
        lines = [line for line in lines if 6 <= len(line.split()) <= 40]
        if lines:
            best = max(lines, key=lambda line: _highlight_score(line, job_terms))
            return ResumeHighlight(ctx.current_role, ctx.current_company, best)
    if ctx.current_role:
        return ResumeHighlight(ctx.current_role, ctx.current_company, "")
    return None


_ONGOING = {"present", "current", "now", "today", "ongoing"}


def _most_recent(jobs: list[dict]) -> dict:
    """The position the candidate holds now (marked current, or ending "present"), else the latest
    started one; resumes usually list it first, which breaks ties."""
    for job in jobs:
        if job.get("is_current") is True or str(job.get("end_date") or job.get("end") or "").lower() in _ONGOING:
            return job
    dated = [(str(j.get("start_date") or j.get("start") or ""), -i) for i, j in enumerate(jobs)]
    if any(start for start, _ in dated):
        return jobs[-max(dated)[1]]
    return jobs[0]


def _highlight_score(line: str, job_terms: set[str]) -> float:
    low = line.lower()
    return 2.0 * bool(METRIC_RE.search(line)) + sum(1.0 for t in job_terms if t in low) + min(len(line), 160) / 400


def years_of_experience(ctx: JobContext) -> int | None:
    for text in (ctx.experience, ctx.resume_text[:2000] if ctx.resume_text else ""):
        match = YEARS_RE.search(text or "")
        if match:
            return int(match.group(1))
    if ctx.experience.strip().isdigit():
        return int(ctx.experience.strip())
    return None


def build_profile(ctx: JobContext) -> JobProfile:
    job_text = "\n".join([ctx.target_role, ctx.assessment_area, ctx.job_description])
    job = find_skills(job_text)
    resume = find_skills(resume_text_of(ctx))
    fld = detect_field(ctx, job or resume)
    # Skills of the job's own field come first; then the rest in order of salience.
    # A single mention of another field's term is usually an ordinary word ("we are recruiting").
    job = [s for s in job if s.field in (fld, "soft") or s.count > 1 or " " in s.term]
    job_sorted = sorted(job, key=lambda s: (s.field != fld, s.field == "soft", -s.count, s.position))
    job_terms = [s.term for s in job_sorted]
    resume_terms = [s.term for s in resume]
    job_lower = {t.lower() for t in job_terms}
    shared = [t for t in job_terms if t.lower() in {r.lower() for r in resume_terms}]
    resume_only = [t for t in resume_terms if t.lower() not in job_lower]
    extra = noun_phrases(ctx.job_description, exclude={*job_lower, ctx.target_company.lower(), ctx.target_role.lower()} - {""})
    keywords = []
    if ctx.assessment_area.strip():
        keywords.append(ctx.assessment_area.strip())
    for term in [*job_terms, *extra]:
        if term.lower() not in {k.lower() for k in keywords}:
            keywords.append(term)
    return JobProfile(
        field=fld,
        keywords=keywords[:20],
        job_skills=job_terms,
        resume_skills=resume_terms,
        shared_skills=shared,
        resume_only_skills=resume_only,
        recent=recent_highlight(ctx, job_lower),
        years=years_of_experience(ctx),
        extra=extra,
        must_haves=[t for t in must_haves(ctx.job_description) if t.lower() in job_lower] or must_haves(ctx.job_description),
    )
