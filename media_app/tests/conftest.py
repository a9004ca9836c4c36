import pytest
from django.core.files.uploadedfile import SimpleUploadedFile


@pytest.fixture
def upload():
    """POST a document to /media/upload (or v2) as multipart; returns the response."""

    def post(client, data: bytes, *, name="resume.pdf", v2=False, **fields):
        body = {"file": SimpleUploadedFile(name, data, content_type="application/octet-stream"), **fields}
        return client.post("/media/upload/v2" if v2 else "/media/upload", body, format="multipart")

    return post


@pytest.fixture(autouse=True)
def _eager_tasks(request):
    """Run the parse task in-process in both modes, so the HTTP tests see its result; only tests that
    use the real `celery_worker` go through the broker."""
    if "celery_worker" in request.fixturenames:
        yield
        return
    from juggy.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous
