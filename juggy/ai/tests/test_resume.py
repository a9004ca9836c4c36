# ruff: noqa: RUF001 - real resumes use en dashes in date ranges; the parser must read them
"""juggy.ai.resume: the built-in section-and-entity parser, and the openai path against a loopback server."""

import jsonschema
import pytest

from juggy.ai.resume import RESUME_SCHEMA, normalise_date, parse_resume, structure_resume
from testsupport.openai_server import Reply

RESUME = """JANE DOE
Senior Backend Engineer
jane.doe@example.com | +44 20 7946 0958 | London, UK
linkedin.com/in/janedoe | https://github.com/janedoe

PROFESSIONAL SUMMARY
Backend engineer with 8 years of experience building distributed systems
in Python and Go.

EXPERIENCE
Senior Software Engineer, Acme Payments Ltd    Jan 2020 – Present
• Led migration of the ledger to PostgreSQL, cutting p99 latency by 40%
• Mentored 4 engineers and ran the on-call
rotation for the payments team
Software Engineer | Globex Corporation | Berlin, Germany
03/2016 - 12/2019
- Built Kafka pipelines processing 2M events a day

EDUCATION
University of Manchester
BSc in Computer Science, 2012 - 2015

SKILLS
Languages: Python, Go, SQL
Infrastructure: Docker, Kubernetes (3 years), AWS; Terraform

CERTIFICATIONS
AWS Certified Solutions Architect – Amazon Web Services, 2021
Certified Kubernetes Administrator (CNCF) 2022

LANGUAGES
English (native), German – B2, French: basic
"""

OTHER_LAYOUT = """Maria Garcia
maria@garcia.dev · (415) 555-0132 · Austin, TX · www.mariagarcia.dev

Work History
Initech Inc.
Product Manager    June 2017 to May 2018
Owned the roadmap for the billing product.
Data Analyst at Hooli (Sept 2015 - 2017)
* Built Tableau dashboards for 300 users

Education
MBA, Harvard Business School, 2015
Bachelor of Science in Economics — Universidad de Chile (2008 – 2012)

Skills: Product strategy • A/B testing • SQL
"""


def test_builtin_parser_contact_and_summary():
    resume = parse_resume(RESUME)
    jsonschema.validate(resume, RESUME_SCHEMA)
    assert resume["name"] == "Jane Doe"
    assert resume["headline"] == "Senior Backend Engineer"
    assert resume["summary"] == "Backend engineer with 8 years of experience building distributed systems in Python and Go."
    assert resume["contact"] == {"email": "jane.doe@example.com", "phone": "+44 20 7946 0958", "location": "London, UK"}
    assert resume["links"] == [
        {"label": "linkedin", "url": "https://linkedin.com/in/janedoe"},
        {"label": "github", "url": "https://github.com/janedoe"},
    ]


def test_builtin_parser_experience_entries():
    first, second = parse_resume(RESUME)["experience"]
    assert first == {
        "title": "Senior Software Engineer",
        "company": "Acme Payments Ltd",
        "location": None,
        "start_date": "2020-01",
        "end_date": None,
        "is_current": True,
        "highlights": [
            "Led migration of the ledger to PostgreSQL, cutting p99 latency by 40%",
            "Mentored 4 engineers and ran the on-call rotation for the payments team",
        ],
    }
    assert (second["title"], second["company"], second["location"]) == ("Software Engineer", "Globex Corporation", "Berlin, Germany")
    assert (second["start_date"], second["end_date"], second["is_current"]) == ("2016-03", "2019-12", False)


def test_builtin_parser_education_skills_certifications_languages():
    resume = parse_resume(RESUME)
    assert resume["education"] == [
        {
            "institution": "University of Manchester",
            "degree": "BSc",
            "field_of_study": "Computer Science",
            "start_date": "2012",
            "end_date": "2015",
            "details": [],
        }
    ]
    skills = resume["skills"]
    # The skills section's items, without their category labels; terms named only in bullets are not
    # skills listed by the candidate (the planner still reads the bullets).
    assert skills == ["Python", "Go", "SQL", "Docker", "Kubernetes", "AWS", "Terraform"]
    no_section = parse_resume(RESUME.split("SKILLS")[0])["skills"]
    assert "PostgreSQL" in no_section and "Kafka" in no_section  # without a skills section, lexicon terms stand in
    assert "latency" not in no_section  # a topic, not a skill
    assert resume["certifications"] == [
        {"name": "AWS Certified Solutions Architect", "issuer": "Amazon Web Services", "date": "2021"},
        {"name": "Certified Kubernetes Administrator", "issuer": "CNCF", "date": "2022"},
    ]
    assert resume["languages"] == [
        {"language": "English", "proficiency": "native"},
        {"language": "German", "proficiency": "b2"},
        {"language": "French", "proficiency": "basic"},
    ]


def test_builtin_parser_other_layout():
    resume = parse_resume(OTHER_LAYOUT)
    jsonschema.validate(resume, RESUME_SCHEMA)
    # A national number is read in the region of the resume's location (Texas: +1).
    assert resume["contact"] == {"email": "maria@garcia.dev", "phone": "+1 415-555-0132", "location": "Austin, TX"}
    assert resume["links"] == [{"label": "website", "url": "https://www.mariagarcia.dev"}]
    product, analyst = resume["experience"]
    assert (product["title"], product["company"], product["start_date"], product["end_date"]) == (
        "Product Manager", "Initech Inc.", "2017-06", "2018-05",
    )
    assert product["highlights"] == ["Owned the roadmap for the billing product."]
    assert (analyst["title"], analyst["company"], analyst["start_date"], analyst["end_date"]) == (
        "Data Analyst", "Hooli", "2015-09", "2017",
    )
    mba, bsc = resume["education"]
    assert (mba["institution"], mba["degree"], mba["end_date"]) == ("Harvard Business School", "MBA", "2015")
    assert (bsc["institution"], bsc["field_of_study"], bsc["start_date"]) == ("Universidad de Chile", "Economics", "2008")
    assert resume["skills"][:3] == ["Product strategy", "A/B testing", "SQL"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Jan 2020", "2020-01"),
        ("January 2020", "2020-01"),
        ("Sept. 2019", "2019-09"),
        ("Dec '18", "2018-12"),
        ("03/2019", "2019-03"),
        ("2019-11", "2019-11"),
        ("2018", "2018"),
        ("Summer 2017", "2017"),
        ("13/2019", "2019"),
    ],
)
def test_date_formats(raw, expected):
    assert normalise_date(raw) == expected


@pytest.mark.parametrize("present", ["Present", "current", "Now", "today"])
def test_present_marks_current(present):
    (entry,) = parse_resume(f"Experience\nEngineer, Acme Ltd   2019 - {present}\n- Did things")["experience"]
    assert entry["is_current"] is True and entry["end_date"] is None and entry["start_date"] == "2019"


def test_empty_and_sectionless_text_still_match_schema():
    for text in ("", "just some words", "Experience\n\nSkills\n"):
        resume = parse_resume(text)
        jsonschema.validate(resume, RESUME_SCHEMA)
        assert resume["experience"] == [] and resume["education"] == []


@pytest.mark.django_db
def test_structure_resume_uses_builtin_parser_by_default(settings):
    settings.AI_PROVIDER = "builtin"
    assert structure_resume(RESUME) == parse_resume(RESUME)


@pytest.mark.django_db
def test_structure_resume_with_openai_sends_schema_and_returns_model_json(openai_settings):
    expected = parse_resume(OTHER_LAYOUT)
    openai_settings.script(Reply.json(expected))

    assert structure_resume(OTHER_LAYOUT) == expected

    (request,) = openai_settings.requests
    assert request.path == "/v1/chat/completions"
    assert request.body["model"] == "loopback-analysis-model"
    fmt = request.body["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["name"] == "resume"
    assert fmt["json_schema"]["schema"]["properties"]["experience"] == RESUME_SCHEMA["properties"]["experience"]
    assert request.body["messages"][-1] == {"role": "user", "content": OTHER_LAYOUT}


@pytest.mark.django_db
def test_model_output_that_breaks_the_schema_falls_back_to_the_builtin_parser(openai_settings):
    # Twice: the provider asks the model once more before giving up on invalid output.
    openai_settings.script(Reply.json({"name": "Jane"}), Reply.json({"name": "Jane"}))
    assert structure_resume(RESUME) == parse_resume(RESUME)


@pytest.mark.django_db
def test_a_failing_model_falls_back_unless_a_transient_error_may_be_retried(openai_settings):
    from juggy.ai.errors import ProviderError

    openai_settings.script(Reply.error(400, "model not found"))
    assert structure_resume(RESUME) == parse_resume(RESUME)

    openai_settings.script(*[Reply.error(503)] * 8)
    with pytest.raises(ProviderError) as caught:
        structure_resume(RESUME, retry_transient=True)
    assert caught.value.transient
    openai_settings.script(*[Reply.error(503)] * 8)
    assert structure_resume(RESUME) == parse_resume(RESUME)  # the last attempt never ends empty


@pytest.mark.django_db
def test_an_empty_model_resume_does_not_replace_the_builtin_facts(openai_settings):
    empty = {
        "name": None, "headline": None, "summary": None, "contact": {"email": None, "phone": None, "location": None},
        "links": [], "skills": [], "experience": [], "education": [], "certifications": [], "languages": [],
    }
    openai_settings.script(Reply.json(empty))
    assert structure_resume(RESUME)["name"] == "Jane Doe"
