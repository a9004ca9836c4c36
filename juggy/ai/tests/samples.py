"""Job contexts and answers shared by the juggy.ai tests."""

from juggy.ai.types import Competency, JobContext

BACKEND = JobContext(
    target_role="Senior Backend Engineer",
    target_company="Acme Payments",
    job_description=(
        "Acme Payments is hiring a Senior Backend Engineer to design and run the Python services behind our "
        "payments API. You will build Django and FastAPI services on PostgreSQL and Redis, stream events "
        "through Kafka, and deploy on Kubernetes. We care about distributed systems, observability and "
        "incident response. You will review code, mentor engineers and own services in production."
    ),
    resume={
        "summary": "Backend engineer with 7 years of experience building APIs.",
        "skills": ["Python", "Django", "PostgreSQL", "Redis", "Docker"],
        "experience": [
            {
                "company": "Globex",
                "title": "Software Engineer",
                "start": "2019",
                "end": "present",
                "highlights": [
                    "Maintained internal tooling",
                    "Cut checkout API p99 latency by 40% by moving hot queries to Redis",
                ],
            }
        ],
    },
    experience="7 years",
)

PRODUCT = JobContext(
    target_role="Product Manager",
    target_company="Brightside",
    job_description=(
        "Brightside is looking for a Product Manager to own our mobile onboarding. You will run user research "
        "and customer interviews, define the roadmap, set OKRs, prioritise the backlog with engineering partners, "
        "and use A/B testing and product analytics in Amplitude to improve activation and retention."
    ),
    resume_text=(
        "Associate Product Manager, Fintechly (2021-2024)\n"
        "- Led discovery with 30 customer interviews that reshaped the savings roadmap\n"
        "- Ran A/B tests on onboarding that raised activation from 41% to 55%\n"
    ),
    current_role="Associate Product Manager",
    current_company="Fintechly",
)

NURSE = JobContext(
    target_role="Registered Nurse, Acute Medical Ward",
    target_company="St Mary's Hospital",
    job_description=(
        "We are recruiting a Registered Nurse for our busy acute medical ward. Responsibilities include patient "
        "assessment, medication administration, care planning, wound care and accurate documentation in Epic. "
        "You will recognise the deteriorating patient, escalate concerns, follow infection control policy and "
        "work within the multidisciplinary team. BLS required; ACLS desirable."
    ),
    resume={
        "experience": [
            {
                "company": "City General Hospital",
                "title": "Staff Nurse",
                "highlights": ["Introduced a sepsis screening checklist that cut time to antibiotics from 90 to 45 minutes"],
            }
        ],
        "skills": ["BLS", "medication administration", "wound care"],
    },
)

ENTERPRISE = JobContext(
    mode="enterprise",
    target_role="Customer Support Lead",
    target_company="Helpdeskly",
    job_description="Lead a team of support agents handling escalations in Zendesk.",
    competencies=[
        Competency("leadership", "Leadership", "Leading and developing a support team", {1: "No evidence", 5: "Builds strong teams"}),
        Competency("customer_focus", "Customer focus", "Resolving customer escalations and complaints"),
    ],
    fixed_questions=[
        "Tell me about a time you turned around an underperforming team member.",
        "How do you handle an escalation from a customer threatening to cancel?",
    ],
)

GOOD_ANSWERS = {
    "introduction": (
        "I'm a backend engineer with seven years of experience, most recently at Globex where I own the checkout "
        "services in Python and Django. I want this role because payments reliability is the problem I enjoy "
        "most, and Acme's scale on Kafka and Kubernetes is the next step for me."
    ),
    "generic": (
        "At Globex last year our checkout API had a p99 latency of 900 ms during sales, and my task was to bring "
        "it under 300 ms. I profiled the endpoints, found three PostgreSQL queries doing sequential scans, added "
        "two indexes and moved the hottest lookups to Redis with a five minute expiry. I also added tracing in "
        "Grafana so we could see regressions. As a result p99 dropped by 40 percent to 280 ms and checkout "
        "errors fell from 2% to 0.3%, which the finance team estimated saved about $50k a month."
    ),
}
THIN_ANSWER = "I guess I just did what was needed, you know."
