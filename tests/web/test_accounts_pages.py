"""Logins in the browser (issue 12, item 4): "Cấp tài khoản" gives every unit of a subtree a
writer account and answers the sheet of one-time passwords (re-running creates nothing twice);
"Đặt lại mật khẩu" shows one unit's new one-time password once; either may e-mail the login to
the unit, one message per unit. Never outside the person's own subtree."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from baocao.apps.audit.models import AuditEntry
from baocao.apps.orgs.accounts import MUST_CHANGE, issue_accounts
from baocao.apps.orgs.models import UnitKind

from .campaign_scenario import as_user

pytestmark = pytest.mark.django_db

ACCOUNTS = reverse("orgs:accounts")


def reset_url(unit) -> str:
    return reverse("orgs:reset_password", args=[unit.code])


def rows(response) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return [tuple(cell.value for cell in row) for row in book.active.iter_rows(min_row=2)]


def issue(client, unit, *kinds, **extra):
    data = {"root_unit": str(unit.pk), "kinds": list(kinds or [UnitKind.GRASSROOTS]), **extra}
    return client.post(ACCOUNTS, data)


@pytest.fixture
def district(tree, member):
    """Đăk Hà's consolidator: hands out its CĐCS' logins."""
    return member("dakha.tonghop", tree.dakha, "writer", "consolidator")


def test_a_district_issues_its_cdcs_logins_once_and_downloads_the_sheet(client, tree, district):
    as_user(client, district)
    page = client.get(ACCOUNTS).content.decode()
    assert "Cấp tài khoản và tải bảng" in page
    assert tree.dakha.name in page and tree.dakto.name not in page  # only its subtree

    response = issue(client, tree.dakha)
    assert response.status_code == 200
    assert (
        "attachment" in response["Content-Disposition"]
        and ".xlsx" in response["Content-Disposition"]
    )
    assert "no-store" in response["Cache-Control"]
    first = rows(response)
    assert [(code, login) for code, _name, login, _pw, _note in first] == [
        ("KT-DH-01", "kt-dh-01"),
        ("KT-DH-02", "kt-dh-02"),
    ]
    account = get_user_model().objects.get(username="kt-dh-01")
    assert account.check_password(first[0][3])
    assert account.groups.filter(name=MUST_CHANGE).exists()
    assert account.membership.unit == tree.cdcs_dh1 and account.membership.roles == ["writer"]

    again = rows(issue(client, tree.dakha))
    assert [pw for *_rest, pw, _note in again] == [None, None]  # nothing twice
    assert get_user_model().objects.filter(username__startswith="kt-dh-0").count() == 2
    assert AuditEntry.objects.filter(action="accounts.issue").count() == 1
    followed = client.get(ACCOUNTS).content.decode()
    assert "Đã cấp 0 tài khoản mới; 2 đơn vị đã có tài khoản" in followed


def test_nobody_issues_outside_their_subtree(client, tree, member, district):
    as_user(client, district)
    for outside in (tree.dakto, tree.province, tree.other_district):
        assert issue(client, outside).status_code == 400  # not offered
    assert not get_user_model().objects.filter(username__startswith="kt-").exists()
    for person in (member("viet", tree.dakha, "writer"), member("duyet", tree.dakha, "reviewer")):
        as_user(client, person)
        assert client.get(ACCOUNTS).status_code == 403
        assert issue(client, tree.dakha).status_code == 403
    assert not get_user_model().objects.filter(username__startswith="kt-").exists()


def test_the_logins_can_go_by_e_mail_one_message_per_unit(client, tree, district):
    as_user(client, district)
    sheet = rows(issue(client, tree.dakha, send_mail="on"))
    assert len(mail.outbox) == 2
    for message, (code, _name, login, password, _note) in zip(mail.outbox, sheet, strict=True):
        assert message.to == [f"{code.lower()}@example.vn"]
        assert login in message.body and password in message.body
    entries = AuditEntry.objects.filter(action="accounts.mail")
    assert entries.count() == 2
    assert all(
        password not in str(entry.details) for *_r, password, _n in sheet for entry in entries
    )
    assert "Đã gửi thư cho 2 đơn vị." in client.get(ACCOUNTS).content.decode()


def test_a_reset_shows_the_new_password_once(client, tree, district, member):
    issue_accounts(tree.dakha, [UnitKind.GRASSROOTS], district)
    as_user(client, district)
    found = client.get(ACCOUNTS, {"q": "Đăk Mar"}).content.decode()
    assert reset_url(tree.cdcs_dh1) in found and "chưa đăng nhập lần nào" in found

    confirm = client.get(reset_url(tree.cdcs_dh1)).content.decode()
    assert "kt-dh-01" in confirm and "mat-khau-moi" not in confirm
    response = client.post(reset_url(tree.cdcs_dh1), {"send_mail": "1"})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    password = response.context["login"].password
    assert f'<code id="mat-khau-moi">{password}</code>' in response.content.decode()
    account = get_user_model().objects.get(username="kt-dh-01")
    assert account.check_password(password) and account.groups.filter(name=MUST_CHANGE).exists()
    assert len(mail.outbox) == 1 and password in mail.outbox[0].body
    assert mail.outbox[0].to == ["kt-dh-01@example.vn"]
    assert password not in client.get(reset_url(tree.cdcs_dh1)).content.decode()

    assert client.get(reset_url(tree.cdcs_dt1)).status_code == 404  # a neighbour's CĐCS
    assert client.post(reset_url(tree.other_cdcs)).status_code == 404
    as_user(client, member("dh.duyet", tree.dakha, "reviewer"))  # sees it, may not reset it
    assert client.post(reset_url(tree.cdcs_dh1)).status_code == 403
    assert get_user_model().objects.get(username="kt-dh-01").check_password(password)


def test_a_unit_without_an_account_is_told_to_get_one_first(client, tree, district):
    as_user(client, district)
    page = client.get(reset_url(tree.cdcs_dh2)).content.decode()
    assert "chưa có tài khoản kt-dh-02" in page
    refused = client.post(reset_url(tree.cdcs_dh2))
    assert refused.status_code == 400 and "hãy cấp tài khoản trước" in refused.content.decode()
