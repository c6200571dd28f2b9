"""Background jobs (`baocao.apps.jobs`) as the Django test client sees them: a report's PDF, a
large export, the no-JavaScript whole-report draft and a large upload's reading go through a
job; its page shows the progress (polled by HTMX) and then the file or the result; only the
person who asked sees it. With the immediate backend (these tests, a one-process install) the
request ends at the result; with the database queue (`database_queue`) it ends at the job's
page and the job is run here by calling the task's body, as a worker would.

A run that stops in the middle (its worker killed: here an exception no handler catches) leaves
nothing half-done, and the next run completes the job; test_jobs_worker.py does it with a real
worker process killed by SIGKILL.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from baocao import libreoffice
from baocao.apps.audit.models import AuditEntry
from baocao.apps.campaigns import actions
from baocao.apps.campaigns.models import SectionText, SectionVersion, Upload
from baocao.apps.jobs import runner, tasks
from baocao.apps.jobs.models import Job, JobState
from baocao.apps.orgs.models import Membership

from .campaign_scenario import report_of, to_consolidate, url

pytestmark = pytest.mark.django_db

POLLING = 'hx-trigger="every 2s"'
PDF = b"%PDF-1.4 thu"
TEXTS = {
    "dakha": "LĐLĐ huyện đã ban hành kế hoạch thực hiện Nghị quyết trong toàn huyện.",
    "cdcs_dh1": "Công đoàn xã Đăk Mar tổ chức học tập Nghị quyết cho đoàn viên.",
    "cdcs_dh2": "Nhà trường phối hợp với chính quyền tuyên truyền Nghị quyết.",
    "cdcs_dt1": "Trung tâm Y tế quán triệt Nghị quyết đến từng khoa, phòng.",
}


@pytest.fixture
def people(tree, member, django_user_model):
    return {
        "admin": django_user_model.objects.create_superuser("quantri"),
        "consolidator": member("tinh", tree.province, "writer", "consolidator", "reviewer"),
        "colleague": member("tinh2", tree.province, "writer", "consolidator", "reviewer"),
        "other_province": member("gialai", tree.other_province, "writer", "consolidator"),
    }


@pytest.fixture
def province(tree, people):
    campaign = to_consolidate(tree, people["admin"], TEXTS, slug="nq20")
    return report_of(campaign, tree.province)


@pytest.fixture
def fake_pdf(monkeypatch):
    """LibreOffice is not what these tests are about."""
    made = []

    def convert(data, **_):
        made.append(len(data))
        return PDF

    monkeypatch.setattr("baocao.docx_out.pdf.docx_to_pdf", convert)
    return made


def job_page(job: Job) -> str:
    return reverse("jobs:detail", args=[job.pk])


# --- the PDF ---------------------------------------------------------------------------------


def test_a_pdf_made_at_once_leads_to_its_file_and_only_its_asker_gets_it(
    client, province, people, fake_pdf
):
    client.force_login(people["consolidator"])
    response = client.get(url("report_download", province, "pdf"))
    job = Job.objects.get()
    assert job.state == JobState.DONE and bytes(job.result_data) == PDF
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:file", args=[job.pk])
    got = client.get(response["Location"])
    assert got.status_code == 200 and got.content == PDF
    assert 'filename="bao-cao-ldld-tinh-kon-tum-nq20.pdf"' in got["Content-Disposition"]
    page = client.get(job_page(job)).content.decode()
    assert "Bản PDF của báo cáo" in page and reverse("jobs:file", args=[job.pk]) in page
    assert POLLING not in page
    entry = AuditEntry.objects.get(action="job.start")
    assert entry.actor == people["consolidator"] and entry.details["kind"] == "report_file"

    # Nobody else, not even a colleague with the same roles: 404, as for no job at all.
    for who in ("colleague", "other_province", "admin"):
        client.force_login(people[who])
        assert client.get(job_page(job)).status_code == 404
        assert client.get(reverse("jobs:file", args=[job.pk])).status_code == 404
    client.logout()
    assert client.get(job_page(job))["Location"].startswith(reverse("login"))


def test_a_pdf_asker_who_lost_the_report_no_longer_sees_the_job(
    client, province, people, fake_pdf, tree
):
    client.force_login(people["colleague"])
    client.get(url("report_download", province, "pdf"))
    job = Job.objects.get()
    Membership.objects.filter(user=people["colleague"]).update(unit=tree.other_province)
    assert client.get(job_page(job)).status_code == 404
    assert client.get(reverse("jobs:file", args=[job.pk])).status_code == 404


def test_on_the_queue_the_page_polls_until_the_pdf_is_made(
    client, province, people, fake_pdf, database_queue
):
    client.force_login(people["consolidator"])
    response = client.get(url("report_download", province, "pdf"))
    job = Job.objects.get()
    assert response["Location"] == job_page(job)
    assert job.state == JobState.WAITING and fake_pdf == []
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "baocao.apps.jobs.tasks.run_job" and job.task_id == str(queued.pk)
    page = client.get(job_page(job)).content.decode()
    assert "Đang chờ tiến trình nền" in page and POLLING in page
    assert '<meta http-equiv="refresh"' in page  # without JavaScript: reloaded
    fragment = client.get(job_page(job), headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and 'id="tien-do-viec-nen"' in fragment

    # Asked for again while it waits: the same job, not a second conversion.
    again = client.get(url("report_download", province, "pdf"))
    assert again["Location"] == job_page(job) and Job.objects.count() == 1

    assert runner.run(job.pk)["state"] == JobState.DONE  # the worker's run
    fragment = client.get(job_page(job), headers={"HX-Request": "true"}).content.decode()
    assert POLLING not in fragment and reverse("jobs:file", args=[job.pk]) in fragment
    assert runner.run(job.pk) == {"job": job.pk, "ran": False}  # run twice: nothing more
    assert fake_pdf and len(fake_pdf) == 1


def test_a_busy_machine_puts_the_pdf_off_on_the_queue_and_fails_it_at_once_without(
    client, province, people, monkeypatch, settings
):
    def busy(data, **_):
        raise libreoffice.Busy("Máy chủ đang bận chuyển PDF; hãy thử lại sau một phút.")

    monkeypatch.setattr("baocao.docx_out.pdf.docx_to_pdf", busy)
    client.force_login(people["consolidator"])
    response = client.get(url("report_download", province, "pdf"))  # no worker: told at once
    assert response.status_code == 503 and response["Retry-After"] == "60"
    assert "hãy thử lại sau một phút" in response.content.decode()

    from baocao.web.background import DATABASE_QUEUE

    settings.TASKS = {"default": {"BACKEND": DATABASE_QUEUE}}
    client.get(url("report_download", province, "pdf"))
    job = Job.objects.get(state=JobState.WAITING)
    assert tasks.run_job.call(job_id=job.pk)["put_off"]  # the worker waits its turn: later
    job.refresh_from_db()
    assert job.state == JobState.WAITING and job.result_data is None
    later = DBTaskResult.objects.get(pk=job.task_id)
    assert later.run_after is not None and later.status == "READY"


def test_a_large_subtree_exports_in_the_background_a_small_one_at_once(
    client, province, people, settings
):
    client.force_login(people["consolidator"])
    response = client.get(url("report_download", province, "docx"))
    assert response.status_code == 200 and not Job.objects.exists()  # small: inline
    settings.BAOCAO_BACKGROUND_EXPORT_REPORTS = 3
    for fmt in ("docx", "xlsx"):
        response = client.get(url("report_download", province, fmt))
        job = Job.objects.latest("pk")
        assert response["Location"] == reverse("jobs:file", args=[job.pk])
        got = client.get(response["Location"])
        assert got.status_code == 200 and got.content.startswith(b"PK")
        assert got["Content-Disposition"].endswith(f".{fmt}")


# --- the whole report's draft -------------------------------------------------------------------


def test_the_draft_on_the_queue_shows_k_of_n_then_links_back(
    client, province, people, database_queue
):
    client.force_login(people["consolidator"])
    response = client.post(url("consolidate_draft", province), {"muc": "P1/II/1"})
    job = Job.objects.get(kind="draft")
    assert response["Location"] == job_page(job)
    assert not SectionText.objects.filter(report=province).exists()  # not in the request
    runner.run(job.pk)
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.total == len(province.campaign.section_ids)
    drafted = SectionText.objects.filter(report=province).count()
    assert drafted > 0
    page = client.get(job_page(job)).content.decode()
    assert f"Đã soạn nháp {drafted} mục" in page
    assert "/tong-hop/" in job.result_url and "muc=P1" in job.result_url


def test_a_draft_stopped_midway_writes_nothing_and_the_next_run_finishes_it(
    client, province, people, database_queue, monkeypatch
):
    client.force_login(people["consolidator"])
    client.post(url("consolidate_draft", province))
    job = Job.objects.get(kind="draft")
    composed = []
    real = actions.compose_draft

    def killed_after_three(*args, **kwargs):
        if len(composed) == 3:
            raise KeyboardInterrupt  # as SIGKILL would: no handler runs
        composed.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(actions, "compose_draft", killed_after_three)
    with pytest.raises(KeyboardInterrupt):
        runner.run(job.pk)
    job.refresh_from_db()
    assert job.state == JobState.RUNNING and job.done == 3  # its page says 3/N
    assert not SectionText.objects.filter(report=province).exists()  # nothing half-done
    assert "Đã soạn 3/" in client.get(job_page(job)).content.decode()

    monkeypatch.setattr(
        actions, "compose_draft", lambda *a, **k: composed.append(a[1]) or real(*a, **k)
    )
    runner.run(job.pk)  # the task, queued again after its worker died
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.tries == 2
    assert len(composed) == len(set(composed)) == len(province.campaign.section_ids)  # each once
    texts = SectionText.objects.filter(report=province)
    assert texts.exists()
    assert SectionVersion.objects.filter(report=province).count() == texts.count()  # once each


def test_the_draft_at_once_is_back_in_the_workspace_as_before(client, province, people):
    client.force_login(people["consolidator"])
    response = client.post(url("consolidate_draft", province), follow=True)
    assert "Đã soạn nháp" in response.content.decode()
    assert Job.objects.get().state == JobState.DONE


# --- a large upload --------------------------------------------------------------------------------


def template_of(client, report) -> bytes:
    return client.get(url("indicators_template", report)).content


def test_a_large_upload_is_read_in_the_background_and_kept_once(client, province, people, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import override_settings

    settings.BAOCAO_BACKGROUND_INGEST_BYTES = 100
    client.force_login(people["consolidator"])
    data = template_of(client, province)

    response = client.post(  # read at once (no worker): the preview, as for a small file
        url("report_upload", province), {"file": SimpleUploadedFile("so-lieu.xlsx", data)}
    )
    upload = Upload.objects.get()
    assert response["Location"] == url("upload_preview", province, upload.pk)
    assert Job.objects.get().input_data is None  # the file is the upload's, not kept twice

    from baocao.web.background import DATABASE_QUEUE

    with override_settings(TASKS={"default": {"BACKEND": DATABASE_QUEUE}}):
        response = client.post(
            url("report_upload", province), {"file": SimpleUploadedFile("lan-2.xlsx", data)}
        )
        job = Job.objects.latest("pk")
        assert response["Location"] == job_page(job) and Upload.objects.count() == 1
        assert "Đọc tệp nộp lan-2.xlsx" in client.get(job_page(job)).content.decode()
        runner.run(job.pk)
        runner.run(job.pk)
    second = Upload.objects.latest("pk")
    assert Upload.objects.count() == 2 and second.filename == "lan-2.xlsx"
    job.refresh_from_db()
    assert job.result_url == url("upload_preview", province, second.pk)
    assert job.result_url in client.get(job_page(job)).content.decode()


def test_a_large_file_that_cannot_be_read_says_why(client, province, people, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.BAOCAO_BACKGROUND_INGEST_BYTES = 10
    client.force_login(people["consolidator"])
    broken = b"PK\x03\x04" + b"x" * 200  # looks like an Office file, is none
    response = client.post(
        url("report_upload", province), {"file": SimpleUploadedFile("hong.docx", broken)}
    )
    assert response.status_code == 400 and not Upload.objects.exists()
    assert Job.objects.get().state == JobState.FAILED


def test_a_job_whose_task_broke_says_so_and_a_new_click_starts_afresh(
    client, province, people, monkeypatch
):
    def broken(job):
        raise SystemExit("ngoài tầm xử lý của việc")  # escapes the job's own handling

    monkeypatch.setitem(runner_work(), "report_file", broken)
    client.force_login(people["consolidator"])
    response = client.get(url("report_download", province, "pdf"))
    job = Job.objects.get()
    assert response.status_code == 503 and job.state == JobState.FAILED
    assert "gặp lỗi của chương trình" in response.content.decode()


def test_a_persons_finished_jobs_of_yesterday_are_dropped_at_their_next_one(
    client, province, people, fake_pdf
):
    import datetime

    from django.utils import timezone

    client.force_login(people["consolidator"])
    client.get(url("report_download", province, "pdf"))
    old = Job.objects.get()
    Job.objects.filter(pk=old.pk).update(finished_at=timezone.now() - datetime.timedelta(days=2))
    client.get(url("report_download", province, "pdf"))
    assert not Job.objects.filter(pk=old.pk).exists() and Job.objects.count() == 1


def runner_work() -> dict:
    from baocao.apps.jobs.work import WORK

    return WORK
