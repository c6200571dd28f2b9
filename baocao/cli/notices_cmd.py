"""`baocao notices send`: e-mail the pending notices, for cron (every few minutes).

The work is `notices.sending.run` (the "sắp đến hạn" notices first, then every pending one,
each marked before the next); here the progress bar and the summary. Exit 1 when some could not
be sent, so cron says so: they stay pending and the next run tries them again, never one twice.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from baocao.cli.django_setup import setup_django

app = typer.Typer(no_args_is_help=True, add_completion=False)
console = Console()


@app.command("send")
def send(
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Không hiện thanh tiến độ (cho cron).")
    ] = False,
) -> None:
    """Gửi thư các thông báo chưa gửi (đợt mới, bị trả lại, đã duyệt, sắp đến hạn)."""
    setup_django()
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from baocao.apps.notices.sending import run
    from baocao.errors import InputError

    columns = (TextColumn("Gửi thông báo"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=console, disable=quiet) as bar:

        def progress(total: int):
            task = bar.add_task("", total=total)
            return lambda _notice: bar.advance(task)

        try:
            outcome = run(progress=progress)
        except InputError as exc:
            console.print(f"[red]{escape(exc.message)}[/red]")
            raise typer.Exit(1) from exc
    if outcome.made:
        console.print(f"Đã tạo {outcome.made} thông báo sắp đến hạn nộp.")
    console.print(f"Đã gửi {outcome.sent} thư thông báo.")
    if outcome.taken:
        console.print(f"{outcome.taken} thông báo do một lần chạy khác gửi cùng lúc.")
    if outcome.failed:
        # Names and addresses are people's own text: shown as typed, never read as markup.
        table = Table(title="Không gửi được", title_style="bold red")
        for column in ("Người nhận", "Địa chỉ", "Vì sao"):
            table.add_column(column)
        for item in outcome.failed:
            table.add_row(escape(item.person), escape(item.address), escape(item.reason))
        console.print(table)
        console.print(
            f"[red]Không gửi được {len(outcome.failed)} thông báo; chúng vẫn chờ gửi và sẽ được "
            "gửi lại ở lần chạy sau.[/red]"
        )
        raise typer.Exit(1)
