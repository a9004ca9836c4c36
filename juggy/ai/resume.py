"""Structured resumes: ``structure_resume(text)`` returns a dict that matches ``RESUME_SCHEMA``.

With the openai provider the model fills the schema (JSON-schema output). With the built-in provider a
deterministic section-and-entity parser does: it finds sections by their headings, contact details
by pattern, skills from the skills section and the skills lexicon, and experience and education
entries from their header lines (title, organisation, date range) and bullets.

Dates are "YYYY-MM" or "YYYY"; ``is_current`` marks an entry that runs to the present.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import jsonschema

from juggy.ai.errors import ProviderError
from juggy.ai.heuristics.lexicon import compiled as lexicon_terms

log = logging.getLogger(__name__)

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


def structure_resume(text: str, *, retry_transient: bool = False) -> dict[str, Any]:
    """The structured resume for ``text``, always matching RESUME_SCHEMA.

    With the openai provider the model structures the text under the schema. If the model fails (a
    provider error, output that does not validate) the built-in parser's result is returned instead,
    and also when the model returns an empty resume where the built-in parser finds facts: structuring
    never ends with nothing when the text has something. With ``retry_transient`` a transient provider
    error (rate limit, timeout) is raised instead, for the caller to try the model again later."""
    from juggy.ai.providers import get_llm_provider

    provider = get_llm_provider("analysis")
    if provider.name != "openai":
        result = parse_resume(text)
        jsonschema.validate(result, RESUME_SCHEMA)
        return result
    messages = [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": text[:MAX_INPUT_CHARS]},
    ]
    try:
        result = provider.complete_json(messages, schema=RESUME_SCHEMA, name="resume")
        jsonschema.validate(result, RESUME_SCHEMA)
    except ProviderError as exc:
        if exc.transient and retry_transient:
            raise
        log.warning("resume structuring by the model failed (%s); the built-in parser structures it", exc.message)
        return parse_resume(text)
    except jsonschema.ValidationError as exc:
        log.warning("the model's resume does not match the schema (%s); the built-in parser structures it", exc.message)
        return parse_resume(text)
    if _fact_count(result) == 0:
        builtin = parse_resume(text)
        if _fact_count(builtin):
            log.warning("the model returned an empty resume; the built-in parser's is kept")
            return builtin
    return result


def _fact_count(resume: dict[str, Any]) -> int:
    contact = resume.get("contact") or {}
    return (
        sum(bool(resume.get(k)) for k in ("name", "headline", "summary"))
        + sum(bool(v) for v in contact.values())
        + sum(len(resume.get(k) or []) for k in ("links", "skills", "experience", "education", "certifications", "languages"))
    )


# ---------------------------------------------------------------------------------------------------
# The built-in parser
# ---------------------------------------------------------------------------------------------------

SECTION_ALIASES: dict[str, tuple[str, ...]] = {
    "summary": (
        "summary", "professional summary", "career summary", "executive summary", "profile",
        "professional profile", "personal profile", "about", "about me", "objective", "career objective",
        "personal statement", "overview", "profil", "kurzprofil", "über mich", "berufsprofil",
    ),
    "experience": (
        "experience", "work experience", "professional experience", "relevant experience", "employment",
        "employment history", "work history", "career history", "professional background", "career",
        "positions held", "previous experience", "previous employment", "previous roles", "current position",
        "current role", "current employment", "employment history", "professional history", "berufserfahrung",
        "berufliche erfahrung", "beruflicher werdegang", "berufspraxis", "werdegang", "experience professionnelle",
        "expérience professionnelle", "experiencia laboral", "experiencia profesional",
    ),
    "education": (
        "education", "academic background", "education and training", "academic qualifications", "studies",
        "qualifications", "ausbildung", "bildung", "bildungsweg", "studium", "formation", "formación", "educación",
    ),
    "skills": (
        "skills", "technical skills", "core skills", "key skills", "skills and tools", "core competencies",
        "competencies", "areas of expertise", "expertise", "technologies", "tech stack", "tools",
        "skills and abilities", "skills and technologies", "technical proficiencies", "areas of interest",
        "strengths", "key strengths", "skills and tools", "skills and expertise", "kenntnisse", "fachkenntnisse",
        "fähigkeiten", "kompetenzen", "it kenntnisse", "compétences", "habilidades", "competencias",
    ),
    "certifications": (
        "certifications", "certificates", "certification", "licenses", "licences",
        "licenses and certifications", "licences and certifications", "certifications and licenses",
        "certifications and licences", "accreditations", "courses and certifications", "zertifikate",
        "zertifizierungen", "weiterbildung",
    ),
    "languages": ("languages", "language skills", "spoken languages", "sprachen", "sprachkenntnisse", "langues", "idiomas"),
    "links": ("links", "online profiles", "profiles"),
    "contact": (
        "contact", "contact information", "contact details", "personal details", "personal information", "kontakt",
        "persönliche daten",
    ),
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
    r"dribbble\.com|medium\.com|stackoverflow\.com|orcid\.org|scholar\.google\.com|kaggle\.com|huggingface\.co|"
    r"x\.com|twitter\.com)/[^\s|,;<>()]+|(?<![@\w.])[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:dev|design|io|me|page|"
    r"site|xyz|tech|codes)\b(?:/[^\s|,;<>()]*)?",
    re.IGNORECASE,
)
_PLACE_WORD = r"(?:[^\W\d_][\w.'-]*|de|da|del|di|do|am|an|der|upon|on|the|la|le)"
LOCATION_RE = re.compile(
    rf"^(?:[^\W\d_a-zß][\w.'-]*(?:\s+{_PLACE_WORD}){{0,3}}),\s*(?:[A-Z]{{2,3}}|[^\W\d_a-zß][\w.'-]*(?:\s+{_PLACE_WORD}){{0,2}})$"
)
# Country names (and their ISO region, for phone numbers) that make "City, Country" or "Country" a place.
COUNTRIES = {
    "usa": "US", "us": "US", "united states": "US", "uk": "GB", "united kingdom": "GB", "england": "GB",
    "scotland": "GB", "wales": "GB", "ireland": "IE", "germany": "DE", "deutschland": "DE", "austria": "AT",
    "österreich": "AT", "switzerland": "CH", "schweiz": "CH", "france": "FR", "spain": "ES", "españa": "ES",
    "italy": "IT", "portugal": "PT", "netherlands": "NL", "belgium": "BE", "denmark": "DK", "sweden": "SE",
    "norway": "NO", "finland": "FI", "poland": "PL", "polska": "PL", "czech republic": "CZ", "czechia": "CZ",
    "hungary": "HU", "romania": "RO", "greece": "GR", "turkey": "TR", "israel": "IL", "india": "IN",
    "pakistan": "PK", "china": "CN", "japan": "JP", "south korea": "KR", "korea": "KR", "singapore": "SG",
    "malaysia": "MY", "indonesia": "ID", "philippines": "PH", "vietnam": "VN", "thailand": "TH",
    "australia": "AU", "new zealand": "NZ", "canada": "CA", "mexico": "MX", "brazil": "BR", "argentina": "AR",
    "chile": "CL", "colombia": "CO", "nigeria": "NG", "kenya": "KE", "ghana": "GH", "egypt": "EG",
    "south africa": "ZA", "morocco": "MA", "uae": "AE", "united arab emirates": "AE", "saudi arabia": "SA",
    "ukraine": "UA", "russia": "RU", "hong kong": "HK", "taiwan": "TW", "luxembourg": "LU", "estonia": "EE",
}
US_STATES = frozenset(
    ["AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "DC"]
)
# Single-word places that stand alone on resumes (city states and the largest cities).
CITIES = frozenset(
    ["singapore", "london", "paris", "berlin", "munich", "münchen", "vienna", "wien", "zurich", "zürich", "hamburg", "frankfurt", "cologne", "köln", "amsterdam", "rotterdam", "brussels", "copenhagen", "stockholm", "oslo", "helsinki", "dublin", "madrid", "barcelona", "lisbon", "rome", "milan", "warsaw", "prague", "budapest", "bucharest", "athens", "istanbul", "lagos", "nairobi", "cairo", "johannesburg", "dubai", "mumbai", "bangalore", "bengaluru", "delhi", "tokyo", "seoul", "beijing", "shanghai", "sydney", "melbourne", "toronto", "vancouver", "montreal", "seattle", "chicago", "boston", "austin", "denver", "remote", "walldorf", "stuttgart", "düsseldorf", "leipzig", "dresden", "hannover", "nürnberg", "bremen", "graz", "linz", "salzburg", "basel", "geneva", "genf", "bern", "lyon", "marseille", "toulouse", "edinburgh", "manchester", "glasgow", "cambridge", "oxford"]
)
REMOTE_RE = re.compile(r"^(?:remote|hybrid|on-?site)(?:\s*[(/-].*)?$", re.IGNORECASE)


def is_location(text: str) -> bool:
    """"Seattle, WA", "Łódź, Poland", "München, Deutschland", "Singapore", "Remote"; not "Acme, Inc"."""
    text = text.strip(" ,")
    if not text or len(text) > 60 or any(ch.isdigit() for ch in text):
        return False
    if REMOTE_RE.match(text) or text.lower() in COUNTRIES or text.lower() in CITIES:
        return True
    if not LOCATION_RE.match(text) or COMPANY_WORDS.search(text) or TITLE_WORDS.search(text):
        return False
    last = text.rsplit(",", 1)[1].strip()
    first = text.split(",", 1)[0].strip()
    return last in US_STATES or last.lower() in COUNTRIES or first.lower() in CITIES or last.lower() in CITIES


# The region of a city's phone numbers, for numbers written without a country code.
CITY_REGIONS = {
    **dict.fromkeys(["berlin", "munich", "münchen", "hamburg", "frankfurt", "cologne", "köln", "stuttgart", "düsseldorf", "leipzig", "dresden", "hannover", "nürnberg", "bremen", "walldorf"], "DE"),
    **dict.fromkeys(["vienna", "wien", "graz", "linz", "salzburg"], "AT"),
    **dict.fromkeys(["zurich", "zürich", "basel", "geneva", "genf", "bern"], "CH"),
    **dict.fromkeys(["london", "manchester", "edinburgh", "glasgow", "cambridge", "oxford"], "GB"),
    **dict.fromkeys(["paris", "lyon", "marseille", "toulouse"], "FR"),
    **dict.fromkeys(["madrid", "barcelona"], "ES"),
    "singapore": "SG", "dublin": "IE", "amsterdam": "NL", "warsaw": "PL", "copenhagen": "DK", "lagos": "NG",
}
_ADDRESS_PLACE_RES = (
    re.compile(r"(?P<place>[A-Z][\w .'-]+,\s*[A-Z]{2})\s+\d{5}(?:-\d{4})?\b"),  # "Boston, MA 02116"
    re.compile(r"\b\d{4,5}\s+(?P<place>[^\W\d_][\w .'-]+?)\s*(?:,|$)"),  # "10827 Berlin"
)


def address_place(text: str) -> str | None:
    """The town of a postal address line: "Boston, MA" of "221 Baker St, Boston, MA 02116"."""
    for pattern in _ADDRESS_PLACE_RES:
        match = pattern.search(text)
        if match:
            place = match.group("place").strip()
            return place.rsplit(",", 2)[-2].strip() + "," + place.rsplit(",", 1)[1] if place.count(",") > 1 else place
    return None


def split_location(text: str) -> tuple[str, str | None]:
    """("Criteo", "Paris, France") from "Criteo, Paris, France": the longest trailing place after a comma."""
    pieces = [p.strip() for p in text.split(",")]
    for k in range(1, len(pieces)):
        tail = ", ".join(pieces[k:])
        if is_location(tail):
            return ", ".join(pieces[:k]), tail
    return text, None

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
_PRESENT = (
    r"(?:present|current|currently|now|today|ongoing|to date|date|heute|bis heute|aktuell|laufend|"
    r"aujourd'hui|actuel|présent|actualidad|presente|oggi)"
)
DATE_RANGE_RE = re.compile(
    rf"\(?(?P<start>{_DATE})\s*(?:-|\u2013|\u2014|~|to|until|till|through|thru)\s*(?P<end>{_DATE}|{_PRESENT})\)?",
    re.IGNORECASE,
)
SINCE_RE = re.compile(rf"\(?(?:since|from|seit|depuis|desde)\s+(?P<start>{_DATE})\)?", re.IGNORECASE)
SINGLE_DATE_RE = re.compile(rf"\(?(?:(?:expected|graduated|graduation|completed)\s*:?\s*)?(?P<date>{_DATE})\)?", re.IGNORECASE)
PRESENT_RE = re.compile(rf"^{_PRESENT}$", re.IGNORECASE)

TITLE_WORDS = re.compile(
    r"\b(?:engineer|developer|programmer|manager|director|lead|head|chief|officer|analyst|designer|architect|"
    r"consultant|intern|internship|nurse|specialist|scientist|researcher|coordinator|assistant|associate|"
    r"administrator|executive|representative|teacher|lecturer|professor|accountant|owner|founder|co-founder|"
    r"president|vp|cto|ceo|cfo|coo|partner|advisor|adviser|strategist|writer|editor|technician|agent|"
    r"supervisor|trainee|apprentice|fellow|principal|staff|senior|junior|sre|devops|recruiter|marketer|"
    r"product|clerk|therapist|pharmacist|physician|midwife|paramedic|carer|tutor|instructor|volunteer|"
    r"postdoc|postdoctoral|\w*(?:entwickler|manager|berater|leiter|ingenieur|referent|assistent|architekt|"
    r"praktikant|werkstudent|sachbearbeiter|mitarbeiter|kaufmann|kauffrau))\b",
    re.IGNORECASE,
)
COMPANY_WORDS = re.compile(
    r"\b(?:inc|ltd|llc|llp|plc|gmbh|ag|sa|bv|corp|corporation|co|company|group|holdings|technologies|"
    r"labs|bank|hospital|clinic|nhs|trust|agency|studio|studios|ventures|consulting|foundation|institute|se|kg|"
    r"oy|nv|pty|srl|spa|sarl|sas|gmbh & co|ug|e\.v|szpital|klinikum|krankenhaus|"
    r"university|college|council|ministry)\b\.?",
    re.IGNORECASE,
)
INSTITUTION_WORDS = re.compile(
    r"\b(?:\w*universit\w*|college|school|institute|academy|polytechnic|conservatory|\w*hochschule|école|ecole|"
    r"universidad|politecnico|polytechnique|iit|mit|akademie|gymnasium)\b",
    re.IGNORECASE,
)
DEGREE_RE = re.compile(
    r"\b(?:bachelor(?:'s)?|master(?:'s)?|doctor(?:ate)?|ph\.?\s?d\.?|mba|b\.?\s?sc?\.?|m\.?\s?sc?\.?|b\.?a\.?|"
    r"m\.?a\.?|b\.?eng\.?|m\.?eng\.?|b\.?tech|m\.?tech|ll\.?b|ll\.?m|m\.?d\.?|associate(?:'s)?|diploma|"
    r"b\.?com|m\.?com|b\.?ed|m\.?ed|m\.?phil|d\.?phil|bba|diplom|magister|licence|licenciatura|staatsexamen|"
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
    r"[abc][12]|muttersprache|fließend|verhandlungssicher|grundkenntnisse|gut|sehr gut|langue maternelle|"
    r"courant|nativo|nativa)\b",
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
            # A referee's email (in "References") is not the candidate's.
            "email": _first(EMAIL_RE, contact_lines) or _first(EMAIL_RE, _outside_other(header, sections)),
            "phone": normalise_phone(_phone(contact_lines) or _phone(lines[:15]), _location(contact_lines)),
            "location": _location(contact_lines),
        },
        "links": links,
        "skills": _skills(sections.get("skills", []) + _non_spoken(sections.get("languages", [])), text or ""),
        "experience": [_experience_entry(block) for block in _entries(sections.get("experience", []))],
        "education": [
            _education_entry(block) for block in _entries(sections.get("education", []), single_dates=True)
        ],
        "certifications": [_certification(item) for item in _certification_items(sections.get("certifications", []))],
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
    key = re.sub(r"[^\w ]|\d|_", "", line.lower().replace("&", " and ").replace("-", " ")).strip()
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
            in_skills = current is sections.get("skills")
            if head.strip().lower() not in _NOT_INLINE and rest.strip() and (
                not in_skills or (heading_of(head.strip()) == "languages" and _is_spoken(rest))
            ):
                section, inline = heading_of(head.strip()), rest.strip()
        if section is None:
            current.append(line)
            continue
        current = sections.setdefault(section, [])
        if inline:
            current.append(inline)
    return _trim(header), {k: _trim(v) for k, v in sections.items()}


def _outside_other(header: list[str], sections: dict[str, list[str]]) -> list[str]:
    return header + [line for key, lines in sections.items() if key != "other" for line in lines]


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


def normalise_phone(raw: str | None, location: str | None) -> str | None:
    """The phone in international format ("+1 206-555-0143"), its region taken from the resume's location
    when the number has no country code; as written when phonenumbers cannot read it."""
    if not raw:
        return None
    import phonenumbers

    region = None
    if location:
        last = location.rsplit(",", 1)[-1].strip()
        region = "US" if last in US_STATES else COUNTRIES.get(last.lower())
        region = region or COUNTRIES.get(location.strip().lower()) or CITY_REGIONS.get(location.split(",")[0].strip().lower())
    try:
        number = phonenumbers.parse(raw, None if raw.lstrip().startswith("+") else region or "US")
    except phonenumbers.NumberParseException:
        return raw
    if not phonenumbers.is_possible_number(number):
        return raw
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _segments(line: str) -> list[str]:
    return [s.strip() for s in re.split(r"\s*[|•·]\s*|\s{2,}|\t", line) if s.strip()]


def _is_contact_line(line: str) -> bool:
    return bool(EMAIL_RE.search(line) or URL_RE.search(line) or _phone([line]))


def _location(lines: list[str]) -> str | None:
    for line in lines:
        if EMAIL_RE.search(line) is None and (place := address_place(line)):
            return place
        for segment in _segments(line):
            segment = re.sub(r"^(?:location|address|based in)\s*:?\s*", "", segment, flags=re.IGNORECASE)
            if EMAIL_RE.search(segment) or URL_RE.search(segment):
                continue
            if is_location(segment):
                return segment
    return None


_NOT_A_NAME_RE = re.compile(
    r"^(?:last updated|updated|as of|curriculum vitae|cv|resume|résumé|lebenslauf|page \d)\b", re.IGNORECASE
)
_POST_NOMINALS_RE = re.compile(r",?\s+(?:RN|PhD|Ph\.D\.|MBA|MD|CPA|PE|MSc|BSc|MA|BA|Dr\.?)$")


def _name_and_headline(header: list[str]) -> tuple[str | None, str | None]:
    # A "Last updated" line, a "CURRICULUM VITAE" title or a street address is never the name.
    candidates = [
        line
        for line in header
        if line and not _is_contact_line(line) and not _location([line]) and not _NOT_A_NAME_RE.match(line)
        and not address_place(line)
    ]
    name = None
    rest = candidates
    if candidates:
        first = re.sub(r"^name\s*:\s*", "", candidates[0], flags=re.IGNORECASE)
        first = _POST_NOMINALS_RE.sub("", first)
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
        else:
            # A table row "Core | Java, Kotlin": the first cell labels the list in the second.
            head, sep, rest = line.partition(" | ")
            if sep and "," not in head and len(head.split()) <= 3 and "," in rest:
                line = rest
        for item in _LIST_SPLIT_RE.split(line):
            item = re.sub(r"\s*\((?:[^)]*)\)$", "", item).strip(" .")  # "Python (5 years)" -> "Python"
            if item and len(item.split()) <= 5 and len(item) <= 40:
                found.append(item)
    if found:
        return _unique(found)
    # No skills section: the lexicon's named skills found anywhere in the resume stand in for one.
    hits = []
    for field, term, pattern in lexicon_terms():
        # Single lower-case lexicon words ("backend", "latency") are topics, not skills to list.
        if field == "soft" or re.fullmatch(r"[a-z-]+", term):
            continue
        match = pattern.search(text)
        if match:
            hits.append((match.start(), term))
    return _unique(term for _, term in sorted(hits))


def _unique(skills) -> list[str]:
    unique: dict[str, str] = {}
    for skill in skills:
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
        if single_dates and starts and floor < i and _completes_education(content[floor - 1], content[floor]):
            floor += 1  # "Institution | 2016" over "BSc in Physics": the degree line ends that entry
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


def _completes_education(dated: str, line: str) -> bool:
    return bool(line) and bool(DEGREE_RE.search(line)) != bool(DEGREE_RE.search(dated))


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
    """Title, company and location from an entry's header parts, whatever their order: "Title, Company,
    City", "Company | Title", "Title at Company", a company line over a title line."""
    location = None
    pieces: list[str] = []
    for part in parts:
        if location is None and is_location(part):
            location = part
            continue
        at = re.match(r"^(?P<title>.+?)\s+(?:at|@|bei|chez)\s+(?P<company>[A-Z0-9].+)$", part)
        if at and TITLE_WORDS.search(at.group("title")):
            part_pieces = [at.group("title"), at.group("company")]
        else:
            part_pieces = [part]
        for piece in part_pieces:
            rest, place = split_location(piece) if location is None else (piece, None)
            if place:
                location = place
            # "Title, Company" on one line; a company's own comma ("Acme, Inc.") stays.
            chunks = [c.strip() for c in re.split(r",\s+(?!(?:inc|ltd|llc|gmbh|ag|plc|co)\b\.?)", rest, flags=re.IGNORECASE)]
            pieces.extend(c for c in chunks if c)
    pieces = [p for p in pieces if not re.fullmatch(r"[\W\d]*", p)]
    title = next((p for p in pieces if TITLE_WORDS.search(p) and not COMPANY_WORDS.search(p)), None)
    company = next((p for p in pieces if p is not title and COMPANY_WORDS.search(p)), None)
    leftovers = [p for p in pieces if p is not title and p is not company]
    if title is None and company is None and len(leftovers) >= 2:
        # Neither names itself: the common order is "Title, Company"; a "Company | Title" line has the
        # title words, so it was resolved above.
        title, company = leftovers.pop(0), leftovers.pop(0)
    if title is None and leftovers:
        title = leftovers.pop(0)
    if company is None and leftovers:
        company = leftovers.pop(0)
    if title is not None and company is None and len(pieces) == 1 and not TITLE_WORDS.search(title):
        title, company = None, title
    if location is None and leftovers and (is_location(leftovers[0]) or len(leftovers[0].split()) <= 3):
        location = leftovers.pop(0)
    if company is None and location and "," in location:
        # "Title - Grab, Singapore": the place took the company with it.
        company, _, location = location.partition(", ")
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
    pieces: list[str] = []
    for part in parts:
        # "Cambridge, MA, USA" is where, never the degree or the institution.
        rest, _place = split_location(part)
        if is_location(rest):
            continue
        pieces.extend(p.strip() for p in re.split(r",\s+|\s+[-\u2013\u2014]\s+", rest) if p.strip())
    institution = next((p for p in pieces if INSTITUTION_WORDS.search(p) and not DEGREE_RE.match(p)), None)
    degree_at = next((i for i, p in enumerate(pieces) if p is not institution and DEGREE_RE.search(p)), None)
    degree = pieces[degree_at] if degree_at is not None else None
    field = None
    if degree:
        degree, field = _degree_and_field(degree)
    leftovers = [
        p for i, p in enumerate(pieces) if p is not institution and i != degree_at and not is_location(p)
    ]
    if institution is None and leftovers:
        institution = leftovers.pop(0)
    # "Bachelor of Arts, Design": the field follows the degree.
    follows = degree_at is not None and degree_at + 1 < len(pieces) and leftovers and pieces[degree_at + 1] == leftovers[0]
    if field is None and degree and follows and not DEGREE_RE.search(leftovers[0]):
        field = leftovers.pop(0)
    return {
        "institution": institution,
        "degree": degree,
        "field_of_study": field,
        "start_date": start,
        "end_date": end,
        "details": _items(body),
    }


def _degree_and_field(text: str) -> tuple[str, str | None]:
    """("BSc", "Computer Science") from "BSc in Computer Science"; "Bachelor of Nursing" stays whole."""
    match = re.match(r"^(?P<degree>.+?)\s+(?:in|im|en|of science in|of arts in)\s+(?P<field>[^\W\d_].*)$", text)
    if match and DEGREE_RE.search(match.group("degree")):
        return match.group("degree").strip(), match.group("field").strip(" ,")
    match = re.match(r"^(?P<degree>[A-Z][A-Za-z.]{1,6}(?:\s*\(Hons?\.?\))?)\s+(?P<field>[A-Z][\w&' -]+)$", text)
    if match and DEGREE_RE.match(match.group("degree")):  # "BSc Computer Science", "BSc (Hons) Nursing"
        return match.group("degree"), match.group("field").strip()
    return text.strip(), None


def _certification_items(lines: list[str]) -> list[str]:
    """Items of the certifications section; "Issuer, 2018" on the line under a name belongs to it."""
    items: list[str] = []
    for item in _items(lines):
        if items and re.fullmatch(r"[^,\d]+,\s*(?:19|20)\d{2}", item) and not _has_single_date(items[-1]):
            items[-1] = f"{items[-1]} \u2013 {item}"
        else:
            items.append(item)
    return items


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


# Language names as resumes in other languages write them, to the English name.
LANGUAGE_ALIASES = {
    "deutsch": "German", "englisch": "English", "französisch": "French", "spanisch": "Spanish",
    "italienisch": "Italian", "polnisch": "Polish", "russisch": "Russian", "türkisch": "Turkish",
    "niederländisch": "Dutch", "portugiesisch": "Portuguese", "chinesisch": "Chinese", "arabisch": "Arabic",
    "anglais": "English", "français": "French", "allemand": "German", "espagnol": "Spanish",
    "inglés": "English", "español": "Spanish", "alemán": "German", "francés": "French",
}


def _language_name(word: str) -> str | None:
    low = word.lower()
    if low in LANGUAGE_NAMES:
        return word.capitalize()
    return LANGUAGE_ALIASES.get(low)


def _is_spoken(line: str) -> bool:
    return any(_language_name(word) for word in re.findall(r"[^\W\d_]+", line))


def _non_spoken(lines: list[str]) -> list[str]:
    """Lines of a "Languages" section that name no spoken language list programming languages."""
    return [line for line in lines if line and not _is_spoken(line)]


def _languages(lines: list[str]) -> list[dict[str, Any]]:
    result = []
    seen = set()
    for line in lines:
        for item in re.split(r"\s*[,;|•·]\s*", _strip_bullet(line)):
            words = re.findall(r"[^\W\d_]+", item)
            language = next((name for name in map(_language_name, words) if name), None)
            if language is None or language in seen:
                continue
            seen.add(language)
            proficiency = PROFICIENCY_RE.search(item)
            result.append({"language": language, "proficiency": proficiency.group(0).lower() if proficiency else None})
    return result
