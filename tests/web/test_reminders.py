"""Reminders: one Vietnamese e-mail per late or returned unit, to the unit and its writers, a
record of it on the dashboard, from the button and from `baocao remind`."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from typer.testing import CliRunner

from baocao.apps.campaigns import actions
from baocao.apps.campaigns.models import ReminderLog
from baocao.apps.campaigns.reminders import due, remind
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


def test_the_dashboard_button_sends_and_says_how_many(scene, client):
    client.force_login(scene.people.province)
    url = reverse("campaigns:remind", args=[scene.campaign.slug])
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert "Đã gửi 3 thư nhắc nhở (2 đơn vị quá hạn, 1 báo cáo bị trả lại)." in (
        response.content.decode()
    )
    assert len(mail.outbox) == 3


def test_the_dashboard_button_is_not_for_writers(scene, client):
    client.force_login(scene.people.mar)
    url = reverse("campaigns:remind", args=[scene.campaign.slug])
    assert client.post(url).status_code == 404
    client.force_login(scene.people.other)
    assert client.post(url).status_code == 404
    assert mail.outbox == []


def test_baocao_remind_sends_from_the_command_line(scene):
    result = CliRunner().invoke(app, ["remind", "--campaign", scene.campaign.slug])
    assert result.exit_code == 0, result.output
    assert "Đã gửi 3 thư nhắc nhở." in result.output
    assert len(mail.outbox) == 3
    assert ReminderLog.objects.filter(sent_by=None).count() == 3
    again = CliRunner().invoke(app, ["campaign", "remind", "khong-co"])
    assert again.exit_code == 1 and "Không có đợt báo cáo" in again.output
