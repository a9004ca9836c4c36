import hashlib

import factory
from django.core.files.base import ContentFile

from juggy.accounts.tests.factories import UserFactory
from media_app.models import Media

TEXT = b"Jane Doe\nSenior Backend Engineer\n\nSKILLS\nPython, Go, SQL\n"


class MediaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Media

    owner = factory.SubFactory(UserFactory)
    original_name = factory.Sequence(lambda n: f"resume-{n}.txt")
    extension = ".txt"
    content_type = "text/plain"
    size = len(TEXT)
    sha256 = hashlib.sha256(TEXT).hexdigest()
    file = factory.LazyFunction(lambda: ContentFile(TEXT, name="resume.txt"))
    state = Media.State.PARSED
    text = TEXT.decode()
