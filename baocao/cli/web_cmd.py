"""Commands that run the Django side: demo data, the web server and Django's own commands.

Django is set up inside each command, not at import, so `baocao --help` and the outline
commands start fast and need neither Django settings nor a database.
"""

import enum
import subprocess
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from baocao.cli.django_setup import setup_django

STATUS = {
    "created": "mới tạo",
    "updated": "đã cập nhật",
    "unchanged": "không đổi",
    "exists": "đã có",
}


def _logins_table() -> Table:
    from baocao.demo.accounts import DEMO_USERS

    table = Table(title="Tài khoản dùng thử")
    for column in ("Tên đăng nhập", "Mật khẩu", "Đơn vị", "Vai trò"):
        table.add_column(column)
    for demo in DEMO_USERS:
        table.add_row(demo.username, demo.password, demo.unit_name or "-", demo.role)
    return table


class Scale(enum.StrEnum):
    province = "province"
    national = "national"


def demo(
    scale: Annotated[
        Scale,
        typer.Option(
            "--scale",
            help="province: tỉnh Kon Tum (mặc định); national: thêm toàn quốc (~130.000 CĐCS, "
            "nên dùng PostgreSQL).",
        ),
    ] = Scale.province,
    fraction: Annotated[
        float,
        typer.Option(
            "--fraction", min=0.0001, max=1.0, help="Với --scale national: lấy một phần cây."
        ),
    ] = 1.0,
) -> None:
    """Chuẩn bị bản chạy thử: cơ sở dữ liệu, tệp tĩnh, đề cương có sẵn, tài khoản và đợt báo cáo
    mẫu."""
    setup_django()
    from django.core.management import call_command

    from baocao.apps.campaigns.models import ReportStatus
    from baocao.apps.orgs.models import Unit
    from baocao.apps.outlines.services import install_builtin_outlines
    from baocao.demo.accounts import create_demo_users
    from baocao.demo.campaign import create_demo_campaign
    from baocao.demo.province import create_demo_province

    console = Console()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    outlines = Table(title="Đề cương có sẵn")
    for column in ("Mã", "Tên", "Trạng thái"):
        outlines.add_column(column)
    for doc, status in install_builtin_outlines():
        outlines.add_row(doc.slug, doc.title, STATUS[status])
    console.print(outlines)
    province = create_demo_province()
    units = Unit.objects.subtree(province.root).count()
    console.print(
        f"Đơn vị mẫu: {province.province.name} và các đơn vị trực thuộc, {units} đơn vị "
        f"({f'mới tạo {province.created}' if province.created else 'đã có sẵn'})."
    )
    users = create_demo_users()
    console.print(_logins_table())
    created = [demo.username for demo, status in users if status == "created"]
    console.print(f"Tài khoản mới tạo: {', '.join(created) or 'không có (đã có sẵn)'}")
    campaign = create_demo_campaign()
    counts = ", ".join(
        f"{count} {ReportStatus(status).label.lower()}"
        for status, count in campaign.statuses.items()
    )
    console.print(
        f"Đợt báo cáo mẫu: {campaign.campaign.name} ({campaign.campaign.slug}), hạn nộp "
        f"{campaign.campaign.deadline:%d/%m/%Y}; báo cáo: {counts} "
        f"({'mới tạo' if campaign.created else 'đã có sẵn'})."
    )
    if scale is Scale.national:
        _national(console, fraction)
    console.print("Chạy [bold]baocao serve[/bold] rồi mở http://127.0.0.1:8000/")


def _national(console: Console, fraction: float) -> None:
    """The national tree and campaign, with a progress bar per table."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from baocao.demo.national import Shape, create_national_demo
    from baocao.indicators.numbers import format_number

    columns = (
        TextColumn("{task.description:<10}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=False) as bar:

        def progress(description: str, total: int | None):
            task = bar.add_task(description, total=total)
            return lambda count: bar.advance(task, count)

        result = create_national_demo(Shape(fraction=fraction), progress=progress)
    campaign = result.campaign
    if not result.created:
        console.print(f"Đợt báo cáo toàn quốc {campaign.slug}: đã có sẵn.")
        return
    console.print(
        f"Đợt báo cáo toàn quốc: {campaign.name} ({campaign.slug}); "
        f"{format_number(result.units)} đơn vị mới, {format_number(result.reports)} báo cáo, "
        f"{format_number(result.values)} số liệu, {format_number(result.texts)} nội dung mục; "
        f"{format_number(result.seconds, 1)} giây, bộ nhớ tối đa "
        f"{format_number(result.peak_rss_mb, 0)} MB. Đăng nhập: tongld / baocao-demo."
    )


def serve(
    host: str = typer.Option("127.0.0.1", help="Địa chỉ lắng nghe."),
    port: int = typer.Option(8000, help="Cổng."),
    worker: bool = typer.Option(
        True, help="Chạy kèm tiến trình xử lý việc nền (thư nhắc, thông báo, tệp lớn)."
    ),
) -> None:
    """Chạy máy chủ web (máy chủ phát triển của Django, tệp tĩnh qua WhiteNoise) và tiến trình
    xử lý việc nền bên cạnh."""
    setup_django()
    from django.core.management import call_command

    from baocao.web.background import needs_worker

    console = Console()
    console.print(f"baocao: mở [bold]http://{host}:{port}/[/bold] (Ctrl+C để dừng)")
    console.print(_logins_table())
    background = None
    if worker and needs_worker():
        # A child process, so a task never slows a page and Ctrl+C stops both.
        background = subprocess.Popen([sys.executable, "-m", "baocao.cli", "worker"])
        console.print("baocao: tiến trình việc nền đang chạy.")
    try:
        call_command("runserver", f"{host}:{port}", use_reloader=False)
    finally:
        if background is not None:
            background.terminate()
            background.wait(timeout=30)


def worker(
    batch: bool = typer.Option(False, help="Làm hết việc đang chờ rồi dừng (cho cron)."),
) -> None:
    """Xử lý việc nền (thư nhắc, thông báo, tệp lớn) từ hàng đợi: trong cơ sở dữ liệu, hoặc
    trong Redis (BAOCAO_TASK_BACKEND=redis: một tiến trình RQ)."""
    setup_django()
    from django.core.management import call_command

    from baocao.web.background import (
        needs_worker,
        recover_abandoned,
        run_redis_worker,
        uses_redis,
        watch_abandoned,
        worker_id,
    )

    if not needs_worker():
        Console().print("Không cần tiến trình việc nền: BAOCAO_TASK_BACKEND không dùng hàng đợi.")
        return
    # A task left half-done by a worker that died (killed, its machine lost) runs again first;
    # a long-running worker keeps looking, for the workers of other machines.
    recovered = recover_abandoned()
    if recovered:
        Console().print(f"Đã đưa lại {recovered} việc dở dang của tiến trình đã dừng vào hàng đợi.")
    if not batch:
        watch_abandoned()
    if uses_redis():
        run_redis_worker(batch=batch)
        return
    options = {"batch": True} if batch else {}
    call_command(
        "db_worker", reload=False, startup_delay=not batch, worker_id=worker_id(), **options
    )


def manage(ctx: typer.Context) -> None:
    """Lệnh quản trị của Django (như manage.py), ví dụ: baocao manage createsuperuser."""
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["baocao manage", *ctx.args])


def register(app: typer.Typer) -> None:
    """Attach the web commands (demo, serve, manage, doctor) to the main app."""
    from baocao.cli.doctor_cmd import doctor

    app.command()(demo)
    app.command()(doctor)
    app.command()(serve)
    app.command()(worker)
    app.command(
        context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
        add_help_option=False,
    )(manage)
