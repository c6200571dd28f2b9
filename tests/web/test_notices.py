"""Notices: made with the campaign and review actions (opened, returned with its remarks,
accepted) and by the sending run (deadline soon, once per report); each person's own list with
the unread count in the header and "đã đọc"; and `baocao notices send`, against a real SMTP
server, e-mailing each pending notice once, a failure left pending and reported.

People (conftest `people`): Đăk Hà (KT-DH) has two writers, KT-DH-01 two, KT-DH-02 one, Đăk Tô
(KT-DT) one; the reviewers and the province's officers write nothing.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from typer.testing import CliRunner

from baocao.apps.campaigns import actions
from baocao.apps.notices import notify, sending
from baocao.apps.notices.models import Notice, NoticeKind
from baocao.apps.orgs.models import Unit, UnitKind
from baocao.cli import app

from .campaign_scenario import open_nq20, report_of
from .mail_server import REFUSED, free_port, running_mail_server, smtp_to  # noqa: F401

pytestmark = pytest.mark.django_db

WRITERS = {
    "dakha_viet": "KT-DH",
    "dakha_viet2": "KT-DH",
    "truong_viet": "KT-DH-01",
    "truong_viet2": "KT-DH-01",
    "yte_viet": "KT-DH-02",
    "dakto_viet": "KT-DT",
}


def notices(kind: str | None = None) -> dict[str, list[Notice]]:
    """Notices by recipient's login, of `kind` if given."""
    found: dict[str, list[Notice]] = {}
    rows = Notice.objects.select_related("recipient", "unit", "report", "sender_unit")
    for notice in rows.filter(kind=kind) if kind else rows:
        found.setdefault(notice.recipient.username, []).append(notice)
    return found


def give_addresses(people) -> None:
    for user in people.values():
        user.email = f"{user.username}@example.vn"
        user.save(update_fields=["email"])


def submitted(report, writer):
    actions.submit(report, writer, report.version)
    report.refresh_from_db()
    return report


# --- made with the actions --------------------------------------------------------------------


def test_opening_a_campaign_tells_the_writers_of_every_unit_in_it(campaign, people):
    made = notices(NoticeKind.CAMPAIGN_OPENED)
    assert {name: [n.unit.code for n in found] for name, found in made.items()} == {
        name: [code] for name, code in WRITERS.items()
    }
    notice = made["truong_viet"][0]
    assert notice.report == report_of(campaign, notice.unit)
    assert notice.sender_unit.code == "KT" and notice.read_at is None and notice.emailed_at is None
    assert notice.text == (
        f"LĐLĐ tỉnh Kon Tum đã mở đợt báo cáo “{campaign.name}”. Đề nghị CĐCS UBND xã Đăk Mar "
        f"viết và gửi báo cáo trước hạn nộp ngày {campaign.deadline:%d/%m/%Y}."
    )


def test_many_units_take_the_same_few_queries_as_one(tree, people, member):
    """Bulk: one query for the reports, one for the writers and the inserts, per 500 units."""
    for number in range(40):
        unit = Unit.objects.create(
            code=f"KT-DT-N{number:02d}",
            name=f"CĐCS mới số {number}",
            kind=UnitKind.GRASSROOTS,
            parent=tree.dakto,
        )
        member(f"moi{number:02d}", unit, "writer")
    campaign = open_nq20(tree, people["admin"])
    added = list(Unit.objects.filter(code__startswith="KT-DT-N").values_list("pk", flat=True))
    assert Notice.objects.filter(unit__in=added).count() == 40
    with CaptureQueriesContext(connection) as queries:
        assert notify.campaign_opened(campaign, added) == 40
    assert len(queries) <= 3


def test_units_added_later_get_their_notice_and_nobody_gets_a_second(campaign, tree, member):
    unit = Unit.objects.create(
        code="KT-DT-02", name="CĐCS Trường THCS Đăk Tô", kind=UnitKind.GRASSROOTS, parent=tree.dakto
    )
    member("thcs_viet", unit, "writer")
    before = Notice.objects.count()
    actions.add_units(campaign, tree.province, campaign.created_by)
    assert Notice.objects.count() == before + 1
    assert notices(NoticeKind.CAMPAIGN_OPENED)["thcs_viet"][0].unit == unit


def test_a_returned_report_tells_its_writers_the_reason_and_every_remark(campaign, people, school):
    report = submitted(school, people["school_writer"])
    actions.return_report(
        report,
        people["dakha_reviewer"],
        "Còn thiếu số liệu năm 2017.",
        {"P1/I/2": "Hãy nêu các văn bản đã ban hành."},
        expected_version=report.version,
    )
    made = notices(NoticeKind.REPORT_RETURNED)
    assert set(made) == {"truong_viet", "truong_viet2"}  # not the reviewer, not other units
    notice = made["truong_viet"][0]
    assert notice.sender_unit.code == "KT-DH"
    assert "đã bị LĐLĐ huyện Đăk Hà trả lại để hoàn thiện" in notice.text
    assert "Lý do: Còn thiếu số liệu năm 2017." in notice.text
    assert (
        "- Phần thứ nhất, mục I.2. Tình hình triển khai thực hiện Nghị quyết ở các cấp công "
        "đoàn: Hãy nêu các văn bản đã ban hành."
    ) in notice.text


def test_an_accepted_report_tells_its_writers(campaign, people, school):
    report = submitted(school, people["school_writer"])
    actions.accept(report, people["dakha_reviewer"], report.version)
    made = notices(NoticeKind.REPORT_ACCEPTED)
    assert set(made) == {"truong_viet", "truong_viet2"}
    assert "đã được LĐLĐ huyện Đăk Hà duyệt (chấp nhận)" in made["truong_viet"][0].text


def test_a_refused_review_leaves_no_notice(campaign, people, school):
    """Made in the action's transaction: a refusal (here, the wrong version) makes none."""
    report = submitted(school, people["school_writer"])
    with pytest.raises(actions.ActionError):
        actions.accept(report, people["dakha_reviewer"], report.version - 1)
    assert not Notice.objects.filter(kind=NoticeKind.REPORT_ACCEPTED).exists()


def test_deadline_soon_tells_the_writers_of_unsent_reports_once(tree, people, settings):
    campaign = open_nq20(tree, people["admin"], days=2)
    submitted(report_of(campaign, tree.cdcs_dh2), people["clinic_writer"])
    assert notify.deadline_soon() == 5  # every writer but the clinic's, whose report is sent
    made = notices(NoticeKind.DEADLINE_SOON)
    assert set(made) == set(WRITERS) - {"yte_viet"}
    assert "(còn 2 ngày). Báo cáo của LĐLĐ huyện Đăk Tô chưa được gửi" in made["dakto_viet"][0].text
    assert notify.deadline_soon() == 0  # never twice per report
    assert notify.deadline_soon(today=campaign.deadline) == 0
    assert Notice.objects.filter(kind=NoticeKind.DEADLINE_SOON).count() == 5


def test_deadline_soon_waits_for_the_number_of_days_set(tree, people, settings):
    open_nq20(tree, people["admin"], days=5)
    assert notify.deadline_soon() == 0  # 3 days by default
    settings.BAOCAO_DEADLINE_NOTICE_DAYS = 5
    assert notify.deadline_soon() == 6


# --- the page ------------------------------------------------------------------------------------


def test_each_person_sees_only_their_own_notices_and_the_unread_count(campaign, people, client):
    client.force_login(people["school_writer"])
    html = client.get(reverse("notices:list")).content.decode()
    assert "CĐCS UBND xã Đăk Mar" in html and "Đăk Tô" not in html.split("<main", 1)[1]
    assert '<span class="count" title="chưa đọc">1</span>' in html
    assert "1 thông báo chưa đọc." in html
    report_link = reverse("campaigns:report", args=[campaign.slug, "KT-DH-01"])
    assert f'href="{report_link}"' in html

    client.force_login(people["province"])  # writes nothing: no notice, no count
    html = client.get(reverse("notices:list")).content.decode()
    assert "Chưa có thông báo nào." in html and 'class="count"' not in html


def test_marking_one_read_then_all(campaign, people, client, school):
    writer = people["school_writer"]
    report = submitted(school, writer)
    actions.accept(report, people["dakha_reviewer"], report.version)
    opened, accepted = (
        Notice.objects.get(recipient=writer, kind=kind)
        for kind in (NoticeKind.CAMPAIGN_OPENED, NoticeKind.REPORT_ACCEPTED)
    )
    client.force_login(writer)
    assert '<span class="count" title="chưa đọc">2</span>' in client.get("/").content.decode()
    response = client.post(reverse("notices:read"), {"thong_bao": str(opened.pk)})
    assert response.status_code == 302 and response["Location"] == reverse("notices:list")
    opened.refresh_from_db()
    accepted.refresh_from_db()
    assert opened.read_at is not None and accepted.read_at is None
    html = client.get(reverse("notices:list")).content.decode()
    assert '<span class="count" title="chưa đọc">1</span>' in html

    client.post(reverse("notices:read"))
    assert not Notice.objects.filter(recipient=writer, read_at=None).exists()
    assert 'class="count"' not in client.get(reverse("notices:list")).content.decode()


def test_nobody_marks_another_persons_notice(campaign, people, client):
    theirs = Notice.objects.get(recipient=people["dakto_writer"])
    client.force_login(people["school_writer"])
    response = client.post(reverse("notices:read"), {"thong_bao": str(theirs.pk)})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert client.get(reverse("notices:read")).status_code == 405


# --- e-mail ----------------------------------------------------------------------------------------


def send_command(*options: str):
    return CliRunner().invoke(app, ["notices", "send", *options])


def test_notices_send_emails_each_pending_notice_once(campaign, people, mail_server, settings):
    settings.BAOCAO_SITE_URL = "https://baocao.ldldkontum.vn"
    give_addresses(people)
    result = send_command()  # with its progress bar
    assert result.exit_code == 0, result.output
    assert "Gửi thông báo" in result.output and "6/6" in result.output
    assert "Đã gửi 6 thư thông báo." in result.output
    assert sorted(next(iter(rcpts)) for rcpts in mail_server.received) == sorted(
        f"{name}@example.vn" for name in WRITERS
    )
    assert not Notice.objects.filter(emailed_at=None).exists()

    again = send_command("--quiet")
    assert again.exit_code == 0 and "Đã gửi 0 thư thông báo." in again.output
    assert len(mail_server.received) == 6


def test_the_email_is_vietnamese_addressed_to_the_person_and_signed_by_the_unit(
    campaign, people, settings, mailoutbox
):
    settings.BAOCAO_SITE_URL = "https://baocao.ldldkontum.vn"
    writer = people["school_writer"]
    writer.email, writer.first_name, writer.last_name = "chutich@example.vn", "An", "Nguyễn Văn"
    writer.save()
    sending.run()
    (message,) = mailoutbox
    assert message.to == ["chutich@example.vn"]
    assert message.subject == f"Đợt báo cáo mới: {campaign.name}"
    assert message.body.startswith("Kính gửi: An Nguyễn Văn,\n\nLĐLĐ tỉnh Kon Tum đã mở đợt")
    link = f"https://baocao.ldldkontum.vn/dot-bao-cao/{campaign.slug}/bao-cao/KT-DH-01/"
    assert f"Mở báo cáo tại: {link}" in message.body
    assert "Trân trọng,\nLĐLĐ tỉnh Kon Tum\n" in message.body


def test_a_refused_address_stays_pending_is_reported_and_goes_next_time(
    campaign, people, mail_server
):
    give_addresses(people)
    refused = people["dakto_writer"]
    refused.email = REFUSED
    refused.save(update_fields=["email"])
    result = send_command()
    assert result.exit_code == 1
    output = " ".join(result.output.split())
    assert "Đã gửi 5 thư thông báo." in output and "Không gửi được 1 thông báo" in output
    assert "dakto_viet" in output and "550" in output
    assert Notice.objects.get(recipient=refused).emailed_at is None
    assert len(mail_server.received) == 5

    refused.email = "dakto@example.vn"
    refused.save(update_fields=["email"])
    assert send_command().exit_code == 0
    assert Notice.objects.get(recipient=refused).emailed_at is not None
    assert len(mail_server.received) == 6  # the others were not sent again


def test_no_mail_server_marks_nothing(campaign, people, settings):
    give_addresses(people)
    smtp_to(settings, free_port())  # nobody listens there
    result = send_command()
    assert result.exit_code == 1 and "Không gửi được thông báo qua thư" in result.output
    assert not Notice.objects.exclude(emailed_at=None).exists()


def test_two_runs_at_once_send_each_notice_once(campaign, people, mail_server):
    """The second run listed the same notices before the first marked them: each is claimed
    (one UPDATE) before it is sent, so the second finds them taken."""
    give_addresses(people)
    listed_by_both = sending.pending()
    first = sending.send(listed_by_both)
    second = sending.send(listed_by_both)
    assert (first.sent, second.sent, second.taken) == (6, 0, 6)
    assert len(mail_server.received) == 6


def test_read_closed_and_addressless_notices_are_not_emailed(campaign, people, tree, mailoutbox):
    give_addresses(people)
    people["dakto_writer"].email = ""
    people["dakto_writer"].save(update_fields=["email"])
    Notice.objects.filter(recipient=people["school_writer"]).update(read_at=timezone.now())
    assert sending.run().sent == 4
    other = open_nq20(tree, people["admin"], slug="dot-da-ket-thuc")
    actions.close_campaign(other, people["admin"])
    assert Notice.objects.filter(campaign=other).count() == 6
    assert sending.run().sent == 0 and len(mailoutbox) == 4


def test_the_run_makes_the_deadline_notices_then_sends_them(tree, people, mailoutbox):
    campaign = open_nq20(tree, people["admin"], days=1)
    give_addresses(people)
    Notice.objects.update(emailed_at=timezone.now())  # the "opened" ones went out before
    result = send_command("--quiet")
    assert result.exit_code == 0, result.output
    assert "Đã tạo 6 thông báo sắp đến hạn nộp." in result.output
    assert len(mailoutbox) == 6
    assert {message.subject for message in mailoutbox} == {
        f"Sắp đến hạn nộp báo cáo: {campaign.name}"
    }
    assert "Đã gửi 0 thư thông báo." in send_command().output  # once per report
