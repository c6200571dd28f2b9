"""Reminders when mail fails: a real SMTP server on 127.0.0.1 (aiosmtpd) that refuses one
address, or closes after some e-mails, behind Django's real SMTP backend. One refusal stops
nothing, every e-mail sent is logged before the next is tried, the failure is said per unit on
the page and by `baocao remind`, and a retry never sends what was sent.

The scenario's reminders go, in tree order, to KT-DH-02 (returned), KT-DT and KT-DT-01 (late).
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from typer.testing import CliRunner

from baocao.apps.campaigns import actions
from baocao.apps.campaigns.models import Campaign, ReminderLog, Report
from baocao.apps.campaigns.reminders import remind
from baocao.apps.orgs.models import Unit, UnitKind
from baocao.cli import app

from . import campaign_scenario
from .mail_server import REFUSED, free_port, running_mail_server, smtp_to  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(tree, member):
    return campaign_scenario.build(tree, member)


def codes(items) -> set[str]:
    return {item.unit_code for item in items}


def logged() -> dict[str, int]:
    """Reminders logged, per unit code."""
    counts: dict[str, int] = {}
    for code in ReminderLog.objects.values_list("report__unit__code", flat=True):
        counts[code] = counts.get(code, 0) + 1
    return counts


def test_one_refused_address_stops_nothing_and_a_retry_sends_only_what_was_not_sent(
    scene, mail_server
):
    Unit.objects.filter(code="KT-DT").update(email=REFUSED)
    first = remind(scene.campaign, actor=scene.people.province)
    assert codes(first) == {"KT-DH-02", "KT-DT-01"}
    assert [(item.unit_code, item.unit_name) for item in first.failed] == [
        ("KT-DT", "LĐLĐ huyện Đăk Tô")
    ]
    assert f"máy chủ thư từ chối địa chỉ {REFUSED} (550" in first.failed[0].reason
    assert len(mail_server.received) == 2
    assert logged() == {"KT-DH-02": 1, "KT-DT-01": 1}

    Unit.objects.filter(code="KT-DT").update(email="kt-dt@example.vn")  # the officer fixes it
    second = remind(scene.campaign, actor=scene.people.province)
    assert codes(second) == {"KT-DT"} and not second.failed
    assert sorted(code for code, _name in second.already) == ["KT-DH-02", "KT-DT-01"]
    assert len(mail_server.received) == 3  # each unit had exactly one e-mail
    assert logged() == {"KT-DH-02": 1, "KT-DT-01": 1, "KT-DT": 1}


def test_a_server_that_closes_midway_leaves_the_rest_for_the_next_try(scene, mail_server):
    mail_server.close_after = 1
    first = remind(scene.campaign)
    assert codes(first) == {"KT-DH-02"}
    assert codes(first.failed) == {"KT-DT", "KT-DT-01"}
    assert all("mất kết nối với máy chủ thư" in item.reason for item in first.failed)
    assert logged() == {"KT-DH-02": 1}

    mail_server.close_after = None
    second = remind(scene.campaign)
    assert codes(second) == {"KT-DT", "KT-DT-01"}
    assert len(mail_server.received) == 3
    assert logged() == {"KT-DH-02": 1, "KT-DT": 1, "KT-DT-01": 1}


def test_an_address_stored_before_addresses_were_checked_is_reported_not_tried(scene, mail_server):
    Unit.objects.filter(code="KT-DT").update(email="a@b..c")
    sent = remind(scene.campaign)
    assert codes(sent) == {"KT-DH-02", "KT-DT-01"}
    assert [item.reason for item in sent.failed] == ["địa chỉ thư không hợp lệ (a@b..c); hãy sửa"]
    assert all("a@b..c" not in recipients for recipients in mail_server.received)


def test_a_campaign_name_stored_with_a_line_break_still_gets_its_reminders(scene, mail_server):
    """A header Django refuses (a line break in the subject) was a 500 for every reminder."""
    Campaign.objects.filter(pk=scene.campaign.pk).update(name="Nhắc\nBcc: x@evil.example")
    scene.campaign.refresh_from_db()
    sent = remind(scene.campaign)
    assert codes(sent) == {"KT-DH-02", "KT-DT", "KT-DT-01"} and not sent.failed
    assert all("x@evil.example" not in recipients for recipients in mail_server.received)


def test_the_dashboard_button_names_each_unit_that_failed_and_why(scene, mail_server, client):
    Unit.objects.filter(code="KT-DT").update(email=REFUSED)
    client.force_login(scene.people.province)
    url = reverse("campaigns:remind", args=[scene.campaign.slug])
    html = client.post(url, {"confirm": "1"}, follow=True).content.decode()
    assert "Đã gửi 2 thư nhắc nhở (1 đơn vị quá hạn, 1 báo cáo bị trả lại)." in html
    assert "Không gửi được thư nhắc cho 1 đơn vị: LĐLĐ huyện Đăk Tô (máy chủ thư từ chối" in html
    assert "thư đã gửi không bị gửi lại" in html

    html = client.post(url, {"confirm": "1"}, follow=True).content.decode()  # again: none twice
    assert len(mail_server.received) == 2
    assert "2 đơn vị đã được nhắc trong 24 giờ qua nên không nhắc lại:" in html
    assert "Không gửi được thư nhắc cho 1 đơn vị: LĐLĐ huyện Đăk Tô" in html


def test_baocao_remind_lists_the_failures_and_exits_1_without_a_traceback(scene, mail_server):
    Unit.objects.filter(code="KT-DT").update(email=REFUSED, name="LĐLĐ [/] huyện Đăk Tô")
    result = CliRunner().invoke(app, ["remind", "--campaign", scene.campaign.slug])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    output = " ".join(result.output.split())
    assert "Đã gửi 2 thư nhắc nhở." in output
    assert "Không gửi được" in output and "KT-DT" in output and "[/]" in output
    assert "Không gửi được thư nhắc cho 1 đơn vị" in output
    assert "Traceback" not in result.output
    assert logged() == {"KT-DH-02": 1, "KT-DT-01": 1}
    again = CliRunner().invoke(app, ["remind", "--campaign", scene.campaign.slug])
    said = " ".join(again.output.split())
    assert "2 đơn vị đã được nhắc trong 24 giờ qua nên không nhắc lại: KT-DH-02, KT-DT-01" in said
    assert len(mail_server.received) == 2


@pytest.mark.parametrize(
    "refusal, reason",
    [
        ("sender", "máy chủ thư từ chối địa chỉ gửi đi (553 5.7.1 Sender address rejected)"),
        ("data", "máy chủ thư không nhận thư (554 5.7.1 Message rejected as spam)"),
        ("from", "không tạo được thư (Invalid address"),
    ],
)
def test_each_kind_of_refusal_is_said_per_unit(scene, mail_server, settings, refusal, reason):
    if refusal == "sender":
        mail_server.refuse_sender = True
    elif refusal == "data":
        mail_server.refuse_data_to = "kt-dt@example.vn"
    else:  # an operator's typo in BAOCAO_FROM_EMAIL: Django will not write the header
        settings.DEFAULT_FROM_EMAIL = "baocao <baocao@"
    sent = remind(scene.campaign)
    failed = {item.unit_code: item.reason for item in sent.failed}
    assert reason in failed["KT-DT"]
    assert logged() == {item.unit_code: 1 for item in sent}
    assert len(sent) + len(sent.failed) == 3


def test_a_long_list_of_units_is_cut_at_ten_and_counted(scene, mail_server, client, tree):
    for number in range(11):
        unit = Unit.objects.create(
            code=f"KT-DT-X{number:02d}",
            name=f"CĐCS số {number}",
            kind=UnitKind.GRASSROOTS,
            parent=tree.dakto,
            email="",
        )
        Report.objects.create(campaign=scene.campaign, unit=unit)
    client.force_login(scene.people.province)
    url = reverse("campaigns:remind", args=[scene.campaign.slug])
    html = client.post(url, {"confirm": "1"}, follow=True)
    html = html.content.decode()
    assert "Chưa gửi được cho 11 đơn vị vì chưa có địa chỉ thư: CĐCS số 0," in html
    assert "CĐCS số 9 và 1 đơn vị khác." in html


def test_no_mail_server_at_all_is_a_message_and_nothing_is_logged(scene, settings):
    smtp_to(settings, free_port())  # nobody listens there
    with pytest.raises(actions.ActionError, match="Không gửi được thư nhắc nhở"):
        remind(scene.campaign, actor=scene.people.province)
    assert not ReminderLog.objects.exists()


def test_a_unit_file_address_a_mail_server_would_refuse_is_refused_with_its_row(tree, client):
    from baocao.apps.orgs.services import import_units
    from baocao.unitfile import UnitFileError

    data = (
        "code,name,kind,parent_code,email\n"
        "KT-X,LĐLĐ huyện X,district,KT,a@b..c\n"
        "KT-Y,LĐLĐ huyện Y,district,KT,ldld@y.example.vn\n"
    ).encode()
    with pytest.raises(UnitFileError) as refused:
        import_units(data, "don-vi.csv")
    assert "Dòng 2" in str(refused.value) and "email “a@b..c” không hợp lệ" in str(refused.value)
    assert not Unit.objects.filter(code__in=["KT-X", "KT-Y"]).exists()
