"""Logins for every unit in one step (issue 12, item 4): one writer per unit named by its code,
a one-time password on a sheet, changed at the first login; re-running creates nothing twice."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from typer.testing import CliRunner

from baocao.apps.audit.models import AuditEntry
from baocao.apps.orgs.accounts import AccountsError, issue_accounts, reset_password
from baocao.apps.orgs.models import UnitKind
from baocao.cli import app

pytestmark = pytest.mark.django_db


def sheet_rows(path):
    book = openpyxl.load_workbook(io.BytesIO(path.read_bytes()))
    return [tuple(cell.value for cell in row) for row in book.active.iter_rows(min_row=2)]


def test_issue_gives_each_unit_a_login_once_and_a_sheet_to_hand_out(
    tree, tmp_path, django_user_model
):
    django_user_model.objects.create_superuser("quantri", password="mat-khau-quan-tri-1")
    out = tmp_path / "tai-khoan.xlsx"
    runner = CliRunner()
    result = runner.invoke(app, ["accounts", "issue", "--root", "KT", "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = sheet_rows(out)
    assert [(code, login) for code, _name, login, _pw, _note in rows] == [
        ("KT-DH-01", "kt-dh-01"),
        ("KT-DH-02", "kt-dh-02"),
        ("KT-DT-01", "kt-dt-01"),
    ]  # the province's CĐCS only, not another province's
    assert all(len(pw) == 12 for *_rest, pw, _note in rows)
    user = get_user_model().objects.get(username="kt-dh-01")
    assert user.membership.unit == tree.cdcs_dh1 and user.membership.roles == ["writer"]
    assert AuditEntry.objects.filter(action="accounts.issue").count() == 1

    again = tmp_path / "lan-hai.xlsx"
    assert (
        runner.invoke(app, ["accounts", "issue", "--root", "KT", "-o", str(again)]).exit_code == 0
    )
    assert all(pw in (None, "") for *_rest, pw, _note in sheet_rows(again))  # nothing twice
    assert get_user_model().objects.filter(username__startswith="kt-").count() == 3
    assert AuditEntry.objects.filter(action="accounts.issue").count() == 1


def test_the_first_login_must_choose_a_password(client, tree, django_user_model):
    admin = django_user_model.objects.create_superuser("quantri", password="mat-khau-quan-tri-1")
    [login, *_] = issue_accounts(tree.dakha, [UnitKind.GRASSROOTS], admin)
    response = client.post("/dang-nhap/", {"username": login.username, "password": login.password})
    assert response.status_code == 302
    page = client.get("/dot-bao-cao/", follow=True)
    assert page.redirect_chain[-1][0].endswith("/doi-mat-khau/")
    assert "mật khẩu cấp lần đầu" in page.content.decode()
    changed = client.post(
        "/doi-mat-khau/",
        {
            "old_password": login.password,
            "new_password1": "mat-khau-rieng-cua-toi",
            "new_password2": "mat-khau-rieng-cua-toi",
        },
    )
    assert changed.status_code == 302
    assert client.get("/dot-bao-cao/").status_code == 200  # free to work now
    user = get_user_model().objects.get(username=login.username)
    # full cost (Argon2id), not the one-time hasher
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


def test_only_admins_issue_and_a_reset_gives_a_new_one_time_password(
    tree, member, django_user_model
):
    writer = member("viet", tree.dakha, "writer")
    with pytest.raises(AccountsError, match="Chỉ quản trị"):
        issue_accounts(tree.dakha, [UnitKind.GRASSROOTS], writer)
    admin = member("quantri.dh", tree.dakha, "admin")
    [first, *_] = issue_accounts(tree.dakha, [UnitKind.GRASSROOTS], admin)
    again = reset_password(tree.cdcs_dh1, admin)
    assert again.username == first.username and again.password != first.password
    with pytest.raises(AccountsError, match="Chỉ quản trị"):
        reset_password(tree.other_cdcs, admin)  # another province's unit
