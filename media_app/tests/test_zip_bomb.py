"""A DOCX zip bomb whose zip directory understates its size (issue 15): refused by counting the bytes it
really inflates to, not by the memory limit."""

import io
import struct
import zipfile

import pytest

from media_app.extraction import DOCX_MAX_UNCOMPRESSED_BYTES, ExtractionFailed, extract_docx
from media_app.models import Media

pytestmark = pytest.mark.django_db(transaction=True)

DECLARED = 1000


def forged_bomb(real_bytes: int) -> bytes:
    """A DOCX-shaped zip whose word/document.xml inflates to `real_bytes`, declared as DECLARED bytes."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=False) as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(real_bytes >> 20):
                member.write(chunk)
    data = bytearray(buf.getvalue())
    name = b"word/document.xml"
    central = data.find(b"PK\x01\x02")
    while central != -1:  # every central-directory entry of the member: uncompressed size at +24
        if data[central + 46:central + 46 + len(name)] == name:
            struct.pack_into("<I", data, central + 24, DECLARED)
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


def test_the_directory_lies_and_the_real_bytes_are_counted():
    bomb = forged_bomb(DOCX_MAX_UNCOMPRESSED_BYTES + (16 << 20))
    assert sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(bomb)).infolist()) < 2000  # the lie
    with pytest.raises(ExtractionFailed, match="refused as a zip bomb"):
        extract_docx(bomb)


def test_an_uploaded_bomb_fails_visibly(api_client, upload):
    response = upload(api_client, forged_bomb(DOCX_MAX_UNCOMPRESSED_BYTES + (16 << 20)), name="cv.docx")
    assert response.status_code == 201, response.content
    media = Media.objects.get(pk=response.json()["mediaId"])
    assert media.state == "failed" and "zip bomb" in media.parse_error
