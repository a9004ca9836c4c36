import pytest
from django.core.files.uploadedfile import SimpleUploadedFile


@pytest.fixture
def upload():
    """POST a document to /media/upload (or v2) as multipart; returns the response."""

    def post(client, data: bytes, *, name="resume.pdf", v2=False, **fields):
        body = {"file": SimpleUploadedFile(name, data, content_type="application/octet-stream"), **fields}
        return client.post("/media/upload/v2" if v2 else "/media/upload", body, format="multipart")

    return post
