"""`baocao doctor`: is this installation ready? The database and its vendor, migrations not yet
applied, static files collected, e-mail settings (for SMTP a real connection, with a short
timeout), LibreOffice (PDF) and, when the queue or the cache is in Redis, Redis. A table with ✓/✗ and, for each ✗, what to do, in Vietnamese;
exit code 1 when something essential is missing (the site cannot run without it), 0 otherwise.

Each check is a plain function returning a `Check`, so the tests call them one by one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import typer
from rich.console import Console
from rich.table import Table

SMTP_TIMEOUT = 5  # seconds: a doctor that hangs on a dead mail server helps nobody


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    essential: bool  # a failure here keeps the site from working: exit code 1
    detail: str  # what was found
    fix: str = ""  # what to do when it failed (or a note when it passed)


def check_database() -> Check:
    from django.db import connection

    name = "Cơ sở dữ liệu"
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 (any driver error means: cannot connect)
        return Check(
            name,
            False,
            True,
            f"Không kết nối được ({connection.vendor}): {str(error).strip()[:200]}",
            "Kiểm tra biến DATABASE_URL (ví dụ postgres://baocao@127.0.0.1:5432/baocao), "
            "máy chủ PostgreSQL đang chạy và người dùng có quyền vào cơ sở dữ liệu.",
        )
    if connection.vendor == "postgresql":
        version = connection.pg_version
        detail = (
            f"PostgreSQL {version // 10000}.{version % 10000}, {connection.settings_dict['NAME']}"
        )
        return Check(name, True, True, detail)
    if connection.vendor == "sqlite":
        import sqlite3

        return Check(
            name,
            True,
            True,
            f"SQLite {sqlite3.sqlite_version}, {connection.settings_dict['NAME']}",
            "Đủ cho một tỉnh trên một máy; cho toàn quốc hoặc nhiều người dùng cùng lúc hãy "
            "chuyển sang PostgreSQL (README, mục “Moving to PostgreSQL”).",
        )
    return Check(name, True, True, connection.vendor)


def check_migrations() -> Check:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    name = "Cấu trúc dữ liệu (migration)"
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as error:  # noqa: BLE001
        return Check(name, False, True, f"Không đọc được: {str(error)[:200]}", "Sửa kết nối trước.")
    if plan:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _backwards in plan[:5])
        more = f" và {len(plan) - 5} bước khác" if len(plan) > 5 else ""
        return Check(
            name,
            False,
            True,
            f"Còn {len(plan)} bước chưa chạy: {names}{more}",
            "Chạy: baocao manage migrate",
        )
    return Check(name, True, True, "Đã cập nhật đủ")


def check_static() -> Check:
    from django.conf import settings

    name = "Tệp tĩnh (CSS, JS)"
    root = settings.STATIC_ROOT
    manifest = root / "staticfiles.json" if root else None
    if manifest is not None and manifest.exists():
        return Check(name, True, not settings.DEBUG, f"Đã thu thập vào {root}")
    return Check(
        name,
        False,
        not settings.DEBUG,  # with DEBUG on, pages still find the source files
        f"Chưa thu thập vào {root}",
        "Chạy: baocao manage collectstatic --noinput (baocao demo cũng làm việc này).",
    )


def _mail_backend() -> tuple[str, dict]:
    from django.conf import settings

    mailers = getattr(settings, "MAILERS", None)
    if mailers:
        default = mailers.get("default", {})
        return default.get("BACKEND", ""), dict(default.get("OPTIONS", {}))
    options = {
        "host": getattr(settings, "EMAIL_HOST", ""),
        "port": getattr(settings, "EMAIL_PORT", 25),
    }
    return settings.EMAIL_BACKEND, options


def _mailer():
    """The default mailer: `mailers.default` on Django 6.1+, `get_connection()` before."""
    try:
        from django.core.mail import mailers
    except ImportError:  # Django 5.2
        from django.core.mail import get_connection

        return get_connection()
    return mailers.default


def check_email(timeout: float = SMTP_TIMEOUT) -> Check:
    name = "Thư điện tử (nhắc nhở)"
    backend, options = _mail_backend()
    short = backend.rsplit(".", 2)[-2] if backend.count(".") >= 2 else backend
    if "smtp" not in backend:
        return Check(
            name,
            True,
            False,
            f"Kiểu gửi: {short} (thư không đi ra ngoài)",
            "Muốn gửi thật: đặt BAOCAO_EMAIL_BACKEND=smtp và BAOCAO_EMAIL_HOST, _PORT, _USER, "
            "_PASSWORD, _USE_TLS.",
        )
    host, port = options.get("host", ""), options.get("port", "")
    try:
        connection = _mailer()
        connection.timeout = timeout
        connection.open()
        connection.close()
    except Exception as error:  # noqa: BLE001 (refused, timeout, TLS or login failure)
        return Check(
            name,
            False,
            False,
            f"SMTP {host}:{port}: không kết nối được ({type(error).__name__}: {str(error)[:150]})",
            "Kiểm tra BAOCAO_EMAIL_HOST, _PORT, _USE_TLS, tài khoản và mật khẩu; tường lửa có "
            "cho ra cổng đó không.",
        )
    return Check(name, True, False, f"SMTP {host}:{port}: kết nối và đăng nhập được")


def check_libreoffice() -> Check:
    from baocao import libreoffice

    name = "LibreOffice (xuất PDF)"
    found = libreoffice.executable()
    if found:
        return Check(name, True, False, found)
    return Check(
        name,
        False,
        False,
        "Không có: báo cáo vẫn xuất được DOCX và XLSX, chỉ PDF là không.",
        "Cài: apt-get install libreoffice-writer-nogui fonts-liberation2",
    )


def check_redis() -> Check:
    """Redis answers at BAOCAO_REDIS_URL (checked only when it is set, or the queue is in
    Redis): essential with the Redis queue (nothing would be sent), not for the cache alone."""
    import redis
    from django.conf import settings

    from baocao.web.background import uses_redis

    name = "Redis (hàng đợi việc nền)" if uses_redis() else "Redis (bộ nhớ đệm)"
    url = settings.REDIS_URL
    shown = url.split("@")[-1]  # never the password
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=SMTP_TIMEOUT)
        version = client.info("server").get("redis_version", "?")
        client.close()
    except redis.RedisError as error:
        return Check(
            name,
            False,
            uses_redis(),
            f"Không kết nối được {shown}: {str(error).strip()[:200]}",
            "Kiểm tra BAOCAO_REDIS_URL và máy chủ Redis đang chạy (systemctl status redis-server).",
        )
    return Check(name, True, uses_redis(), f"Redis {version}, {shown}")


CHECKS: list[Callable[[], Check]] = [
    check_database,
    check_migrations,
    check_static,
    check_email,
    check_libreoffice,
]


def run_checks() -> list[Check]:
    from django.conf import settings

    results = [check_database()]
    if not results[0].ok:  # nothing else that needs the database can say anything useful
        results += [check() for check in CHECKS[2:]]
    else:
        results += [check() for check in CHECKS[1:]]
    if getattr(settings, "REDIS_URL", ""):
        results.append(check_redis())
    return results


def doctor() -> None:
    """Kiểm tra bản cài đặt: cơ sở dữ liệu, migration, tệp tĩnh, thư điện tử, LibreOffice,
    Redis (khi dùng)."""
    from baocao.cli.django_setup import setup_django

    setup_django()
    results = run_checks()
    table = Table(title="baocao doctor: kiểm tra bản cài đặt")
    for column in ("", "Hạng mục", "Tình trạng", "Cần làm"):
        table.add_column(column)
    for result in results:
        mark = (
            "[green]✓[/green]"
            if result.ok
            else ("[red]✗[/red]" if result.essential else "[yellow]✗[/yellow]")
        )
        table.add_row(mark, result.name, result.detail, result.fix)
    console = Console()
    console.print(table)
    missing = [result for result in results if not result.ok and result.essential]
    if missing:
        console.print(
            f"[red]Thiếu {len(missing)} điều bắt buộc[/red]: "
            + ", ".join(result.name for result in missing)
            + ". Trang web chưa chạy được."
        )
        raise typer.Exit(1)
    console.print("[green]Đủ điều kiện để chạy.[/green]")
