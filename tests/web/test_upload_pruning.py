"""Files sent in for reports that nobody confirmed: a per-unit quota of files waiting
(BAOCAO_UPLOAD_QUOTA_MB) and `baocao uploads prune --days N` (`actions.prune_uploads`),
which deletes old waiting and discarded files, audited, and keeps confirmed ones."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from typer.testing import CliRunner

from baocao.apps.audit.models import AuditEntry
from baocao.apps.campaigns import actions
from baocao.apps.campaigns.models import Upload, UploadStatus
from baocao.cli import app

from .campaign_scenario import as_user, open_nq20, report_of, url

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
REPORT_FILE = next((Path(__file__).parents[1] / "fixtures" / "reports").glob("01_*.docx"))


def store(report, actor, *, size: int, days_old: int = 0, status=UploadStatus.PENDING) -> Upload:
    upload = actions.store_upload(
        report,
        actor,
        filename=f"bao-cao-{size}.docx",
        data=bytes(size),
        content_type="application/octet-stream",
        found={},
    )
    when = timezone.now() - datetime.timedelta(days=days_old)
    Upload.objects.filter(pk=upload.pk).update(status=status, uploaded_at=when)
    return upload


@pytest.fixture
def files(school, people):
    """KT-DH-01's files: waiting 40 and 5 days, discarded 40 days, confirmed 40 days."""
    writer = people["school_writer"]
    return {
        "old_pending": store(school, writer, size=1000, days_old=40),
        "new_pending": store(school, writer, size=2000, days_old=5),
        "old_discarded": store(
            school, writer, size=3000, days_old=40, status=UploadStatus.DISCARDED
        ),
        "old_confirmed": store(
            school, writer, size=4000, days_old=40, status=UploadStatus.CONFIRMED
        ),
    }


def test_pruning_deletes_old_waiting_and_discarded_files_and_audits_each(files):
    pruned = actions.prune_uploads(30)
    assert (pruned.count, pruned.size) == (2, 4000)
    assert pruned.by_status == {"pending": 1, "discarded": 1}
    kept = set(Upload.objects.values_list("pk", flat=True))
    assert kept == {files["new_pending"].pk, files["old_confirmed"].pk}
    entries = AuditEntry.objects.filter(action="upload.prune")
    assert sorted(entry.details["upload"] for entry in entries) == sorted(
        [files["old_pending"].pk, files["old_discarded"].pk]
    )
    assert {entry.object_id for entry in entries} == {str(files["old_pending"].report_id)}


def test_a_dry_run_counts_and_changes_nothing(files):
    pruned = actions.prune_uploads(30, dry_run=True)
    assert (pruned.count, pruned.size) == (2, 4000)
    assert Upload.objects.count() == 4
    assert not AuditEntry.objects.filter(action="upload.prune").exists()


def test_pruning_refuses_fewer_than_one_day(files):
    with pytest.raises(actions.ActionError, match="từ 1 trở lên"):
        actions.prune_uploads(0)
    assert Upload.objects.count() == 4


def test_the_command_prunes_for_cron_and_says_what_it_did(files):
    runner = CliRunner()
    dry = runner.invoke(app, ["uploads", "prune", "--days", "30", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Sẽ xoá 2 tệp nộp cũ hơn 30 ngày" in dry.output
    assert Upload.objects.count() == 4
    done = runner.invoke(app, ["uploads", "prune", "--days", "30"])
    assert done.exit_code == 0, done.output
    assert "Đã xoá 2 tệp nộp cũ hơn 30 ngày" in done.output
    assert "1 chờ xác nhận" in done.output and "1 đã bỏ" in done.output
    assert Upload.objects.count() == 2


def test_a_unit_over_its_quota_of_waiting_files_is_told_what_to_do(
    client, school, people, settings
):
    settings.BAOCAO_UPLOAD_QUOTA_MB = 1
    writer = people["school_writer"]
    waiting = store(school, writer, size=MB - 1000)
    as_user(client, writer)
    page = client.post(
        url("report_upload", school),
        {"file": SimpleUploadedFile("bao-cao.docx", REPORT_FILE.read_bytes())},
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert "đơn vị đã có 1 MB tệp nộp đang chờ xác nhận" in html
    assert "quá 1 MB cho mỗi đơn vị" in html and "bỏ những tệp không cần" in html
    assert Upload.objects.count() == 1
    actions.discard_upload(school, waiting, writer)  # room again
    again = client.post(
        url("report_upload", school),
        {"file": SimpleUploadedFile("bao-cao.docx", REPORT_FILE.read_bytes())},
    )
    assert again.status_code == 302
    assert Upload.objects.filter(status=UploadStatus.PENDING).count() == 1


def test_the_quota_counts_the_units_waiting_files_in_every_campaign(
    campaign, tree, people, settings
):
    """The unit's files waiting in another campaign count; another unit's do not."""
    settings.BAOCAO_UPLOAD_QUOTA_MB = 1
    writer = people["school_writer"]
    later = open_nq20(tree, people["admin"], name="Đợt sau", slug="nq20-dot-sau")
    store(report_of(later, tree.cdcs_dh1), writer, size=MB - 100)
    store(report_of(campaign, tree.cdcs_dh2), people["clinic_writer"], size=MB - 100)
    with pytest.raises(actions.UploadQuotaExceeded):
        store(report_of(campaign, tree.cdcs_dh1), writer, size=200)
    assert Upload.objects.count() == 2
