"""Starting a job (`start`): the one write a person makes here, checked by the caller (the
view that offers the job), recorded with the job in one transaction and audited
(`job.start`), then handed to the queue (`tasks.run_job`).

With the database queue the task row is written in that same transaction, so a job never
waits for a task that was not queued; with a queue outside the database (Redis) the task is
queued once the job is committed, so no worker looks for a job not there yet; with the
immediate backend (a one-process install, the tests) the task runs right after the commit, so
the request ends with the job done and no write lock is held while it works.
"""

from __future__ import annotations

import datetime
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from baocao.apps.audit.log import record
from baocao.apps.campaigns.models import Report
from baocao.apps.jobs.models import BROKEN, FINISHED, Job
from baocao.apps.jobs.runner import fail
from baocao.web.background import DATABASE_QUEUE, TaskResultStatus, find_result, needs_worker

KEEP = datetime.timedelta(days=1)


def start(
    kind: str,
    report: Report,
    actor: Any,
    params: dict[str, Any],
    *,
    input_data: bytes | None = None,
    reuse: bool = True,
) -> Job:
    """A job of `kind` about `report` for `actor`, queued. With `reuse`, the same job asked
    for again by the same person while it is still on its way is that job (a second click
    makes no second PDF)."""
    with transaction.atomic():
        # The person's finished jobs of more than KEEP ago go: their files are made again
        # on demand, and the database does not keep every PDF ever asked for.
        Job.objects.filter(requested_by=actor, finished_at__lt=timezone.now() - KEEP).delete()
        if reuse:
            same = (
                Job.objects.filter(kind=kind, report=report, requested_by=actor, params=params)
                .exclude(state__in=FINISHED)
                .defer("input_data", "result_data")
                .first()
            )
            if same is not None and not stuck(same):
                return same
        job = Job.objects.create(
            kind=kind, report=report, requested_by=actor, params=params, input_data=input_data
        )
        record(actor, "job.start", report, job=job.pk, kind=kind, params=params)
        if settings.TASKS["default"]["BACKEND"] == DATABASE_QUEUE:  # committed with the job
            _enqueue(job)
        elif needs_worker():  # a queue outside the database: only once the job is there
            transaction.on_commit(partial(_enqueue, job), robust=True)
    if not needs_worker():
        _enqueue(job)
        job.refresh_from_db()
    return job


def _enqueue(job: Job) -> None:
    from baocao.apps.jobs.tasks import run_job

    result = run_job.enqueue(job_id=job.pk)
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id))
    if result.is_finished and result.status == TaskResultStatus.FAILED:  # run at once, broke
        fail(job, str(BROKEN))


def stuck(job: Job) -> bool:
    """Whether the job will never finish: its task failed outside the job's own handling (an
    error of the program, or its worker died again and again)."""
    from baocao.apps.jobs.tasks import run_job

    if job.finished or not job.task_id:
        return False
    result = find_result(run_job, job.task_id)
    return result is not None and result.status == TaskResultStatus.FAILED
