"""The one task of the jobs app: run a job (`runner.run`) by its id, on the queue of
`baocao.web.background`. Safe to run twice: a finished job is left alone, and a run repeated
after its worker died reuses what the first one recorded (`Job.work`)."""

from __future__ import annotations

from typing import Any

from baocao.web.background import task


@task()
def run_job(*, job_id: int) -> dict[str, Any]:
    from baocao.apps.jobs.runner import run

    return run(job_id)
