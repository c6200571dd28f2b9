"""What a job's work (`work.WORK`) hands back to the runner, and the two things it may write
while it works: how far it is (`progress`) and what a repeated run may reuse (`remember`).
Apart from `runner` so that the work and the runner do not import each other."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from baocao.apps.jobs.models import Job, JobState


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
