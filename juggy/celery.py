"""Celery app. Eager (in-process) unless a broker is configured; see settings."""

import os

from celery import Celery
from celery.contrib.django.task import DjangoTask
from celery.result import denied_join_result
from celery.utils import uuid
from kombu import serialization

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "juggy.settings")


class Task(DjangoTask):
    def apply_async(self, args=None, kwargs=None, task_id=None, producer=None, link=None, link_error=None,
                    shadow=None, **options):
        """In eager mode (embedded, no broker) run in-process without touching kombu's connection code:
        Celery's own eager path takes a producer from the broker pool only to learn the serializer,
        which opens a connection to the placeholder broker (and logs "No hostname was supplied").
        The arguments still make the serializer's round trip, so what works here works on a worker."""
        if producer is not None or not self.app.conf.task_always_eager:
            return super().apply_async(args, kwargs, task_id=task_id, producer=producer, link=link,
                                       link_error=link_error, shadow=shadow, **options)
        serializer = options.get("serializer") or self.serializer or self.app.conf.task_serializer
        content_type, encoding, data = serialization.dumps((args or (), kwargs or {}), serializer)
        args, kwargs = serialization.loads(data, content_type, encoding, accept=[content_type])
        with denied_join_result():
            return self.apply(args, kwargs, task_id=task_id or uuid(), link=link, link_error=link_error, **options)


# DjangoTask is what Celery's Django fixup would pick (delay_on_commit); ours adds the eager path.
app = Celery("juggy", task_cls=Task)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
