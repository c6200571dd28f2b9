"""`baocao backup` and `baocao restore`: the whole database to a file and back.

The work is `baocao.web.backup` (SQLite online backup; pg_dump/pg_restore for PostgreSQL);
here only the database from the settings (DATABASE_URL), a confirmation, and the messages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

err = Console(stderr=True)


def _database():
    from baocao.cli.django_setup import setup_django

    setup_django()
    from django.conf import settings

    from baocao.web.backup import Database

    return Database.from_settings(settings.DATABASES["default"])


def _size(size: int) -> str:
    return f"{size / 1024 / 1024:,.1f} MB".replace(",", " ").replace(".", ",")


def backup(
    out: Annotated[Path, typer.Option("-o", "--out", help="Tệp sao lưu sẽ ghi ra.")],
) -> None:
    """Sao lưu toàn bộ cơ sở dữ liệu ra một tệp (chạy được khi trang web đang hoạt động)."""
    from baocao.web.backup import BackupError
    from baocao.web.backup import backup as run_backup

    try:
        database = _database()
        done = run_backup(database, out)
    except BackupError as exc:
        err.print(f"[red]Lỗi:[/red] {escape(exc.message)}")
        raise typer.Exit(2) from exc
    err.print(
        f"Đã sao lưu {escape(database.label)} vào {escape(str(done.path))} ({_size(done.size)})."
    )


def restore(
    source: Annotated[Path, typer.Argument(help="Tệp sao lưu do `baocao backup` tạo ra.")],
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Không hỏi lại (dùng trong kịch bản).")
    ] = False,
) -> None:
    """Khôi phục cơ sở dữ liệu từ tệp sao lưu: toàn bộ dữ liệu hiện có được thay bằng bản sao."""
    from django.db import connections

    from baocao.web.backup import BackupError, check_backup
    from baocao.web.backup import restore as run_restore

    try:
        database = _database()
        check_backup(database, source)
        if not yes:
            typer.confirm(
                f"Toàn bộ dữ liệu của {database.label} sẽ được thay bằng bản sao lưu "
                f"{source.name}. Tiếp tục?",
                abort=True,
            )
        connections.close_all()
        done = run_restore(database, source)
    except BackupError as exc:
        err.print(f"[red]Lỗi:[/red] {escape(exc.message)}")
        raise typer.Exit(2) from exc
    err.print(
        f"Đã khôi phục {escape(database.label)} từ {escape(str(done.path))} "
        f"({_size(done.size)}). Nếu bản sao lưu có từ phiên bản baocao cũ hơn, hãy chạy "
        "`baocao manage migrate`."
    )


def register(app: typer.Typer) -> None:
    app.command("backup")(backup)
    app.command("restore")(restore)
