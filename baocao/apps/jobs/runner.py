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
seconds (`tasks.put_off`) when a worker runs the queue, so a worker waits its turn instead of adding one more
LibreOffice to a busy machine (at most BAOCAO_CONVERSIONS at once, web and workers together);
without a worker it fails at once with the "try again in a minute" message.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from baocao import libreoffice
from baocao.apps.campaigns.actions import ActionError
from baocao.apps.jobs.models import BROKEN, FINISHED, Job, JobState
from baocao.apps.jobs.outcome import Outcome
from baocao.apps.jobs.work import WORK
from baocao.errors import InputError
from baocao.web.background import needs_worker

logger = logging.getLogger(__name__)

BUSY_TRIES = 120  # ... this many times (10 minutes), then it fails with the "busy" message


def run(job_id: int) -> dict[str, Any]:
    """Run the job once (see the module's docstring): what happened, as the task's result."""
    job = claim(job_id)
    if job is None:
        return {"job": job_id, "ran": False}
    try:
        outcome = WORK[job.kind](job)
        finish(job, outcome)
    except libreoffice.Busy as error:
        if needs_worker() and job.tries < BUSY_TRIES:
            return {"job": job_id, "ran": False, "busy": True}  # tasks.run_job puts it off
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
