"""Background work: the one place that knows how a task is declared and whether a worker runs.

Code elsewhere declares its tasks with `task` from here (Django's tasks framework; on Django 5.2
its backport), so it never depends on the queue behind it: the database queue by default, run
by `baocao worker`, or whatever BAOCAO_TASK_BACKEND names (baocao.web.settings).
"""

from __future__ import annotations

import importlib.util

from django.conf import settings

if importlib.util.find_spec("django.tasks"):
    from django.tasks import default_task_backend, task
else:  # Django 5.2
    from django_tasks import default_task_backend, task

__all__ = ["DATABASE_QUEUE", "default_task_backend", "needs_worker", "task"]

DATABASE_QUEUE = "django_tasks_db.DatabaseBackend"


def needs_worker() -> bool:
    """True when enqueued tasks wait for `baocao worker` (not run inside the request)."""
    return settings.TASKS["default"]["BACKEND"] == DATABASE_QUEUE
