"""The one task of the jobs app: run a job (`runner.run`) by its id, on the queue of
`baocao.web.background`. Safe to run twice: a finished job is left alone, and a run repeated
after its worker died reuses what the first one recorded (`Job.work`). A conversion that found
every LibreOffice slot taken is put off a few seconds (`put_off`) instead of failing."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from baocao.apps.jobs.models import Job, JobState
from baocao.apps.jobs.runner import run
from baocao.web.background import task

BUSY_WAIT_SECONDS = 5  # a job that met every conversion slot taken tries again after this


@task()
def run_job(*, job_id: int) -> dict[str, Any]:
    done = run(job_id)
    return put_off(job_id) if done.get("busy") else done


def put_off(job_id: int) -> dict[str, Any]:
    """Queued again a few seconds later, waiting for a conversion slot."""
    at = timezone.now() + datetime.timedelta(seconds=BUSY_WAIT_SECONDS)
    with transaction.atomic():
        result = run_job.using(run_after=at).enqueue(job_id=job_id)
        Job.objects.filter(pk=job_id, state=JobState.RUNNING).update(
            state=JobState.WAITING, task_id=str(result.id)
        )
    return {"job": job_id, "ran": False, "put_off": str(result.id)}
