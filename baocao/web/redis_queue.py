"""The Redis queue (BAOCAO_TASK_BACKEND=redis): django-tasks-rq's backend, with one change: a
task enqueued inside a database transaction goes to Redis when that transaction commits, and
not at all when it rolls back, as a task of the database queue (its row) would.

Without it a worker could take the task before the rows it reads were committed (a job
recorded and enqueued in one transaction: the worker would find no job), or run a task whose
request failed. The task's id is known at once (the caller may store it); the task is in
Redis only after the commit. Outside a transaction it is enqueued at once, as the library
does. Imported only when chosen (settings), so the embedded default imports nothing of Redis.
"""

from __future__ import annotations

from typing import Any

import django_rq
from django.db import transaction
from django_tasks.base import TASK_MAX_PRIORITY, TaskResult, TaskResultStatus
from django_tasks.signals import task_enqueued
from django_tasks.utils import get_random_id
from django_tasks_rq import Job, RQBackend
from django_tasks_rq.backend import failed_callback, success_callback
from rq.job import Callback, JobStatus


class RedisQueue(RQBackend):
    """RQBackend whose enqueue waits for the commit of the transaction it is called in."""

    def enqueue(self, task: Any, args: Any, kwargs: Any) -> TaskResult:
        if not transaction.get_connection().in_atomic_block:
            return super().enqueue(task, args, kwargs)
        self.validate_task(task)
        result = TaskResult(
            task=task,
            id=get_random_id(),
            status=TaskResultStatus.READY,
            enqueued_at=None,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        transaction.on_commit(lambda: self._push(task, result))
        return result

    def _push(self, task: Any, result: TaskResult) -> None:
        """Put the task on its RQ queue under the id already given (RQBackend.enqueue's)."""
        queue = django_rq.get_queue(task.queue_name, job_class=Job)
        job = queue.create_job(
            task.module_path,
            args=result.args,
            kwargs=result.kwargs,
            job_id=result.id,
            status=JobStatus.SCHEDULED if task.run_after else JobStatus.QUEUED,
            on_failure=Callback(failed_callback),
            on_success=Callback(success_callback),
            meta={"backend_name": self.alias},
        )
        if task.run_after is None:
            job = queue.enqueue_job(job, at_front=task.priority == TASK_MAX_PRIORITY)
        else:
            job = queue.schedule_job(job, task.run_after)
        object.__setattr__(result, "enqueued_at", job.enqueued_at)
        task_enqueued.send(type(self), task_result=result)
