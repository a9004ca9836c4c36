"""Listing benchmark: SQL queries and latency of every /session/get-all version at 10, 1,000 and
10,000 sessions of one user.

    .venv/bin/python bench/session_listings.py            # embedded (a throwaway SQLite file)
    DATABASE_URL=postgres://.../juggy_bench .venv/bin/python bench/session_listings.py

It creates its own database tables (Django's test database machinery) and drops them afterwards.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "juggy.settings")
os.environ.setdefault("DEBUG", "1")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

SIZES = (10, 1000, 10000)
REPEAT = 5


def populate(user, org, target: int) -> None:
    from conversations.models import Conversation
    from sessions_app.models import Session

    have = Session.objects.filter(user=user).count()
    conversations, rows = [], []
    for i in range(have, target):
        enterprise = i % 3 == 0
        conversation = Conversation(
            origin=Conversation.Origin.VAPI_SESSION, job={"target_role": "Backend engineer"},
            plan={"questions": [{"id": "q1", "text": "Why?", "competency": "motivation", "kind": "introduction"}]},
            analysis_status="done", analysis_score=3.0 + (i % 3) / 2, analysis={"recommendation": "hire"},
        )
        conversations.append(conversation)
        rows.append(Session(
            conversation=conversation, user=user, kind="enterprise" if enterprise else "standard",
            organisation=org if enterprise else None, assessment_area=f"Area {i}",
            context={"target_role": "Backend engineer", "target_company": "Acme"},
        ))
    Conversation.objects.bulk_create(conversations, batch_size=1000)
    Session.objects.bulk_create(rows, batch_size=1000)


def main() -> None:
    from django.conf import settings
    from django.test.utils import get_runner

    setup_test_environment()
    runner = get_runner(settings)(verbosity=0, interactive=False)
    old = runner.setup_databases()
    try:
        from juggy.accounts.models import Membership, Organisation, User
        from juggy.accounts.services import token_create
        from sessions_app.listings import VERSIONS

        user = User.objects.create_user("bench", password="x")
        org = Organisation.objects.create(name="Bench org", slug="bench-org")
        Membership.objects.create(user=user, organisation=org)
        _, key = token_create(user=user, name="bench")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")

        print(f"database: {connection.vendor}")
        print(f"{'version':<10} {'sessions':>8} {'queries':>8} {'rows':>6} {'median ms':>10}")
        for size in SIZES:
            populate(user, org, size)
            for name, version in VERSIONS.items():
                path = "/" + version.path + ("?limit=100" if version.pagination != "none" else "")
                client.get(path)
                timings = []
                for _ in range(REPEAT):
                    with CaptureQueriesContext(connection) as queries:
                        start = time.perf_counter()
                        response = client.get(path)
                        timings.append((time.perf_counter() - start) * 1000)
                    assert response.status_code == 200, response.content[:300]
                body = response.json()
                rows = len(body) if isinstance(body, list) else len(body["items"])
                print(f"{name:<10} {size:>8} {len(queries):>8} {rows:>6} {statistics.median(timings):>10.1f}")
    finally:
        runner.teardown_databases(old)


if __name__ == "__main__":
    main()
