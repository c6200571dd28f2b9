"""Reminders: one Vietnamese e-mail per late or returned unit, to the unit and its writers, a
record of it on the dashboard, from the button and from `baocao remind`."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from typer.testing import CliRunner

from baocao.apps.campaigns import actions
from baocao.apps.campaigns.models import ReminderLog
from baocao.apps.campaigns.reminders import due, preview, remind
from baocao.cli import app

from . import campaign_scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(tree, member):
    return campaign_scenario.build(tree, member)


def by_unit(sent):
    return {item.unit_code: item for item in sent}


def test_late_drafts_and_returned_reports_get_one_email_each(scene):
    sent = remind(scene.campaign)
    # the school was returned; Đăk Tô and its clinic never sent; sent reports are left alone
    assert set(by_unit(sent)) == {"KT-DH-02", "KT-DT", "KT-DT-01"}
    assert by_unit(sent)["KT-DH-02"].reason == "returned"
    assert by_unit(sent)["KT-DT"].reason == "late"
    assert len(mail.outbox) == 3


def test_the_email_goes_to_the_unit_and_its_writers(scene):
    remind(scene.campaign)
    to = {tuple(message.to) for message in mail.outbox}
    assert ("kt-dh-02@example.vn", "chutich.nguyenhue@example.vn") in to
    assert ("kt-dt-01@example.vn",) in to  # its writer has no e-mail address


def test_the_email_says_what_where_and_by_when_in_vietnamese(scene, settings):
    settings.BAOCAO_SITE_URL = "https://baocao.ldldkontum.vn"
    remind(scene.campaign, actor=scene.people.province)
    late = next(m for m in mail.outbox if "kt-dt@example.vn" in m.to)
    deadline = f"{scene.campaign.deadline:%d/%m/%Y}"
    assert late.subject == f"Nhắc nộp báo cáo: {campaign_scenario.NAME}"
    assert f"hạn nộp ngày {deadline}" in late.body
    assert "quá hạn 2 ngày" in late.body
    assert "Kính gửi: LĐLĐ huyện Đăk Tô," in late.body
    link = f"https://baocao.ldldkontum.vn/dot-bao-cao/{scene.campaign.slug}/bao-cao/KT-DT/"
    assert link in late.body
    assert "tinh\nLĐLĐ tỉnh Kon Tum" in late.body  # signed by the officer who sent it
    returned = next(m for m in mail.outbox if "kt-dh-02@example.vn" in m.to)
    assert returned.subject.startswith("Báo cáo bị trả lại cần hoàn thiện")
    assert "Lý do trả lại: Còn thiếu nội dung." in returned.body
    assert "nhận xét ở 1 mục" in returned.body


def test_nobody_is_reminded_of_a_draft_before_the_deadline(scene):
    tomorrow = scene.campaign.deadline - datetime.timedelta(days=1)
    assert {r.unit.code for r in due(scene.campaign, today=tomorrow)} == {"KT-DH-02"}


def test_each_reminder_is_recorded_and_shown_on_the_dashboard(scene, client):
    remind(scene.campaign, actor=scene.people.province)
    log = ReminderLog.objects.get(report=scene.reports.school)
    assert log.sent_by == scene.people.province and log.reason == "returned"
    assert log.recipients == ["kt-dh-02@example.vn", "chutich.nguyenhue@example.vn"]
    client.force_login(scene.people.province)
    html = client.get(reverse("campaigns:detail", args=[scene.campaign.slug])).content.decode()
    now = timezone.localtime(log.sent_at)
    assert f"đã nhắc lúc {now:%H:%M %d/%m/%Y}" in html


def test_a_district_reviewer_reminds_only_its_own_units(scene):
    sent = remind(scene.campaign, actor=scene.people.dak_ha)
    assert set(by_unit(sent)) == {"KT-DH-02"}


def test_the_senders_own_unit_is_never_mailed(scene):
    sent = remind(scene.campaign, actor=scene.people.dak_to)  # Đăk Tô is late itself
    assert set(by_unit(sent)) == {"KT-DT-01"}
    assert all("kt-dt@example.vn" not in message.to for message in mail.outbox)


def test_a_writer_may_not_send_reminders(scene):
    with pytest.raises(actions.NotAllowed):
        remind(scene.campaign, actor=scene.people.mar)
    assert mail.outbox == []


def test_a_closed_campaign_sends_nothing(scene):
    actions.close_campaign(scene.campaign, scene.people.province)
    with pytest.raises(actions.ActionError):
        remind(scene.campaign)
    assert mail.outbox == []


def test_a_unit_without_any_address_is_reported_not_skipped_silently(scene, tree):
    type(tree.dakto).objects.filter(pk=tree.dakto.pk).update(email="")
    sent = remind(scene.campaign)
    assert "KT-DT" not in by_unit(sent)
    assert sent.without_address == [("KT-DT", "LĐLĐ huyện Đăk Tô")]


def confirm_form(html: str) -> dict[str, str]:
    """The preview's confirmation form, as the browser would send it."""
    reports = re.search(r'name="reports" value="([^"]*)"', html)
    assert reports is not None, "no confirmation form on the preview"
    return {"confirm": "1", "reports": reports.group(1)}


def test_the_dashboard_button_shows_the_recipients_and_sends_only_when_confirmed(scene, client):
    client.force_login(scene.people.province)
    url = reverse("campaigns:remind", args=[scene.campaign.slug])
    html = client.get(url).content.decode()
    assert "Sẽ gửi 3 thư nhắc nhở" in html
    assert "kt-dh-02@example.vn, chutich.nguyenhue@example.vn" in html  # unit, then writers
    assert "kt-dt@example.vn" in html and "kt-dt-01@example.vn" in html
    assert "Bị trả lại, chưa gửi lại" in html and "Quá hạn chưa gửi" in html
    assert "tinh<br>LĐLĐ tỉnh Kon Tum" in html  # how the e-mail is signed
    assert client.post(url).status_code == 200  # no confirmation: the preview, nothing sent
    assert mail.outbox == [] and not ReminderLog.objects.exists()

    response = client.post(url, confirm_form(html), follow=True)
    assert "Đã gửi 3 thư nhắc nhở (2 đơn vị quá hạn, 1 báo cáo bị trả lại)." in (
        response.content.decode()
    )
    assert len(mail.outbox) == 3


def test_a_double_submit_of_the_confirmation_sends_nothing_twice(scene, client):
    client.force_login(scene.people.province)
    url = reverse("campaigns:remind", args=[scene.campaign.slug])
    form = confirm_form(client.get(url).content.decode())
    client.post(url, form)
    html = client.post(url, form, follow=True).content.decode()
    assert len(mail.outbox) == 3 and ReminderLog.objects.count() == 3
    assert "3 đơn vị đã được nhắc trong 24 giờ qua nên không nhắc lại" in html
    again = client.get(url).content.decode()  # the preview now says why they are left out
    assert "Không có thư nhắc nhở nào cần gửi lúc này." in again
    assert "Không gửi cho 3 đơn vị" in again and "trong 24 giờ qua" in again


def test_a_click_racing_another_finds_its_reminders_sent_and_sends_none(scene, monkeypatch):
    """Two clicks at once: both previews listed the units; the second to claim each one finds
    the first's log (the claim re-checks the window under the report's lock)."""
    seen_before = preview(scene.campaign, actor=scene.people.province)
    remind(scene.campaign, actor=scene.people.province)
    monkeypatch.setattr("baocao.apps.campaigns.reminders.preview", lambda *a, **k: seen_before)
    second = remind(scene.campaign, actor=scene.people.province)
    assert len(second) == 0 and len(second.already) == 3
    assert len(mail.outbox) == 3 and ReminderLog.objects.count() == 3


def test_only_the_reports_confirmed_are_reminded(scene, client):
    client.force_login(scene.people.province)
    url = reverse("campaigns:remind", args=[scene.campaign.slug])
    client.post(url, {"confirm": "1", "reports": str(scene.reports.school.pk)})
    assert [message.to[0] for message in mail.outbox] == ["kt-dh-02@example.vn"]


def test_a_unit_reminded_within_the_window_is_left_out_then_reminded_again(scene, settings):
    remind(scene.campaign)
    ReminderLog.objects.update(sent_at=timezone.now() - datetime.timedelta(hours=23))
    assert {item.state for item in preview(scene.campaign)} == {"recent"}
    assert len(remind(scene.campaign)) == 0
    settings.BAOCAO_REMINDER_WINDOW_HOURS = 12
    assert {item.state for item in preview(scene.campaign)} == {"send"}
    assert len(remind(scene.campaign)) == 3
    assert len(mail.outbox) == 6


def test_the_preview_never_lists_the_senders_own_unit(scene, client):
    client.force_login(scene.people.dak_to)  # Đăk Tô is late itself
    html = client.get(reverse("campaigns:remind", args=[scene.campaign.slug])).content.decode()
    assert "Sẽ gửi 1 thư nhắc nhở" in html and "kt-dt-01@example.vn" in html
    assert "kt-dt@example.vn" not in html
    client.post(reverse("campaigns:remind", args=[scene.campaign.slug]), {"confirm": "1"})
    assert [message.to for message in mail.outbox] == [["kt-dt-01@example.vn"]]


def test_the_dashboard_button_is_not_for_writers(scene, client):
    client.force_login(scene.people.mar)
    url = reverse("campaigns:remind", args=[scene.campaign.slug])
    assert client.get(url).status_code == 404
    assert client.post(url, {"confirm": "1"}).status_code == 404
    client.force_login(scene.people.other)
    assert client.post(url, {"confirm": "1"}).status_code == 404
    assert mail.outbox == []


def test_baocao_remind_sends_from_the_command_line(scene):
    result = CliRunner().invoke(app, ["remind", "--campaign", scene.campaign.slug])
    assert result.exit_code == 0, result.output
    assert "Đã gửi 3 thư nhắc nhở." in result.output
    assert len(mail.outbox) == 3
    assert ReminderLog.objects.filter(sent_by=None).count() == 3
    again = CliRunner().invoke(app, ["campaign", "remind", "khong-co"])
    assert again.exit_code == 1 and "Không có đợt báo cáo" in again.output
    assert "Trân trọng,\nLĐLĐ tỉnh Kon Tum\n" in mail.outbox[0].body  # the campaign's unit signs


def test_baocao_remind_dry_run_lists_the_recipients_and_sends_nothing(scene):
    remind(scene.campaign, units=type(scene.tree.dakto).objects.filter(code="KT-DT"))
    result = CliRunner().invoke(app, ["campaign", "remind", scene.campaign.slug, "--dry-run"])
    assert result.exit_code == 0, result.output
    output = result.output  # a table: long cells wrap, so only short words are looked for
    assert "Chạy thử, chưa gửi gì" in output
    assert all(code in output for code in ("KT-DH-02", "KT-DT-01", "KT-DT "))
    assert "sẽ gửi" in output and "bỏ qua:" in output  # KT-DT: reminded just now
    assert "Sẽ gửi 2 thư nhắc nhở; bỏ qua 1 đơn vị." in output
    assert len(mail.outbox) == 1  # the one sent above; the dry run sent nothing
