"""POST /media/upload and /media/upload/v2 through HTTP, embedded mode (the parse task runs eagerly)."""

import io
import zipfile

import pytest
from django.core.files.storage import default_storage

from media_app.models import Media
from media_app.tests.documents import RESUME_LINES, multipage_pdf, resume_docx, resume_pdf

pytestmark = pytest.mark.django_db(transaction=True)


def test_upload_pdf_parses_text_pages_and_language(api_client, upload, user):
    response = upload(api_client, resume_pdf(), to_parse="true")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["message"] == "document parsed successfully"
    assert body["state"] == "parsed"
    media = Media.objects.get(pk=body["mediaId"])
    assert media.owner == user
    assert media.content_type == "application/pdf" and media.extension == ".pdf"
    assert media.page_count == 1 and media.language == "en"
    assert media.text.startswith("JANE DOE\nSenior Backend Engineer")
    assert "AWS Certified Solutions Architect" in media.text
    # The wrapped bullet keeps its words; nothing is lost between lines.
    assert "ran the on-call rotation for the payments\nteam" in media.text
    assert media.structure_state == "none" and media.structured is None
    assert media.sha256 and media.size == len(resume_pdf())


def test_multipage_pdf_is_joined_with_page_breaks_and_page_numbers_removed(api_client, upload):
    response = upload(api_client, multipage_pdf(3, lines_per_page=5))

    media = Media.objects.get(pk=response.json()["mediaId"])
    assert media.page_count == 3
    assert "Page 1 of 3" not in media.text
    sections = [line for line in media.text.splitlines() if line.startswith("Section")]
    assert sections == [f"Section {n}: delivery of the payments platform" for n in (1, 2, 3)]
    # Each page's text ends before the next page's begins, with a blank line between them.
    assert "millions of requests.\n\nSection 2:" in media.text and "millions of requests.\n\nSection 3:" in media.text


def test_upload_docx_with_bullets_header_and_table(api_client, upload):
    response = upload(api_client, resume_docx(), name="cv.docx")

    media = Media.objects.get(pk=response.json()["mediaId"])
    assert media.state == "parsed", media.parse_error
    assert media.content_type.endswith("wordprocessingml.document") and media.extension == ".docx"
    assert media.text.splitlines()[0] == "Maria Garcia"  # from the page header
    assert "• Grew paid conversion by 12% with a redesigned checkout" in media.text
    assert "Product strategy, A/B testing | SQL, Amplitude" in media.text


def test_plain_text_is_normalised(api_client, upload):
    raw = "Jane  Doe\r\nData\u00a0Engineer\r\n\r\n\r\n\r\nI led the manage-\nment of pipelines at ﬁnance teams.\fPage two\n".encode()
    response = upload(api_client, raw, name="notes.txt")

    media = Media.objects.get(pk=response.json()["mediaId"])
    assert media.text == "Jane Doe\nData Engineer\n\nI led the management of pipelines at finance teams.\n\nPage two"
    assert media.page_count == 2


def test_v2_builds_structured_resume(api_client, upload):
    response = upload(api_client, resume_pdf(), v2=True)

    assert response.status_code == 201
    # The contract's message; the structuring has its own field.
    assert response.json()["message"] == "document parsed successfully"
    assert (response.json()["structureState"], response.json()["structureError"]) == ("done", None)
    detail = api_client.get(f"/media/{response.json()['mediaId']}").json()
    assert detail["structureState"] == "done"
    resume = detail["structured"]
    assert resume["name"] == "Jane Doe"
    assert resume["contact"] == {"email": "jane.doe@example.com", "phone": "+44 20 7946 0958", "location": "London, UK"}
    first = resume["experience"][0]
    assert (first["title"], first["company"], first["startDate"], first["isCurrent"]) == (
        "Senior Software Engineer",
        "Acme Payments Ltd",
        "2020-01",
        True,
    )
    assert first["highlights"][1] == "Mentored four engineers and ran the on-call rotation for the payments team"
    assert resume["experience"][1]["company"] == "Globex Corporation"
    assert resume["education"][0]["institution"] == "University of Manchester"
    assert {"Python", "Go", "Kubernetes", "Terraform"} <= set(resume["skills"])


def test_to_parse_false_only_stores(api_client, upload):
    response = upload(api_client, resume_pdf(), to_parse="false", v2=True)

    assert response.status_code == 201
    assert response.json()["message"] == "document uploaded"
    media = Media.objects.get(pk=response.json()["mediaId"])
    assert media.state == "uploaded" and media.text == "" and media.structure_state == "none"
    assert default_storage.exists(media.file.name)


# --- Bad input ---------------------------------------------------------------------------------------


def test_no_file_is_400(api_client):
    response = api_client.post("/media/upload", {"to_parse": "true"}, format="multipart")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert "file" in response.json()["error"]["details"]
    assert not Media.objects.exists()


def test_empty_file_is_400(api_client, upload):
    response = upload(api_client, b"")
    assert response.status_code == 400
    assert "file" in response.json()["error"]["details"]
    assert not Media.objects.exists()


def test_over_size_limit_is_413(api_client, upload, settings):
    settings.MEDIA_MAX_UPLOAD_BYTES = 1000
    response = upload(api_client, b"a" * 1001, name="big.txt")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "file_too_large"
    assert response.json()["error"]["details"] == {"size": 1001, "limit": 1000}
    assert not Media.objects.exists()


def test_declared_body_far_over_limit_is_refused_before_parsing(api_client, upload, settings):
    settings.MEDIA_MAX_UPLOAD_BYTES = 1000
    response = upload(api_client, b"a" * 200_000, name="big.txt")
    assert response.status_code == 413
    assert response.json()["error"]["details"]["limit"] == 1000


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "resume.pdf"),  # an image named .pdf
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "resume.doc"),
        (bytes(range(256)) * 4, "resume.txt"),  # binary named .txt
    ],
)
def test_type_judged_by_content_is_415(api_client, upload, data, name):
    response = upload(api_client, data, name=name)
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_document_type"
    assert not Media.objects.exists()


def test_zip_that_is_not_docx_is_415(api_client, upload):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("resume.txt", "hello")
    response = upload(api_client, buffer.getvalue(), name="resume.docx")
    assert response.status_code == 415
    assert "zip archive" in response.json()["error"]["message"]


def test_pdf_named_txt_is_taken_as_pdf(api_client, upload):
    response = upload(api_client, resume_pdf(), name="resume.txt")
    assert Media.objects.get(pk=response.json()["mediaId"]).content_type == "application/pdf"


@pytest.mark.parametrize("name", ["../../../../etc/passwd", "..\\..\\evil.pdf", "résumé <b>\x07bold</b>;rm -rf.pdf"])
def test_odd_filename_stored_under_generated_name(api_client, upload, user, name):
    response = upload(api_client, resume_pdf(), name=name, to_parse="false")

    assert response.status_code == 201
    media = Media.objects.get(pk=response.json()["mediaId"])
    assert media.file.name == f"uploads/{user.id}/{media.id}.pdf"
    assert ".." not in media.original_name and "/" not in media.original_name and "\x07" not in media.original_name
    assert media.original_name  # the client's name is kept as metadata


def test_user_id_of_someone_else_is_403(api_client, upload, other_user):
    response = upload(api_client, resume_pdf(), user_id=str(other_user.id))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "user_mismatch"
    assert not Media.objects.exists()


def test_user_id_of_caller_is_accepted(api_client, upload, user):
    response = upload(api_client, resume_pdf(), user_id=str(user.id), to_parse="false")
    assert response.status_code == 201


def test_service_token_uploads_for_a_user(service_client, upload, other_user):
    response = upload(service_client, resume_pdf(), user_id=str(other_user.id), to_parse="false")
    assert response.status_code == 201
    assert Media.objects.get(pk=response.json()["mediaId"]).owner == other_user


def test_user_id_not_a_uuid_is_400(api_client, upload):
    response = upload(api_client, resume_pdf(), user_id="alice")
    assert response.status_code == 400
    assert "userId" in response.json()["error"]["details"]


def test_to_parse_not_a_boolean_is_400(api_client, upload):
    response = upload(api_client, resume_pdf(), to_parse="maybe")
    assert response.status_code == 400
    assert "toParse" in response.json()["error"]["details"]
    assert not Media.objects.exists()


def test_anonymous_is_401(anon_client, upload):
    assert upload(anon_client, resume_pdf()).status_code == 401


def test_every_line_of_the_pdf_is_extracted_in_order(api_client, upload):
    media = Media.objects.get(pk=upload(api_client, resume_pdf()).json()["mediaId"])
    expected = [" ".join(line.split()) for line in RESUME_LINES if line]
    assert [line for line in media.text.splitlines() if line] == expected
