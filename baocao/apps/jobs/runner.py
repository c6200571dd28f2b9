"""Running a job: claim it, let its kind's work (`work.WORK`) do the slow part, then write
everything it produced in one transaction.

- Claim: the job is marked running (and its run counted) before any work; a finished job is
  left alone, so a task run twice does nothing the second time.
- Work: reads, computes and makes files; what it writes before the end is only its own
  bookkeeping (`progress`, `remember`: how far it is, what a repeated run may reuse), never a
  result. A worker killed here leaves the job "running" with no result and the report as it
  was; `background.recover_abandoned` queues the task again and the next run finishes it.
- Finish: the result (file, address, message) and the kind's own writes (`Outcome.write`: the
  draft's sections, the upload kept for its preview) in one transaction, the job locked and
  checked unfinished first, so two runs never both write.

A conversion that finds every LibreOffice slot taken (`libreoffice.Busy`) is put off a few
seconds when a worker runs the queue, so a worker waits its turn instead of adding one more
LibreOffice to a busy machine (at most BAOCAO_CONVERSIONS at once, web and workers together);
without a worker it fails at once with the "try again in a minute" message.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from baocao import libreoffice
from baocao.apps.campaigns.actions import ActionError
from baocao.apps.jobs.models import FINISHED, Job, JobState
from baocao.errors import InputError
from baocao.web.background import needs_worker

logger = logging.getLogger(__name__)

BUSY_WAIT_SECONDS = 5  # a job that met every conversion slot taken tries again after this
BUSY_TRIES = 120  # ... this many times (10 minutes), then it fails with the "busy" message
BROKEN = gettext_lazy(
    "Việc này gặp lỗi của chương trình và đã dừng; không có gì bị ghi dở. Hãy thử lại, hoặc "
    "báo quản trị nếu lỗi lặp lại."
)


@dataclass
class Outcome:
    """What a job's work produced: a file (`data`, named `name`, `ascii_name` for old
    browsers), the address of its result, a message; `write`, the kind's own writes, runs in
    the finishing transaction with the locked job and may return the result's address."""

    data: bytes | None = None
    name: str = ""
    ascii_name: str = ""
    url: str = ""
    message: str = ""
    write: Callable[[Job], str | None] | None = None


def run(job_id: int) -> dict[str, Any]:
    from baocao.apps.jobs.work import WORK

    job = claim(job_id)
    if job is None:
        return {"job": job_id, "ran": False}
    try:
        outcome = WORK[job.kind](job)
        finish(job, outcome)
    except libreoffice.Busy as error:
        if needs_worker() and job.tries < BUSY_TRIES:
            return put_off(job)
        fail(job, error.message, busy=True)
    except (InputError, ActionError) as error:
        fail(job, error.message)
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        fail(job, str(BROKEN))
    state = Job.objects.filter(pk=job_id).values_list("state", flat=True).first()
    return {"job": job_id, "ran": True, "state": state}


def claim(job_id: int) -> Job | None:
    """The job, marked running, or None when it is gone or finished."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.state in FINISHED:
            return None
        job.state = JobState.RUNNING
        job.started_at = job.started_at or timezone.now()
        job.tries += 1
        job.save(update_fields=["state", "started_at", "tries"])
    return job


def progress(job: Job, done: int, total: int | None = None) -> None:
    """How far the job is (shown on its page), written at once."""
    job.done = done
    fields = {"done": done}
    if total is not None:
        job.total = fields["total"] = total
    Job.objects.filter(pk=job.pk, state=JobState.RUNNING).update(**fields)


def remember(job: Job, **work: Any) -> None:
    """Keep part of the work (JSON), for a run that repeats this one."""
    job.work = {**job.work, **work}
    Job.objects.filter(pk=job.pk, state=JobState.RUNNING).update(work=job.work, done=job.done)


def finish(job: Job, outcome: Outcome) -> bool:
    """Write the outcome, once: False when another run finished the job first."""
    with transaction.atomic():
        locked = Job.objects.select_for_update().filter(pk=job.pk).first()
        if locked is None or locked.state in FINISHED:
            return False
        url = outcome.write(locked) if outcome.write is not None else None
        locked.state = JobState.DONE
        locked.result_data = outcome.data
        locked.result_name = outcome.name if outcome.data is not None else ""
        locked.result_ascii_name = outcome.ascii_name
        locked.result_url = url or outcome.url
        locked.message = outcome.message or locked.message
        locked.done = max(locked.done, locked.total)
        locked.input_data = None
        locked.finished_at = timezone.now()
        locked.save()
    return True


def fail(job: Job, message: str, *, busy: bool = False) -> None:
    with transaction.atomic():
        Job.objects.filter(pk=job.pk).exclude(state__in=FINISHED).update(
            state=JobState.FAILED,
            error=message,
            busy=busy,
            input_data=None,
            finished_at=timezone.now(),
        )


def put_off(job: Job) -> dict[str, Any]:
    """Queued again a few seconds later, waiting for a conversion slot."""
    from baocao.apps.jobs.tasks import run_job

    at = timezone.now() + datetime.timedelta(seconds=BUSY_WAIT_SECONDS)
    with transaction.atomic():
        result = run_job.using(run_after=at).enqueue(job_id=job.pk)
        Job.objects.filter(pk=job.pk, state=JobState.RUNNING).update(
            state=JobState.WAITING, task_id=str(result.id)
        )
    return {"job": job.pk, "ran": False, "put_off": str(result.id)}
