"""Background work: the one place that knows how a task is declared and whether a worker runs.

Code elsewhere declares its tasks with `task` from here (Django's tasks framework; on Django 5.2
its backport), so it never depends on the queue behind it: the database queue by default, run
by `baocao worker`, the queue in Redis run by RQ workers (`REDIS_QUEUE`, django-tasks-rq, for
many nodes), or whatever BAOCAO_TASK_BACKEND names (baocao.web.settings).

Every task put on the queue here is safe to run twice: its work is claimed row by row in the
database before it is done (a reminder's log, a notice's `emailed_at`), so a second run finds
it done. That is what lets a worker that died in the middle of a task (killed, its machine
lost) leave nothing half-done: `recover_abandoned` puts the task back on the queue and the next
run does what is left. A transient failure (no mail server) is retried later with a back-off
(`retry_later`) a bounded number of times.

The Redis queue (BAOCAO_TASK_BACKEND=redis) does the same with RQ's own means: `baocao worker`
runs an RQ worker with its scheduler (`run_redis_worker`, so a deferred retry runs when due);
a task whose worker died is found by RQ (its heartbeat stops), failed with AbandonedJobError,
and `recover_abandoned` puts it back on the queue like the database queue's; a task enqueued
inside a transaction goes to Redis when it commits, never when it rolls back
(baocao.web.redis_queue), as the database queue's row would. What differs: a result is kept
RESULTS_KEPT after its task ends (the database keeps it until pruned).
"""

from __future__ import annotations

import datetime
import importlib.util
import logging
import os
import socket
import threading
import time
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

if importlib.util.find_spec("django.tasks"):
    from django.tasks import TaskResultStatus, default_task_backend, task
    from django.tasks.exceptions import TaskResultDoesNotExist, TaskResultMismatch

    IMMEDIATE = "django.tasks.backends.immediate.ImmediateBackend"
else:  # Django 5.2
    from django_tasks import TaskResultStatus, default_task_backend, task
    from django_tasks.exceptions import TaskResultDoesNotExist, TaskResultMismatch

    IMMEDIATE = "django_tasks.backends.immediate.ImmediateBackend"

__all__ = [
    "ATTEMPTS",
    "DATABASE_QUEUE",
    "IMMEDIATE",
    "REDIS_QUEUE",
    "TaskResultStatus",
    "default_task_backend",
    "find_result",
    "needs_worker",
    "recover_abandoned",
    "retry_later",
    "run_redis_worker",
    "task",
    "uses_redis",
    "watch_abandoned",
    "worker_id",
]

DATABASE_QUEUE = "django_tasks_db.DatabaseBackend"
REDIS_QUEUE = "baocao.web.redis_queue.RedisQueue"
# How long the Redis queue keeps a finished task's result (its progress page reads it): a week.
RESULTS_KEPT = 7 * 24 * 3600
# Seconds before the 2nd, 3rd, 4th and 5th try of a task that met a transient failure.
RETRY_DELAYS = (60, 300, 900, 1800)
ATTEMPTS = len(RETRY_DELAYS) + 1
# A task left running by a worker of another machine is taken as abandoned after this long
# (one of this machine is known dead at once); one abandoned this many times has failed (it
# may be what kills its worker).
ABANDONED_AFTER = datetime.timedelta(hours=1)
ABANDONED_TRIES = 3
RECOVERY_INTERVAL = 60  # seconds between two looks for abandoned tasks by a running worker

logger = logging.getLogger(__name__)


def needs_worker() -> bool:
    """True when enqueued tasks wait for `baocao worker` (not run inside the request): the
    database queue or the Redis one."""
    return settings.TASKS["default"]["BACKEND"] in (DATABASE_QUEUE, REDIS_QUEUE)


def uses_redis() -> bool:
    """True when the queue is in Redis (RQ workers), not in the database."""
    return settings.TASKS["default"]["BACKEND"] == REDIS_QUEUE


def retry_later(declared: Any, attempt: int, **kwargs: Any) -> dict | None:
    """Enqueue `declared` again (with `kwargs` and attempt + 1) after the back-off, when the
    backend can defer a task and attempts remain: {"id", "at", "attempt"} of the new run, for
    whoever follows the first; None when no retry was made (an immediate backend, or the last
    attempt). Both queues defer (the Redis one through RQ's scheduler, which every
    `baocao worker` runs)."""
    if attempt >= ATTEMPTS or not declared.get_backend().supports_defer:
        return None
    at = timezone.now() + datetime.timedelta(seconds=RETRY_DELAYS[attempt - 1])
    result = declared.using(run_after=at).enqueue(**kwargs, attempt=attempt + 1)
    logger.warning("task %s: attempt %d failed, retry at %s", declared.name, attempt, at)
    return {"id": str(result.id), "at": at.isoformat(), "attempt": attempt + 1}


def find_result(declared: Any, result_id: str) -> Any | None:
    """The result of a run of `declared` by its id; None when the backend keeps no results
    (the immediate one), when there is no such run (on Redis also: finished more than
    RESULTS_KEPT ago), or when it is a run of another task."""
    if not declared.get_backend().supports_get_result:
        return None
    try:
        return declared.get_result(result_id)
    except (TaskResultDoesNotExist, TaskResultMismatch):
        return None


# --- workers that died ----------------------------------------------------------------------


def worker_id() -> str:
    """This process's name on the rows of the tasks it runs: its machine, its process id and
    when that process started, so another worker can tell whether it is still alive."""
    pid = os.getpid()
    return f"{_host()}:{pid}:{_started(pid)}"


def _host() -> str:
    return socket.gethostname()[:40]


def _started(pid: int) -> int:
    """When process `pid` started (clock ticks since boot, Linux); 0 where it cannot be read."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            fields = stat.read().rpartition(")")[2].split()
    except OSError:
        return 0
    return int(fields[19]) if len(fields) > 19 and fields[0] != "Z" else 0


def _alive(worker: str) -> bool | None:
    """Whether the worker named `worker` still runs: known for one of this machine, None for
    one elsewhere (or named otherwise, e.g. `baocao manage db_worker` run by hand)."""
    host, _, rest = worker.partition(":")
    pid_text, _, started_text = rest.partition(":")
    if host != _host() or not pid_text.isdigit() or not started_text.isdigit():
        return None
    pid = int(pid_text)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # a process of another account: alive, and not ours to judge
        pass
    started = _started(pid)  # 0: a zombie, gone, or not Linux
    if int(started_text) == 0:
        return True  # no start time recorded: the process id alone says it runs
    return started == int(started_text)


def recover_abandoned(now: datetime.datetime | None = None) -> int:
    """Put back on the queue the tasks left "running" by a worker that died: one of this
    machine whose process is gone, or one of any machine that has run the task longer than
    ABANDONED_AFTER. The next run does what is left (each task here is safe to run twice). A
    task abandoned ABANDONED_TRIES times is marked failed instead. Returns how many tasks were
    put back or failed. On Redis, see `_recover_abandoned_redis`; nothing to do without a
    queue."""
    if not needs_worker():
        return 0
    if uses_redis():
        return _recover_abandoned_redis(now)
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    handled = 0
    for row in DBTaskResult.objects.running().only("id", "worker_ids", "started_at"):
        last = row.worker_ids[-1] if row.worker_ids else ""
        alive = _alive(last)
        if alive or (alive is None and row.started_at and row.started_at > now - ABANDONED_AFTER):
            continue
        # Only if it is still the run seen (started_at): two workers recovering at once, or
        # one that just took it again, leave it as it is.
        same_run = DBTaskResult.objects.filter(
            pk=row.pk, status=TaskResultStatus.RUNNING, started_at=row.started_at
        )
        if len(row.worker_ids) >= ABANDONED_TRIES:
            done = same_run.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=f"{__name__}.AbandonedTask",
                traceback=f"AbandonedTask: its worker died {len(row.worker_ids)} times\n",
            )
            logger.error("task %s: abandoned %d times, failed", row.pk, len(row.worker_ids))
        else:
            done = same_run.update(status=TaskResultStatus.READY, started_at=None)
            logger.warning("task %s: its worker %s died; queued again", row.pk, last)
        handled += done
    return handled


ABANDONED_ON_REDIS = ("AbandonedJobError", "Work-horse terminated unexpectedly")


def _recover_abandoned_redis(now: datetime.datetime | None = None) -> int:
    """The Redis queue's tasks whose worker died: RQ fails them itself, once the worker's
    heartbeat has stopped long enough for its task's entry to expire (about 90 s after the
    last beat, taken at `now`: AbandonedJobError), or at once when the worker lives and only
    the process running the task was killed. Each such failed task goes back on the queue,
    unless it was abandoned ABANDONED_TRIES times (it stays failed). Two workers recovering at
    once put a task back once (RQ's requeue takes it off the failed registry atomically).
    Returns how many were put back or left failed now. Failures of another kind (an error in
    the task) stay failed, as on the database queue."""
    import django_rq
    from django_tasks_rq import Job
    from rq.exceptions import InvalidJobOperation, NoSuchJobError
    from rq.registry import FailedJobRegistry, StartedJobRegistry

    handled = 0
    for queue in django_rq.queues.get_queues(*default_task_backend.queues, job_class=Job):
        # The dead workers' tasks, failed by RQ.
        started = StartedJobRegistry(queue=queue, job_class=Job)
        started.cleanup(now.timestamp() if now else None)
        failed = FailedJobRegistry(queue=queue, job_class=Job)
        for job_id in failed.get_job_ids():
            try:
                job = Job.fetch(job_id, connection=queue.connection)
            except NoSuchJobError:
                continue
            latest = job.latest_result()
            why = (latest.exc_string or "") if latest is not None else ""
            if job.meta.get("baocao_gave_up") or not any(s in why for s in ABANDONED_ON_REDIS):
                continue
            tries = job.meta.get("baocao_abandoned", 0) + 1
            job.meta["baocao_abandoned"] = tries
            if tries >= ABANDONED_TRIES:
                job.meta["baocao_gave_up"] = True
                job.save_meta()
                logger.error("task %s: abandoned %d times, failed", job.id, tries)
                handled += 1
                continue
            job.save_meta()
            try:
                failed.requeue(job)
            except InvalidJobOperation:  # another worker put it back first
                continue
            logger.warning("task %s: its worker died; queued again", job.id)
            handled += 1
    return handled


def run_redis_worker(*, batch: bool = False) -> None:
    """An RQ worker on the Redis queue, with RQ's scheduler (the deferred retries), named
    `worker_id()`, keeping results RESULTS_KEPT; with `batch`, until the queue is empty."""
    from django_rq.utils import reset_db_connections
    from django_rq.workers import get_worker
    from django_tasks_rq import Job

    rq_worker = get_worker(
        *sorted(default_task_backend.queues),
        job_class=Job,
        name=worker_id(),
        default_result_ttl=RESULTS_KEPT,
    )
    reset_db_connections()  # each task runs in a forked process: no connection shared with it
    rq_worker.work(burst=batch, with_scheduler=True, logging_level="WARNING")


class AbandonedTask(Exception):
    """A task whose worker died again and again while running it (recorded, never raised)."""


def watch_abandoned(every: float = RECOVERY_INTERVAL) -> threading.Thread:
    """Look for abandoned tasks every `every` seconds, beside a running worker (a thread of
    its own, with its own database connection, closed after each look)."""

    def watch() -> None:
        while True:
            time.sleep(every)
            try:
                recover_abandoned()
            except Exception:  # the worker goes on; the next look tries again
                logger.exception("looking for abandoned tasks failed")
            finally:
                connection.close()

    thread = threading.Thread(target=watch, name="baocao-abandoned-tasks", daemon=True)
    thread.start()
    return thread
