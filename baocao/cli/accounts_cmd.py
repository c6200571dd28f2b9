"""`baocao accounts issue|reset`: logins for every unit of a subtree, in one step, as a sheet to
hand out; a new one-time password for one unit. Re-running `issue` creates nothing twice."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from baocao.cli.django_setup import setup_django

app = typer.Typer(no_args_is_help=True, add_completion=False)
err = Console(stderr=True)


def _fail(message: str) -> None:
    err.print(f"[red]Lỗi:[/red] {escape(message)}")
    raise typer.Exit(2)


def _operator():
    from django.contrib.auth import get_user_model

    operator = get_user_model().objects.filter(is_superuser=True, is_active=True).first()
    if operator is None:
        _fail("Cần một tài khoản quản trị (superuser): baocao manage createsuperuser")
    return operator


def _unit(code: str):
    from baocao.apps.orgs.models import Unit

    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        _fail(f'Không có đơn vị mã "{code}".')
    return unit


@app.command("issue")
def issue(
    root: Annotated[str, typer.Option("--root", help="Mã đơn vị: cấp cho các đơn vị dưới nó.")],
    out: Annotated[Path, typer.Option("-o", "--out", help="Bảng tài khoản (.xlsx) để phát.")],
    kinds: Annotated[
        str, typer.Option("--kinds", help="Loại đơn vị, cách nhau bằng dấu phẩy.")
    ] = "grassroots",
) -> None:
    """Cấp tài khoản (người viết báo cáo) cho mọi đơn vị chưa có, ghi bảng mật khẩu dùng một lần."""
    setup_django()
    from baocao.apps.orgs.accounts import AccountsError, issue_accounts, logins_workbook

    try:
        issued = issue_accounts(
            _unit(root), [k.strip() for k in kinds.split(",") if k.strip()], _operator()
        )
    except AccountsError as exc:
        _fail(exc.message)
    out.write_bytes(logins_workbook(issued))
    made = sum(1 for login in issued if login.password)
    err.print(
        f"Đã cấp {made} tài khoản mới; {len(issued) - made} đơn vị đã có tài khoản. "
        f"Bảng tài khoản: {out} (giữ kín: có mật khẩu)."
    )


@app.command("reset")
def reset(unit: Annotated[str, typer.Option("--unit", help="Mã đơn vị.")]) -> None:
    """Đặt lại mật khẩu dùng một lần cho tài khoản của một đơn vị."""
    setup_django()
    from baocao.apps.orgs.accounts import AccountsError, reset_password

    try:
        login = reset_password(_unit(unit), _operator())
    except AccountsError as exc:
        _fail(exc.message)
    typer.echo(f"{login.username}\t{login.password}")
