"""A curated skills lexicon, grouped by field, used to pull skills out of job descriptions and resumes.

Terms are matched on word boundaries, case-insensitively, except those in ``CASE_SENSITIVE`` (short names
like Go or R that are also ordinary words). Each field names the competency its technical questions probe.
"""

from __future__ import annotations

import re
from functools import cache

FIELDS: dict[str, dict[str, object]] = {
    "software": {
        "label": "software engineering",
        "terms": """Python|Java|Go|Golang|Rust|C++|C#|Ruby|PHP|Kotlin|Scala|TypeScript|JavaScript|Node.js|
        Django|Flask|FastAPI|Spring|Rails|.NET|REST|GraphQL|gRPC|API design|APIs|microservices|
        distributed systems|system design|PostgreSQL|MySQL|SQL|NoSQL|MongoDB|Redis|Kafka|RabbitMQ|Celery|
        message queues|caching|concurrency|performance tuning|scalability|observability|monitoring|logging|
        unit testing|integration testing|test-driven development|TDD|code review|CI/CD|Git|Docker|
        Kubernetes|Terraform|AWS|GCP|Azure|Linux|security|authentication|OAuth|data modelling|
        database design|backend|frontend|React|Vue|Angular|HTML|CSS|mobile|iOS|Android|Swift|
        algorithms|data structures|debugging|incident response|on-call|SRE|latency|throughput|
        event-driven|serverless|Elasticsearch|ORM|migrations""",
    },
    "data": {
        "label": "data and analytics",
        "terms": """machine learning|deep learning|statistics|A/B testing|experimentation|pandas|NumPy|
        scikit-learn|PyTorch|TensorFlow|Spark|Airflow|dbt|data pipelines|ETL|data warehouse|Snowflake|
        BigQuery|Tableau|Power BI|Looker|dashboards|R|regression|forecasting|NLP|LLMs|feature engineering|
        data quality|SQL|analytics|metrics|Excel""",
    },
    "product": {
        "label": "product management",
        "terms": """product strategy|roadmap|roadmaps|prioritisation|prioritization|user research|
        customer discovery|discovery|product discovery|stakeholder management|stakeholders|OKRs|KPIs|
        metrics|A/B testing|experimentation|go-to-market|product-market fit|user stories|backlog|agile|
        Scrum|Jira|PRDs|requirements|wireframes|prototyping|analytics|retention|activation|conversion|
        growth|pricing|monetisation|B2B|SaaS|launch|MVP|product analytics|Amplitude|Mixpanel|
        customer interviews|competitive analysis|trade-offs|cross-functional|engineering partners""",
    },
    "design": {
        "label": "design",
        "terms": """UX|UI|user experience|interaction design|visual design|Figma|Sketch|design systems|
        usability testing|accessibility|WCAG|information architecture|user journeys|personas|prototypes|
        typography""",
    },
    "healthcare": {
        "label": "clinical practice",
        "terms": """patient care|patient safety|medication administration|medication safety|triage|
        assessment|patient assessment|care plans|care planning|wound care|infection control|IV therapy|
        vital signs|charting|documentation|electronic health records|EHR|EMR|Epic|Cerner|BLS|ACLS|PALS|
        critical care|ICU|emergency department|acute care|med-surg|paediatrics|pediatrics|oncology|
        telemetry|discharge planning|patient education|escalation|deteriorating patient|sepsis|HIPAA|
        clinical governance|safeguarding|NMC|registered nurse|RN|nursing|handover|shift handover|
        multidisciplinary team|MDT|falls prevention|pain management|palliative care|mental health|
        de-escalation|infection prevention|hand hygiene|clinical judgement|clinical judgment""",
    },
    "sales": {
        "label": "sales",
        "terms": """prospecting|lead generation|pipeline|pipeline management|quota|closing|negotiation|
        cold calling|outbound|inbound|account management|account executive|CRM|Salesforce|HubSpot|
        discovery calls|demos|objection handling|enterprise sales|SaaS sales|upselling|cross-selling|
        renewals|churn|forecasting|territory|MEDDIC|SPIN|solution selling|revenue|deal size|win rate|
        customer relationships|key accounts|RFPs""",
    },
    "marketing": {
        "label": "marketing",
        "terms": """SEO|SEM|content marketing|email marketing|social media|paid acquisition|PPC|
        Google Ads|brand|branding|campaigns|marketing automation|copywriting|CAC|LTV|funnel|
        demand generation|positioning|messaging|Google Analytics|attribution|influencer marketing""",
    },
    "finance": {
        "label": "finance",
        "terms": """financial modelling|financial modeling|budgeting|forecasting|accounting|GAAP|IFRS|
        audit|reconciliation|accounts payable|accounts receivable|month-end close|variance analysis|
        FP&A|cash flow|P&L|valuation|risk management|compliance|tax|payroll|ERP|SAP|NetSuite|Excel""",
    },
    "support": {
        "label": "customer support",
        "terms": """customer service|customer support|customer success|ticketing|Zendesk|Intercom|
        SLAs|CSAT|NPS|escalations|troubleshooting|onboarding|knowledge base|first response time|
        complaint handling|de-escalation""",
    },
    "operations": {
        "label": "operations",
        "terms": """operations|logistics|supply chain|inventory|procurement|vendor management|
        process improvement|Lean|Six Sigma|KPIs|scheduling|forecasting|quality assurance|health and safety|
        budget|project management|PMP|Prince2|risk register|stakeholder management""",
    },
    "education": {
        "label": "teaching",
        "terms": """lesson planning|curriculum|classroom management|differentiation|assessment|
        safeguarding|SEN|special educational needs|behaviour management|pastoral care|feedback|
        learning outcomes|student engagement|parents""",
    },
    "people": {
        "label": "people and HR",
        "terms": """recruiting|talent acquisition|sourcing|interviewing|onboarding|employee relations|
        performance management|compensation|benefits|HRIS|Workday|employment law|diversity|inclusion|
        retention|learning and development""",
    },
}

# Words that are names only when capitalised as written.
CASE_SENSITIVE = frozenset({"Go", "R", "Spring", "Rust", "Swift", "Epic", "Lean", "SPIN", "Excel", "RN", "SAP", "ICU", "MDT", "SEN"})

# Soft skills are not field-specific; they feed behavioural questions and keyword lists.
SOFT_SKILLS = ["communication", "leadership", "mentoring", "collaboration", "teamwork", "ownership", "problem solving", "time management", "prioritisation", "attention to detail", "empathy", "adaptability", "conflict resolution", "decision making", "coaching", "presentation"]


def _pattern(term: str) -> re.Pattern[str]:
    flags = 0 if term in CASE_SENSITIVE else re.IGNORECASE
    return re.compile(r"(?<![\w+#/])" + re.escape(term) + r"(?![\w+#]|/\w)", flags)


@cache
def compiled() -> list[tuple[str, str, re.Pattern[str]]]:
    """(field, term, pattern) for every term, longest terms first so 'API design' wins over 'APIs'."""
    entries = []
    for field, spec in FIELDS.items():
        for raw in str(spec["terms"]).split("|"):
            term = raw.strip()
            if term:
                entries.append((field, term, _pattern(term)))
    for term in SOFT_SKILLS:
        entries.append(("soft", term, _pattern(term)))
    entries.sort(key=lambda e: -len(e[1]))
    return entries


def field_label(field: str) -> str:
    spec = FIELDS.get(field)
    return str(spec["label"]) if spec else "the role"
