"""A background job run by a real worker (`baocao worker`, tests/web/queue_worker.py) that is
killed by SIGKILL in the middle of a report's PDF conversion: nothing of the job is half-done
(no file, no result, the job still "running"), and when the worker starts again the task is
queued again (`background.recover_abandoned`) and the job completes, once.

LibreOffice is replaced, for the worker only, by a stand-in `soffice` on its PATH that says
when it started and, while a flag file exists, takes its time: the kill lands while the
conversion runs, whatever the machine's speed.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from baocao import libreoffice
from baocao.apps.jobs.models import Job, JobState
from baocao.web.background import TaskResultStatus

from .campaign_scenario import report_of, to_consolidate, url
from .mail_server import free_port
from .queue_worker import Worker

pytestmark = pytest.mark.django_db(transaction=True)

FAKE_PDF = b"%PDF-1.4 ban thu cua tien trinh nen"
FAKE_SOFFICE = """#!{python}
import os, sys, time
from pathlib import Path
args = sys.argv[1:]
out = Path(args[args.index("--outdir") + 1])
Path(os.environ["FAKE_SOFFICE_STARTED"]).write_text(str(os.getpid()))
while Path(os.environ["FAKE_SOFFICE_SLOW"]).exists():
    time.sleep(0.1)
out.mkdir(parents=True, exist_ok=True)
(out / "baocao.pdf").write_bytes({pdf!r})
"""


@pytest.fixture
def province(tree, member, django_user_model):
    admin = django_user_model.objects.create_superuser("quantri")
    texts = {
        "dakha": "LĐLĐ huyện đã ban hành kế hoạch thực hiện Nghị quyết.",
        "cdcs_dh1": "Công đoàn xã Đăk Mar tổ chức học tập Nghị quyết.",
        "cdcs_dh2": "Nhà trường tuyên truyền Nghị quyết.",
        "cdcs_dt1": "Trung tâm Y tế quán triệt Nghị quyết.",
    }
    campaign = to_consolidate(tree, admin, texts, slug="nq20-nen")
    return report_of(campaign, tree.province), member("tinh", tree.province, "consolidator")


@pytest.fixture
def worker(tmp_path):
    folder = tmp_path / "bin"
    folder.mkdir()
    soffice = folder / "soffice"
    soffice.write_text(FAKE_SOFFICE.format(python=sys.executable, pdf=FAKE_PDF))
    soffice.chmod(0o755)
    running = Worker(tmp_path, free_port())
    running.started = tmp_path / "soffice-started"
    running.slow = tmp_path / "soffice-slow"
    running.env.update(
        PATH=f"{folder}{os.pathsep}{os.environ.get('PATH', '')}",
        FAKE_SOFFICE_STARTED=str(running.started),
        FAKE_SOFFICE_SLOW=str(running.slow),
        **{libreoffice.SLOTS_ENV: "1", libreoffice.LOCKS_ENV: str(tmp_path / "locks")},
    )
    yield running
    running.stop()
    if running.started.exists():  # the stand-in runs in a session of its own: end it too
        with contextlib.suppress(ProcessLookupError, ValueError):
            os.kill(int(running.started.read_text()), signal.SIGKILL)


def test_a_worker_killed_mid_conversion_leaves_nothing_half_done_and_the_job_completes(
    client, province, worker, settings
):
    report, officer = province
    from baocao.web.background import DATABASE_QUEUE

    settings.TASKS = {"default": {"BACKEND": DATABASE_QUEUE}}  # made at once, now queued
    client.force_login(officer)
    response = client.get(url("report_download", report, "pdf"))
    job = Job.objects.get()
    page = reverse("jobs:detail", args=[job.pk])
    assert response.status_code == 302 and response["Location"] == page
    assert job.state == JobState.WAITING

    worker.slow.touch()
    worker.start()
    deadline = time.monotonic() + 90
    while not worker.started.exists():  # until the conversion runs (polling, not timing)
        assert time.monotonic() < deadline, f"the conversion never started:\n{worker.logged()}"
        time.sleep(0.05)
    worker.kill()

    # Killed: the job is claimed and running, with no file and no result; the task too.
    job.refresh_from_db()
    assert job.state == JobState.RUNNING and job.tries == 1
    assert job.result_data is None and not job.result_name and not job.finished_at
    assert DBTaskResult.objects.get().status == TaskResultStatus.RUNNING
    shown = client.get(page).content.decode()
    assert "Đang làm" in shown and 'hx-trigger="every 2s"' in shown
    assert client.get(reverse("jobs:file", args=[job.pk]))["Location"] == page  # no file yet

    worker.slow.unlink()
    output = worker.run_batch()  # started again: the abandoned task is queued and finished
    assert "Đã đưa lại 1 việc dở dang" in output
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.tries == 2
    assert bytes(job.result_data) == FAKE_PDF
    task = DBTaskResult.objects.get()
    assert task.status == TaskResultStatus.SUCCESSFUL and len(task.worker_ids) == 2
    got = client.get(reverse("jobs:file", args=[job.pk]))
    assert got.status_code == 200 and got.content == FAKE_PDF
    assert 'hx-trigger="every 2s"' not in client.get(page).content.decode()

    worker.run_batch()  # and again: nothing more to do
    assert Job.objects.count() == 1 and DBTaskResult.objects.count() == 1
    job.refresh_from_db()
    assert job.tries == 2
