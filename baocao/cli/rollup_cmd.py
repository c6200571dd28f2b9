"""`baocao rollup rebuild`: recompute the live roll-ups (`live_rollup`) of one campaign or all,
from the reports and their figures (set-based in SQL): for a campaign opened before the live
roll-up was read (it is then read: `Campaign.live_rollup_at`), after data written straight into
the tables, or to check that nothing drifted (it says how many rows it wrote)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from baocao.cli.django_setup import setup_django

app = typer.Typer(no_args_is_help=True, add_completion=False)
console = Console()


@app.command("rebuild")
def rebuild(
    campaign: Annotated[
        str | None,
        typer.Option("--campaign", help="Mã đợt báo cáo (mặc định: mọi đợt)."),
    ] = None,
) -> None:
    """Tính lại số liệu tổng hợp tức thời của một đợt báo cáo hoặc mọi đợt (rebuild the live
    roll-ups)."""
    setup_django()
    from baocao.apps.campaigns import live_rollup
    from baocao.apps.campaigns.models import Campaign

    campaigns = Campaign.objects.order_by("pk")
    if campaign is not None:
        campaigns = campaigns.filter(slug=campaign)
        if not campaigns.exists():
            console.print(
                f'[red]Không có đợt báo cáo "{escape(campaign)}". '
                "Xem danh sách: baocao campaign list[/red]"
            )
            raise typer.Exit(1)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        for item in campaigns:
            task = progress.add_task(escape(item.slug), total=None)

            def step(done: int, total: int, task=task) -> None:
                progress.update(task, completed=done, total=total)

            figures, units = live_rollup.rebuild(item, progress=step)
            progress.update(
                task, description=f"{escape(item.slug)}: {figures} số liệu, {units} đơn vị"
            )
    console.print(f"Đã tính lại {campaigns.count()} đợt báo cáo.")
