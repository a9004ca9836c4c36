"""Production mode: a worker killed mid-parse (issue 15). Its extraction child dies with it, and a new
worker with the periodic sweep (Celery beat) finishes the job within two minutes instead of the
broker's one-hour visibility timeout."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from interviews_app.tests.live import database_url
from media_app.models import Media
from media_app.tests.documents import multipage_pdf

pytestmark = [pytest.mark.production, pytest.mark.django_db(transaction=True)]

STUCK_AFTER = 8  # WORK_STUCK_AFTER_SECONDS for the workers here (default: the task time limit + 60 s)


@pytest.fixture
def _eager_tasks():
    """Overrides media_app's conftest: these uploads go through the real broker."""
    yield


def start_worker(tmp_path: Path, name: str, *extra: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(DATABASE_URL=database_url(tmp_path), SECRET_KEY=settings.SECRET_KEY, MEDIA_ROOT=str(settings.MEDIA_ROOT),
               JUGGY_ENV_FILE=str(tmp_path / "no.env"), WORK_STUCK_AFTER_SECONDS=str(STUCK_AFTER),
               SWEEP_INTERVAL_SECONDS="2", DB_POOL_MAX_SIZE="0")
    log = open(tmp_path / f"{name}.log", "wb")  # noqa: SIM115 - the process owns it
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "juggy", "worker", "--pool", "solo", "--loglevel", "INFO",
         "--hostname", f"{name}@%h", *extra],
        cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)


def children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False


def wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def test_killed_worker_mid_parse_the_job_finishes_on_a_new_worker(api_client, tmp_path):
    from juggy.celery import app

    app.control.purge()
    first = start_worker(tmp_path, "first")
    try:
        response = api_client.post("/media/upload", {"file": _upload(multipage_pdf(150))}, format="multipart")
        assert response.status_code == 201, response.content
        media_id = response.json()["mediaId"]

        # Mid-task: the worker has claimed the parse and started its extraction child. Kill it by PID.
        wait_for(lambda: Media.objects.get(pk=media_id).state == "parsing", 60, "the first worker to claim the parse")
        extraction = wait_for(lambda: children(first.pid), 10, "the extraction child")[0]
        os.kill(first.pid, signal.SIGKILL)
        first.wait(10)
        wait_for(lambda: not alive(extraction), 5, "the orphaned extraction child to die with its worker")
        assert Media.objects.get(pk=media_id).state == "parsing"  # stuck, as the dead worker left it

        second = start_worker(tmp_path, "second", "--beat", "--schedule", str(tmp_path / "beat-schedule"))
        try:
            started = time.monotonic()
            try:
                wait_for(lambda: Media.objects.get(pk=media_id).state in ("parsed", "failed"), 120, "the job to settle")
            except AssertionError as exc:
                raise AssertionError(f"{exc}; worker log: {(tmp_path / 'second.log').read_text()[-3000:]}") from None
            media = Media.objects.get(pk=media_id)
            assert media.state == "parsed", media.parse_error
            assert media.page_count == 150
            assert time.monotonic() - started < 120
        finally:
            second.terminate()
            second.wait(20)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()


def _upload(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("long.pdf", data, content_type="application/pdf")
