"""Commands that run the Django side: demo data, the web server and Django's own commands.

Django is set up inside each command, not at import, so `baocao --help` and the outline
commands start fast and need neither Django settings nor a database.
"""

import os

import typer
from rich.console import Console
from rich.table import Table

STATUS = {
    "created": "mới tạo",
    "updated": "đã cập nhật",
    "unchanged": "không đổi",
    "exists": "đã có",
}


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baocao.web.settings")
    import django

    django.setup()


def _logins_table() -> Table:
    from baocao.web.demo import DEMO_USERS

    table = Table(title="Tài khoản dùng thử")
    for column in ("Tên đăng nhập", "Mật khẩu", "Đơn vị", "Vai trò"):
        table.add_column(column)
    for demo in DEMO_USERS:
        table.add_row(demo.username, demo.password, demo.unit_name or "-", demo.role)
    return table


def demo() -> None:
    """Chuẩn bị bản chạy thử: cơ sở dữ liệu, tệp tĩnh, đề cương có sẵn, tài khoản và đợt báo cáo
    mẫu."""
    setup_django()
    from django.core.management import call_command

    from baocao.apps.campaigns.demo import create_demo_campaign
    from baocao.apps.campaigns.models import ReportStatus
    from baocao.apps.orgs.demo import create_demo_province
    from baocao.apps.orgs.models import Unit
    from baocao.apps.outlines.services import install_builtin_outlines
    from baocao.web.demo import create_demo_users

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
    console.print("Chạy [bold]baocao serve[/bold] rồi mở http://127.0.0.1:8000/")


def serve(
    host: str = typer.Option("127.0.0.1", help="Địa chỉ lắng nghe."),
    port: int = typer.Option(8000, help="Cổng."),
) -> None:
    """Chạy máy chủ web (máy chủ phát triển của Django, tệp tĩnh qua WhiteNoise)."""
    setup_django()
    from django.core.management import call_command

    console = Console()
    console.print(f"baocao: mở [bold]http://{host}:{port}/[/bold] (Ctrl+C để dừng)")
    console.print(_logins_table())
    call_command("runserver", f"{host}:{port}", use_reloader=False)


def manage(ctx: typer.Context) -> None:
    """Lệnh quản trị của Django (như manage.py), ví dụ: baocao manage createsuperuser."""
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["baocao manage", *ctx.args])


def register(app: typer.Typer) -> None:
    """Attach the web commands (demo, serve, manage) to the main app."""
    app.command()(demo)
    app.command()(serve)
    app.command(
        context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
        add_help_option=False,
    )(manage)
