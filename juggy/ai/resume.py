"""Structured resumes: ``structure_resume(text)`` returns a dict that matches ``RESUME_SCHEMA``.

With the openai provider the model fills the schema (JSON-schema output). With the built-in provider a
deterministic section-and-entity parser does: it finds sections by their headings, contact details
by pattern, skills from the skills section and the skills lexicon, and experience and education
entries from their header lines (title, organisation, date range) and bullets.

Dates are "YYYY-MM" or "YYYY"; ``is_current`` marks an entry that runs to the present.
"""

from __future__ import annotations

import re
from typing import Any

import jsonschema

from juggy.ai.heuristics.lexicon import compiled as lexicon_terms

MAX_INPUT_CHARS = 30_000
MAX_SKILLS = 60

_str_or_null = {"type": ["string", "null"]}
_date = {"type": ["string", "null"], "description": "YYYY-MM or YYYY; null when unknown."}
_strings = {"type": "array", "items": {"type": "string"}}


def _obj(properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "additionalProperties": False, "required": list(properties), "properties": properties}


RESUME_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Resume",
    **_obj(
        {
            "name": _str_or_null,
            "headline": {"type": ["string", "null"], "description": "One line under the name: role or title."},
            "summary": {"type": ["string", "null"], "description": "The profile / summary paragraph."},
            "contact": _obj({"email": _str_or_null, "phone": _str_or_null, "location": _str_or_null}),
            "links": {
                "type": "array",
                "items": _obj(
                    {
                        "label": {"type": "string", "description": "linkedin, github, portfolio, website..."},
                        "url": {"type": "string"},
                    }
                ),
            },
            "skills": _strings,
            "experience": {
                "type": "array",
                "description": "Most recent first, as on the resume.",
                "items": _obj(
                    {
                        "title": _str_or_null,
                        "company": _str_or_null,
                        "location": _str_or_null,
                        "start_date": _date,
                        "end_date": _date,
                        "is_current": {"type": "boolean"},
                        "highlights": _strings,
                    }
                ),
            },
            "education": {
                "type": "array",
                "items": _obj(
                    {
                        "institution": _str_or_null,
                        "degree": _str_or_null,
                        "field_of_study": _str_or_null,
                        "start_date": _date,
                        "end_date": _date,
                        "details": _strings,
                    }
                ),
            },
            "certifications": {
                "type": "array",
                "items": _obj({"name": {"type": "string"}, "issuer": _str_or_null, "date": _date}),
            },
            "languages": {
                "type": "array",
                "items": _obj({"language": {"type": "string"}, "proficiency": _str_or_null}),
            },
        }
    ),
}

SYSTEM_PROMPT = (
    "You turn the plain text of a resume into JSON matching the given schema. Copy facts from the text; "
    "never invent any. Use null (or an empty list) for anything the resume does not state. Dates are "
    "YYYY-MM when a month is given, else YYYY; set is_current to true for a position that runs to the "
    "present and leave its end_date null. Highlights are the bullet points of a position, one per item. "
    "Skills are short names (\"Python\", \"stakeholder management\"), without categories."
)


def structure_resume(text: str) -> dict[str, Any]:
    """The structured resume for ``text``; raises juggy.ai.errors.ProviderError if the model fails."""
    from juggy.ai.providers import get_llm_provider

    provider = get_llm_provider("analysis")
    if provider.name == "openai":
        messages = [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": text[:MAX_INPUT_CHARS]},
        ]
        result = provider.complete_json(messages, schema=RESUME_SCHEMA, name="resume")
    else:
        result = parse_resume(text)
    jsonschema.validate(result, RESUME_SCHEMA)
    return result


# ---------------------------------------------------------------------------------------------------
# The built-in parser
# ---------------------------------------------------------------------------------------------------

SECTION_ALIASES: dict[str, tuple[str, ...]] = {
    "summary": (
        "summary", "professional summary", "career summary", "executive summary", "profile",
        "professional profile", "personal profile", "about", "about me", "objective", "career objective",
        "personal statement", "overview",
    ),
    "experience": (
        "experience", "work experience", "professional experience", "relevant experience", "employment",
        "employment history", "work history", "career history", "professional background", "career",
        "positions held",
    ),
    "education": ("education", "academic background", "education and training", "academic qualifications", "studies"),
    "skills": (
        "skills", "technical skills", "core skills", "key skills", "skills and tools", "core competencies",
        "competencies", "areas of expertise", "expertise", "technologies", "tech stack", "tools",
        "skills and abilities", "skills and technologies", "technical proficiencies",
    ),
    "certifications": (
        "certifications", "certificates", "certification", "licenses", "licences",
        "licenses and certifications", "licences and certifications", "certifications and licenses",
        "certifications and licences", "accreditations", "courses and certifications",
    ),
    "languages": ("languages", "language skills", "spoken languages"),
    "links": ("links", "online profiles", "profiles"),
    "contact": ("contact", "contact information", "contact details", "personal details", "personal information"),
    # Sections we do not structure still end the section before them.
    "other": (
        "projects", "personal projects", "side projects", "awards", "honors", "honours", "awards and honors",
        "publications", "interests", "hobbies", "hobbies and interests", "volunteering", "volunteer experience",
        "references", "achievements", "activities", "leadership", "memberships", "additional information",
    ),
}
_HEADING_LOOKUP = {alias: section for section, aliases in SECTION_ALIASES.items() for alias in aliases}

BULLET_RE = re.compile(r"^\s*(?:[•●▪■◦‣∙·*►>✓✔\u2013\u2014-]|o\s|\d{1,2}[.)]\s)\s*")
EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
PHONE_RE = re.compile(r"(?<![\w/])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d[\d\s.-]{5,}\d(?![\w/])")
URL_RE = re.compile(
    r"(?:https?://|www\.)[^\s|,;<>()]+|(?<![@\w.])(?:linkedin\.com|github\.com|gitlab\.com|behance\.net|"
    r"dribbble\.com|medium\.com|stackoverflow\.com)/[^\s|,;<>()]+",
    re.IGNORECASE,
)
LOCATION_RE = re.compile(
    r"^(?:[A-Z][A-Za-zÀ-ÿ.'-]+(?:\s+[A-Z][A-Za-zÀ-ÿ.'-]+){0,3}),\s*(?:[A-Z]{2}|[A-Z][A-Za-zÀ-ÿ.'-]+(?:\s+[A-Z][A-Za-zÀ-ÿ.'-]+){0,2})$"
)
REMOTE_RE = re.compile(r"^(?:remote|hybrid|on-?site)(?:\s*[(/-].*)?$", re.IGNORECASE)

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
_MONTH_NAME = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_SEASON = r"(?:spring|summer|autumn|fall|winter)"
_DATE = (
    rf"(?:{_MONTH_NAME}\s*,?\s*(?:\d{{4}}|'\d{{2}})|{_SEASON}\s+\d{{4}}|\d{{1,2}}[/.]\d{{4}}|\d{{4}}[/.-]\d{{1,2}}(?!\d)|"
    r"(?:19|20)\d{2})"
)
_PRESENT = r"(?:present|current|currently|now|today|ongoing|to date|date)"
DATE_RANGE_RE = re.compile(
    rf"\(?(?P<start>{_DATE})\s*(?:-|\u2013|\u2014|~|to|until|till|through|thru)\s*(?P<end>{_DATE}|{_PRESENT})\)?",
    re.IGNORECASE,
)
SINCE_RE = re.compile(rf"\(?(?:since|from)\s+(?P<start>{_DATE})\)?", re.IGNORECASE)
SINGLE_DATE_RE = re.compile(rf"\(?(?:(?:expected|graduated|graduation|completed)\s*:?\s*)?(?P<date>{_DATE})\)?", re.IGNORECASE)
PRESENT_RE = re.compile(rf"^{_PRESENT}$", re.IGNORECASE)

TITLE_WORDS = re.compile(
    r"\b(?:engineer|developer|programmer|manager|director|lead|head|chief|officer|analyst|designer|architect|"
    r"consultant|intern|internship|nurse|specialist|scientist|researcher|coordinator|assistant|associate|"
    r"administrator|executive|representative|teacher|lecturer|professor|accountant|owner|founder|co-founder|"
    r"president|vp|cto|ceo|cfo|coo|partner|advisor|adviser|strategist|writer|editor|technician|agent|"
    r"supervisor|trainee|apprentice|fellow|principal|staff|senior|junior|sre|devops|recruiter|marketer|"
    r"product|clerk|therapist|pharmacist|physician|midwife|paramedic|carer|tutor|instructor|volunteer)\b",
    re.IGNORECASE,
)
COMPANY_WORDS = re.compile(
    r"\b(?:inc|ltd|llc|llp|plc|gmbh|ag|sa|bv|corp|corporation|co|company|group|holdings|technologies|"
    r"labs|bank|hospital|clinic|nhs|trust|agency|studio|studios|ventures|consulting|foundation|institute|"
    r"university|college|council|ministry)\b\.?",
    re.IGNORECASE,
)
INSTITUTION_WORDS = re.compile(
    r"\b(?:university|universit[äéà]t?|college|school|institute|academy|polytechnic|conservatory|"
    r"hochschule|école|ecole|universidad|politecnico|iit|mit)\b",
    re.IGNORECASE,
)
DEGREE_RE = re.compile(
    r"\b(?:bachelor(?:'s)?|master(?:'s)?|doctor(?:ate)?|ph\.?\s?d\.?|mba|b\.?\s?sc?\.?|m\.?\s?sc?\.?|b\.?a\.?|"
    r"m\.?a\.?|b\.?eng\.?|m\.?eng\.?|b\.?tech|m\.?tech|ll\.?b|ll\.?m|m\.?d\.?|associate(?:'s)?|diploma|"
    r"certificate|a-levels?|gcses?|high school diploma|baccalaureate|abitur|hnd|bsn|msn)(?![\w])",
    re.IGNORECASE,
)
FIELD_OF_STUDY_RE = re.compile(r"\bin\s+(?P<field>[A-Z][A-Za-z&,' -]+?)(?=\s*(?:[,|(\u2013\u2014]|\s-\s|$))")
# "Master of Business Administration" names the degree; "Bachelor of Economics" names a field.
DEGREE_OF_RE = re.compile(
    r"\bof\s+(?!(?:science|arts|fine arts|engineering|business administration|laws|philosophy|education|"
    r"technology|medicine|nursing)\b)(?P<field>[A-Z][A-Za-z&' -]+?)(?=\s*(?:[,|(]|\s-\s|$))",
)

LANGUAGE_NAMES = frozenset(
    ["english", "german", "french", "spanish", "italian", "portuguese", "dutch", "polish", "russian", "ukrainian", "czech", "slovak", "hungarian", "romanian", "bulgarian", "greek", "turkish", "arabic", "hebrew", "persian", "farsi", "urdu", "hindi", "bengali", "punjabi", "tamil", "telugu", "marathi", "gujarati", "chinese", "mandarin", "cantonese", "japanese", "korean", "vietnamese", "thai", "indonesian", "malay", "tagalog", "filipino", "swedish", "norwegian", "danish", "finnish", "icelandic", "estonian", "latvian", "lithuanian", "serbian", "croatian", "bosnian", "slovenian", "albanian", "macedonian", "catalan", "basque", "galician", "irish", "welsh", "swahili", "amharic", "yoruba", "zulu", "afrikaans", "latin", "esperanto"]
)
PROFICIENCY_RE = re.compile(
    r"\b(?:native(?: speaker)?|mother tongue|bilingual|fluent|full professional(?: proficiency)?|"
    r"professional working(?: proficiency)?|working proficiency|professional|proficient|advanced|"
    r"upper[- ]intermediate|intermediate|conversational|elementary|basic|beginner|limited working(?: proficiency)?|"
    r"[abc][12])\b",
    re.IGNORECASE,
)
_SPLIT_PARTS_RE = re.compile(r"\s+[|•·\u2013\u2014]\s+|\s+-\s+|\s*\|\s*|\t+|\s{3,}")
_LIST_SPLIT_RE = re.compile(r"\s*[,;|•·]\s*|\s+/\s+")
_CATEGORY_RE = re.compile(r"^(?P<category>[A-Za-z][A-Za-z &/+-]{1,40}):\s*(?P<items>.+)$")


def parse_resume(text: str) -> dict[str, Any]:
    """The built-in parser: deterministic, offline, no model."""
    lines = [line.strip() for line in (text or "")[: MAX_INPUT_CHARS * 2].splitlines()]
    header, sections = _split_sections(lines)
    contact_lines = header + sections.get("contact", [])
    links = _links(text or "")
    name, headline = _name_and_headline(header)
    summary = _paragraph(sections.get("summary", []))
    result = {
        "name": name,
        "headline": headline,
        "summary": summary,
        "contact": {
            "email": _first(EMAIL_RE, contact_lines) or _first(EMAIL_RE, lines),
            "phone": _phone(contact_lines) or _phone(lines[:15]),
            "location": _location(contact_lines),
        },
        "links": links,
        "skills": _skills(sections.get("skills", []) + _non_spoken(sections.get("languages", [])), text or ""),
        "experience": [_experience_entry(block) for block in _entries(sections.get("experience", []))],
        "education": [
            _education_entry(block) for block in _entries(sections.get("education", []), single_dates=True)
        ],
        "certifications": [_certification(item) for item in _items(sections.get("certifications", []))],
        "languages": _languages(sections.get("languages", [])),
    }
    result["experience"] = [e for e in result["experience"] if e["title"] or e["company"]]
    result["education"] = [e for e in result["education"] if e["institution"] or e["degree"]]
    result["certifications"] = [c for c in result["certifications"] if c["name"]]
    return result


# --- Sections --------------------------------------------------------------------------------------


def heading_of(line: str) -> str | None:
    """The section a line heads, or None. Headings are short lines such as "WORK EXPERIENCE" or "Skills:"."""
    if not line or len(line) > 50 or BULLET_RE.match(line):
        return None
    key = re.sub(r"[^a-z& ]", "", line.lower().replace("&", " and ")).strip()
    key = re.sub(r"\s+", " ", key)
    return _HEADING_LOOKUP.get(key)


# Sub-labels that often appear inside an experience entry ("Tools: Jira, Figma") and must not open a section.
_NOT_INLINE = frozenset({"tools", "technologies", "tech stack", "expertise", "profile", "overview", "career"})


def _split_sections(lines: list[str]) -> tuple[list[str], dict[str, list[str]]]:
    header: list[str] = []
    sections: dict[str, list[str]] = {}
    current: list[str] = header
    for line in lines:
        section = heading_of(line.rstrip(":").strip("#= ").strip())
        inline = ""
        if section is None and ":" in line:
            # "Skills: Python, SQL" is a heading and its content on one line.
            head, _, rest = line.partition(":")
            # Inside skills, "Languages: Python, Go" is a category of skills, not the languages section.
            if head.strip().lower() not in _NOT_INLINE and rest.strip() and current is not sections.get("skills"):
                section, inline = heading_of(head.strip()), rest.strip()
        if section is None:
            current.append(line)
            continue
        current = sections.setdefault(section, [])
        if inline:
            current.append(inline)
    return _trim(header), {k: _trim(v) for k, v in sections.items()}


def _trim(lines: list[str]) -> list[str]:
    while lines and not lines[0]:
        lines = lines[1:]
    while lines and not lines[-1]:
        lines = lines[:-1]
    return lines


def _strip_bullet(line: str) -> str:
    return BULLET_RE.sub("", line, count=1).strip()


def _paragraph(lines: list[str]) -> str | None:
    text = " ".join(_strip_bullet(line) for line in lines if line)
    return re.sub(r"\s+", " ", text).strip() or None


def _items(lines: list[str]) -> list[str]:
    """Bullet or one-per-line items; a wrapped line (no bullet, lower-case start) continues the last."""
    items: list[str] = []
    for line in lines:
        if not line:
            continue
        if items and not BULLET_RE.match(line) and line[:1].islower():
            items[-1] = f"{items[-1]} {line}"
        else:
            items.append(_strip_bullet(line))
    return [i for i in items if i]


# --- Contact, name, headline -----------------------------------------------------------------------


def _first(pattern: re.Pattern[str], lines: list[str]) -> str | None:
    for line in lines:
        match = pattern.search(line)
        if match:
            return match.group(0)
    return None


def _phone(lines: list[str]) -> str | None:
    for line in lines:
        for match in PHONE_RE.finditer(line):
            candidate = match.group(0).strip()
            digits = re.sub(r"\D", "", candidate)
            if not 7 <= len(digits) <= 15 or DATE_RANGE_RE.fullmatch(candidate.strip("()")):
                continue
            if re.fullmatch(r"(?:19|20)\d{2}\s*[-\u2013]\s*(?:19|20)\d{2}", candidate):
                continue
            return candidate
    return None


def _segments(line: str) -> list[str]:
    return [s.strip() for s in re.split(r"\s*[|•·]\s*|\s{2,}|\t", line) if s.strip()]


def _is_contact_line(line: str) -> bool:
    return bool(EMAIL_RE.search(line) or URL_RE.search(line) or _phone([line]))


def _location(lines: list[str]) -> str | None:
    for line in lines:
        for segment in _segments(line):
            segment = re.sub(r"^(?:location|address|based in)\s*:?\s*", "", segment, flags=re.IGNORECASE)
            if EMAIL_RE.search(segment) or URL_RE.search(segment):
                continue
            if LOCATION_RE.match(segment) or REMOTE_RE.match(segment):
                return segment
    return None


def _name_and_headline(header: list[str]) -> tuple[str | None, str | None]:
    candidates = [line for line in header if line and not _is_contact_line(line) and not _location([line])]
    name = None
    rest = candidates
    if candidates:
        first = re.sub(r"^name\s*:\s*", "", candidates[0], flags=re.IGNORECASE)
        words = first.split()
        if 1 < len(words) <= 5 and not any(ch.isdigit() for ch in first) and not TITLE_WORDS.search(first):
            name, rest = (first.title() if first.isupper() else first), candidates[1:]
    headline = rest[0] if rest and len(rest[0]) <= 120 else None
    return name, headline


def _link_label(url: str) -> str:
    host = re.sub(r"^(?:https?://)?(?:www\.)?", "", url.lower()).split("/", 1)[0]
    for label in ("linkedin", "github", "gitlab", "behance", "dribbble", "medium", "stackoverflow", "twitter", "x.com"):
        if label in host:
            return "twitter" if label == "x.com" else label
    return "website"


def _links(text: str) -> list[dict[str, str]]:
    links: list[dict[str, str]] = []
    seen: set[str] = set()
    for match in URL_RE.finditer(text):
        url = match.group(0).rstrip(".,;:)")
        if not url.lower().startswith("http"):
            url = f"https://{url}"
        key = url.lower().rstrip("/")
        if key not in seen:
            seen.add(key)
            links.append({"label": _link_label(url), "url": url})
    return links


# --- Skills ----------------------------------------------------------------------------------------


def _skills(lines: list[str], text: str) -> list[str]:
    found: list[str] = []
    for line in lines:
        line = _strip_bullet(line)
        category = _CATEGORY_RE.match(line)
        if category:
            line = category.group("items")
        for item in _LIST_SPLIT_RE.split(line):
            item = re.sub(r"\s*\((?:[^)]*)\)$", "", item).strip(" .")  # "Python (5 years)" -> "Python"
            if item and len(item.split()) <= 5 and len(item) <= 40:
                found.append(item)
    # Lexicon terms anywhere in the resume: a skill named in a bullet counts even without a skills section.
    hits = []
    for field, term, pattern in lexicon_terms():
        # Single lower-case lexicon words ("backend", "latency") are topics, not skills to list.
        if field == "soft" or re.fullmatch(r"[a-z-]+", term):
            continue
        match = pattern.search(text)
        if match:
            hits.append((match.start(), term))
    found.extend(term for _, term in sorted(hits))
    unique: dict[str, str] = {}
    for skill in found:
        unique.setdefault(skill.lower(), skill)
    return list(unique.values())[:MAX_SKILLS]


# --- Dates -----------------------------------------------------------------------------------------


def normalise_date(raw: str) -> str | None:
    """"Jan 2020" -> "2020-01", "03/2019" -> "2019-03", "2018" -> "2018", "Summer 2019" -> "2019"."""
    value = raw.strip().strip("().").lower()
    match = re.match(r"^(?P<month>[a-z]+)\.?\s*,?\s*(?P<year>\d{4}|'\d{2})$", value)
    if match:
        year = match.group("year")
        year = f"20{year[1:]}" if year.startswith("'") else year
        month = _MONTHS.get(match.group("month")[:4]) or _MONTHS.get(match.group("month")[:3])
        return f"{year}-{month:02d}" if month else year
    match = re.match(r"^(?P<month>\d{1,2})[/.](?P<year>\d{4})$", value)
    if match and 1 <= int(match.group("month")) <= 12:
        return f"{match.group('year')}-{int(match.group('month')):02d}"
    match = re.match(r"^(?P<year>\d{4})[/.-](?P<month>\d{1,2})$", value)
    if match and 1 <= int(match.group("month")) <= 12:
        return f"{match.group('year')}-{int(match.group('month')):02d}"
    match = re.search(r"(?:19|20)\d{2}", value)
    return match.group(0) if match else None


def find_dates(line: str) -> tuple[str | None, str | None, bool, str] | None:
    """(start, end, is_current, the line without the dates) for a line holding a date range, else None."""
    match = DATE_RANGE_RE.search(line)
    if match:
        end_raw = match.group("end")
        current = bool(PRESENT_RE.match(end_raw.strip()))
        end = None if current else normalise_date(end_raw)
        rest = (line[: match.start()] + " " + line[match.end() :]).strip()
        return normalise_date(match.group("start")), end, current, _clean_rest(rest)
    match = SINCE_RE.search(line)
    if match:
        rest = (line[: match.start()] + " " + line[match.end() :]).strip()
        return normalise_date(match.group("start")), None, True, _clean_rest(rest)
    return None


def _clean_rest(rest: str) -> str:
    rest = re.sub(r"\(\s*\)", "", rest)
    return re.sub(r"^[\s,|•·\u2013\u2014-]+|[\s,|•·\u2013\u2014:-]+$", "", rest).strip()


# --- Experience and education entries --------------------------------------------------------------


def _has_single_date(line: str) -> bool:
    match = SINGLE_DATE_RE.search(line)
    return bool(match and normalise_date(match.group("date")))


def _entries(lines: list[str], *, single_dates: bool = False) -> list[list[str]]:
    """Split a section into entries. An entry is a header (one to three non-bullet lines, one of them
    usually holding a date range, or for education a single year) followed by its bullets and
    description lines."""
    content = lines
    dated = [
        i
        for i, line in enumerate(content)
        if line and not BULLET_RE.match(line) and (find_dates(line) or (single_dates and _has_single_date(line)))
    ]
    if not dated:
        blocks, block = [], []
        for line in content:
            if not line:
                if block:
                    blocks.append(block)
                block = []
            else:
                block.append(line)
        return [*blocks, block] if block else blocks
    starts: list[int] = []
    floor = 0
    for i in dated:
        start = i
        # Plain lines right above the dated line belong to its header ("Company" / "Title  2019-2021"):
        # up to two, or one when the dated line names something itself.
        found = find_dates(content[i])
        reach = 1 if found is None or found[3] else 2
        while start - 1 >= floor and i - (start - 1) <= reach and _is_header_candidate(content[start - 1]):
            start -= 1
        starts.append(start)
        floor = i + 1
    blocks = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(content)
        block = [line for line in content[start:end] if line]
        if block:
            blocks.append(block)
    return blocks


def _is_header_candidate(line: str) -> bool:
    # A line starting in lower case continues the bullet above it; a sentence is description.
    return (
        bool(line)
        and not line[0].islower()
        and not BULLET_RE.match(line)
        and len(line) <= 100
        and not (line.rstrip().endswith(".") and len(line.split()) > 4)
    )


def _split_header(block: list[str]) -> tuple[list[str], list[str], tuple[str | None, str | None, bool]]:
    """(header parts, body lines, dates) of an entry block."""
    dates: tuple[str | None, str | None, bool] = (None, None, False)
    parts: list[str] = []
    body_start = len(block)
    for i, line in enumerate(block):
        if BULLET_RE.match(line) or i >= 4 or (parts and dates[0] and (len(line) > 100 or line.endswith("."))):
            body_start = i
            break
        found = find_dates(line) if dates[0] is None else None
        if found is not None:
            dates = found[:3]
            line = found[3]
        elif dates[0] is not None and i > 0 and not _is_header_candidate(line):
            body_start = i
            break
        parts.extend(p for p in _SPLIT_PARTS_RE.split(line) if p and p.strip(" ,"))
    return [p.strip(" ,") for p in parts], block[body_start:], dates


def _title_company(parts: list[str]) -> tuple[str | None, str | None, str | None]:
    location = None
    rest = []
    for part in parts:
        if location is None and (REMOTE_RE.match(part) or (LOCATION_RE.match(part) and not TITLE_WORDS.search(part))):
            location = part
        else:
            rest.append(part)
    if len(rest) == 1:
        one = rest[0]
        at = re.match(r"^(?P<title>.+?)\s+(?:at|@)\s+(?P<company>.+)$", one)
        if at:
            return at.group("title"), at.group("company"), location
        if ", " in one:
            head, _, tail = one.partition(", ")
            if LOCATION_RE.match(tail) and location is None and not TITLE_WORDS.search(tail):
                return (head, None, tail) if TITLE_WORDS.search(head) else (None, head, tail)
            rest = [head, tail]
        else:
            return (one, None, location) if TITLE_WORDS.search(one) and not COMPANY_WORDS.search(one) else (None, one, location)
    title = next((p for p in rest if TITLE_WORDS.search(p) and not COMPANY_WORDS.search(p)), None)
    company = next((p for p in rest if p is not title and COMPANY_WORDS.search(p)), None)
    leftovers = [p for p in rest if p is not title and p is not company]
    if title is None and leftovers:
        title = leftovers.pop(0) if company is not None else leftovers.pop(1 if len(leftovers) > 1 else 0)
    if company is None and leftovers:
        company = leftovers.pop(0)
    if location is None and leftovers and LOCATION_RE.match(", ".join(leftovers[:2])):
        location = ", ".join(leftovers[:2])
    return title, company, location


def _experience_entry(block: list[str]) -> dict[str, Any]:
    parts, body, (start, end, current) = _split_header(block)
    title, company, location = _title_company(parts)
    return {
        "title": title,
        "company": company,
        "location": location,
        "start_date": start,
        "end_date": end,
        "is_current": current,
        "highlights": _items(body),
    }


def _education_entry(block: list[str]) -> dict[str, Any]:
    parts, body, (start, end, _current) = _split_header(block)
    if start is None:
        # A single date in an education entry is the graduation date.
        for i, part in enumerate(parts):
            match = SINGLE_DATE_RE.search(part)
            if match and normalise_date(match.group("date")):
                end = normalise_date(match.group("date"))
                parts[i] = _clean_rest(part[: match.start()] + " " + part[match.end() :])
                break
        parts = [p for p in parts if p]
    if len(parts) == 1 and ", " in parts[0]:
        parts = [p.strip() for p in parts[0].split(", ")]
    institution = next((p for p in parts if INSTITUTION_WORDS.search(p)), None)
    degree = next((p for p in parts if p is not institution and DEGREE_RE.search(p)), None)
    leftovers = [p for p in parts if p is not institution and p is not degree and not LOCATION_RE.match(p)]
    if institution is None and leftovers:
        institution = leftovers.pop(0)
    field = None
    if degree:
        match = FIELD_OF_STUDY_RE.search(degree) or DEGREE_OF_RE.search(degree)
        field = match.group("field").strip() if match else None
    if field is None and degree and leftovers and not DEGREE_RE.search(leftovers[0]):
        field = leftovers.pop(0)
    return {
        "institution": institution,
        "degree": degree,
        "field_of_study": field,
        "start_date": start,
        "end_date": end,
        "details": _items(body),
    }


def _certification(item: str) -> dict[str, Any]:
    date = None
    match = SINGLE_DATE_RE.search(item)
    if match and normalise_date(match.group("date")):
        date = normalise_date(match.group("date"))
        item = _clean_rest(item[: match.start()] + " " + item[match.end() :])
    issuer = None
    paren = re.match(r"^(?P<name>.+?)\s*\((?P<issuer>[^)]+)\)$", item)
    if paren:
        item, issuer = paren.group("name"), paren.group("issuer")
    else:
        parts = [p for p in re.split(r"\s+[-\u2013\u2014|]\s+|,\s+|\s+by\s+|\s+from\s+", item) if p.strip()]
        if len(parts) > 1:
            item, issuer = parts[0], ", ".join(parts[1:])
    return {"name": item.strip(" ,"), "issuer": issuer.strip(" ,") if issuer else None, "date": date}


def _is_spoken(line: str) -> bool:
    return any(word.lower() in LANGUAGE_NAMES for word in re.findall(r"[A-Za-zÀ-ÿ]+", line))


def _non_spoken(lines: list[str]) -> list[str]:
    """Lines of a "Languages" section that name no spoken language list programming languages."""
    return [line for line in lines if line and not _is_spoken(line)]


def _languages(lines: list[str]) -> list[dict[str, Any]]:
    result = []
    seen = set()
    for line in lines:
        for item in re.split(r"\s*[,;|•·]\s*", _strip_bullet(line)):
            words = re.findall(r"[A-Za-zÀ-ÿ]+", item)
            language = next((w.capitalize() for w in words if w.lower() in LANGUAGE_NAMES), None)
            if language is None or language in seen:
                continue
            seen.add(language)
            proficiency = PROFICIENCY_RE.search(item)
            result.append({"language": language, "proficiency": proficiency.group(0).lower() if proficiency else None})
    return result
