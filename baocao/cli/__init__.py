"""The `baocao` command: one typer app, with each group of commands in its own module."""

import typer

from baocao.cli import (
    accounts_cmd,
    backup_cmd,
    campaign_cmd,
    export_cmd,
    ingest_cmd,
    issue_cmd,
    notices_cmd,
    outline_cmd,
    rollup_cmd,
    units_cmd,
    uploads_cmd,
    web_cmd,
)

app = typer.Typer(
    help="baocao: chiến dịch báo cáo của tổ chức Công đoàn (report campaigns for trade unions).",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(outline_cmd.app, name="outline", help="Đề cương: nhập và xem (outline import/show).")
app.add_typer(
    units_cmd.app, name="units", help="Đơn vị: nhập và xuất cây đơn vị (units import/export)."
)
app.add_typer(
    campaign_cmd.app,
    name="campaign",
    help="Đợt báo cáo: liệt kê, mở, kết thúc, nhắc nhở (campaign list/open/close/remind).",
)
app.add_typer(
    uploads_cmd.app,
    name="uploads",
    help="Tệp nộp: xoá tệp cũ chưa nhập vào báo cáo, cho cron (uploads prune).",
)
app.add_typer(
    notices_cmd.app,
    name="notices",
    help="Thông báo: gửi thư các thông báo chưa gửi, cho cron (notices send).",
)
app.add_typer(
    accounts_cmd.app,
    name="accounts",
    help="Tài khoản: cấp cho mọi đơn vị, đặt lại mật khẩu (accounts issue/reset).",
)
app.add_typer(
    rollup_cmd.app,
    name="rollup",
    help="Số liệu tổng hợp tức thời: tính lại từ các báo cáo (rollup rebuild).",
)
web_cmd.register(app)
campaign_cmd.register(app)
export_cmd.register(app)
issue_cmd.register(app)
ingest_cmd.register(app)
backup_cmd.register(app)
