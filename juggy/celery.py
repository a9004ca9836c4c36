"""Celery app. Eager (in-process) unless a broker is configured; see settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "juggy.settings")

app = Celery("juggy")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
