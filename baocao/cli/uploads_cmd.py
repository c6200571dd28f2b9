"""`baocao uploads prune`: delete the files sent in for reports that nobody confirmed, for cron.

The work is `actions.prune_uploads` (audited, confirmed files kept); here the options and the
summary.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from baocao.cli.django_setup import setup_django

app = typer.Typer(no_args_is_help=True)
err = Console(stderr=True)

STATUS_WORDS = {"pending": "chờ xác nhận", "discarded": "đã bỏ"}


@app.command("prune")
def prune(
    days: Annotated[
        int,
        typer.Option("--days", min=1, help="Xoá tệp nộp từ hơn chừng này ngày trước."),
    ] = 30,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Chỉ đếm những tệp sẽ xoá, không xoá gì.")
    ] = False,
) -> None:
    """Xoá các tệp nộp đang chờ xác nhận hoặc đã bỏ, nộp từ hơn N ngày trước; tệp đã nhập vào
    báo cáo được giữ nguyên."""
    setup_django()
    from baocao.apps.campaigns import actions
    from baocao.indicators.numbers import format_number

    try:
        pruned = actions.prune_uploads(days, dry_run=dry_run)
    except actions.ActionError as exc:
        err.print(f"[red]Lỗi:[/red] {escape(exc.message)}")
        raise typer.Exit(2) from exc
    size = format_number(pruned.size / 1024 / 1024, 1)
    kinds = ", ".join(
        f"{count} {STATUS_WORDS.get(status, status)}"
        for status, count in sorted(pruned.by_status.items())
    )
    verb = "Sẽ xoá" if dry_run else "Đã xoá"
    detail = f" ({kinds})" if kinds else ""
    err.print(f"{verb} {pruned.count} tệp nộp cũ hơn {days} ngày, {size} MB{detail}.")
