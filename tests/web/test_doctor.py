"""`baocao doctor`: each check says what it found and what to do; the command exits 1 only when
something essential is missing."""

import socket

import pytest
from typer.testing import CliRunner

from baocao.cli import app
from baocao.cli import doctor_cmd as doctor

pytestmark = pytest.mark.django_db


def test_the_database_and_its_migrations_are_found_ready():
    database = doctor.check_database()
    assert database.ok and database.essential
    assert database.detail.startswith(("SQLite", "PostgreSQL"))
    assert doctor.check_migrations().ok


def test_missing_static_files_are_essential_only_without_debug(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.DEBUG = False
    missing = doctor.check_static()
    assert not missing.ok and missing.essential and "collectstatic" in missing.fix
    settings.DEBUG = True
    assert not doctor.check_static().essential
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "staticfiles.json").write_text("{}")
    assert doctor.check_static().ok


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the block ends


def test_email_console_is_fine_and_an_unreachable_smtp_server_is_named(settings):
    console = doctor.check_email()
    assert console.ok and "không đi ra ngoài" in console.detail  # locmem under the tests
    assert "BAOCAO_EMAIL_BACKEND" in console.fix
    port = _closed_port()
    smtp = "django.core.mail.backends.smtp.EmailBackend"
    options = {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 2}
    if hasattr(settings, "MAILERS"):
        settings.MAILERS = {"default": {"BACKEND": smtp, "OPTIONS": options}}
    else:
        settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT = smtp, "127.0.0.1", port
    result = doctor.check_email(timeout=2)
    assert not result.ok and not result.essential
    assert f"127.0.0.1:{port}" in result.detail and "BAOCAO_EMAIL_HOST" in result.fix


def test_libreoffice_missing_is_reported_but_not_essential(monkeypatch):
    monkeypatch.setattr("baocao.libreoffice.executable", lambda: None)
    result = doctor.check_libreoffice()
    assert not result.ok and not result.essential and "libreoffice" in result.fix


def test_the_command_prints_a_table_and_exits_1_only_for_essentials(monkeypatch):
    def fine():
        return doctor.Check("Một", True, True, "tốt")

    def optional():
        return doctor.Check("Hai", False, False, "thiếu", "cài thêm")

    def essential():
        return doctor.Check("Ba", False, True, "hỏng", "sửa đi")

    monkeypatch.setattr(doctor, "run_checks", lambda: [fine(), optional()])
    result = CliRunner().invoke(app, ["doctor"])
    assert result.exit_code == 0, result.output
    assert "✓" in result.output and "✗" in result.output and "cài thêm" in result.output
    monkeypatch.setattr(doctor, "run_checks", lambda: [fine(), optional(), essential()])
    result = CliRunner().invoke(app, ["doctor"])
    assert result.exit_code == 1
    assert "Thiếu 1 điều bắt buộc" in result.output and "Ba" in result.output


def test_without_a_database_the_other_checks_still_run(monkeypatch):
    broken = doctor.Check("Cơ sở dữ liệu", False, True, "không kết nối được", "DATABASE_URL")
    monkeypatch.setattr(doctor, "check_database", lambda: broken)
    names = [check.name for check in doctor.run_checks()]
    assert names[0] == "Cơ sở dữ liệu" and "Cấu trúc dữ liệu (migration)" not in names
    assert "LibreOffice (xuất PDF)" in names


def test_redis_is_checked_only_when_used_and_essential_only_for_the_queue(settings):
    from baocao.web.background import DATABASE_QUEUE, REDIS_QUEUE

    from .mail_server import free_port

    settings.REDIS_URL = ""
    assert not any("Redis" in check.name for check in doctor.run_checks())

    settings.REDIS_URL = f"redis://:mat-khau@127.0.0.1:{free_port()}/0"  # nobody listens
    settings.TASKS = {"default": {"BACKEND": DATABASE_QUEUE}}
    cache_only = doctor.check_redis()
    assert not cache_only.ok and not cache_only.essential and "mat-khau" not in cache_only.detail
    settings.TASKS = {"default": {"BACKEND": REDIS_QUEUE}}
    queue = doctor.check_redis()
    assert not queue.ok and queue.essential and "hàng đợi" in queue.name
    assert doctor.run_checks()[-1].name == queue.name
