"""`baocao backup` / `baocao restore`: a round trip on SQLite (while another connection writes)
and on PostgreSQL (a database of its own, created and dropped here), and the files a restore
must refuse. The commands run as a person runs them: in a process of their own, on the database
that DATABASE_URL names."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from baocao.web.backup import REQUIRED_TABLES, file_kind

# The main `baocao` app once the commands are registered there; until then, an app of its own.
CLI = """
import typer
from baocao.cli import app, backup_cmd
if not any(command.name == "backup" for command in app.registered_commands):
    app = typer.Typer()
    backup_cmd.register(app)
app(prog_name="baocao")
"""


def environment(database_url: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    leave_out = ("BAOCAO_", "DJANGO_ALLOW_ASYNC_UNSAFE", "PG")
    env = {k: v for k, v in os.environ.items() if not k.startswith(leave_out)}
    return {
        **env,
        "DATABASE_URL": database_url,
        "BAOCAO_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "baocao.web.settings",
        **extra,
    }


def baocao(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", CLI, *args], env=env, capture_output=True, text=True, timeout=300
    )


def said(result: subprocess.CompletedProcess) -> str:
    """What the command told the person, as one line (the console wraps long messages)."""
    return " ".join((result.stderr + result.stdout).split())


def migrate(env: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--verbosity=0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr


UNIT_COLUMNS = "code, name, kind, email, path, depth, synthetic"


def unit_row(code: str, name: str) -> tuple:
    return (code, name, "province", "", f"{code}/", 0, False)


# --- SQLite ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def migrated_sqlite(tmp_path_factory) -> Path:
    """Migrated once; each test gets a copy (the migration is what takes the time)."""
    folder = tmp_path_factory.mktemp("migrated")
    path = folder / "baocao.sqlite3"
    migrate(environment(f"sqlite:///{path}", folder))
    with sqlite3.connect(path) as connection:  # one file, nothing left in a -wal beside it
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def sqlite_site(migrated_sqlite, tmp_path):
    path = tmp_path / "baocao.sqlite3"
    shutil.copyfile(migrated_sqlite, path)
    env = environment(f"sqlite:///{path}", tmp_path)
    with sqlite3.connect(path) as connection:
        connection.executemany(
            f"INSERT INTO orgs_unit ({UNIT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [unit_row("KT", "LĐLĐ tỉnh Kon Tum"), unit_row("GL", "LĐLĐ tỉnh Gia Lai")],
        )
    return path, env


def units(connection) -> dict[str, str]:
    return dict(connection.execute("SELECT code, name FROM orgs_unit").fetchall())


def test_sqlite_round_trip_while_another_connection_writes(sqlite_site, tmp_path):
    path, env = sqlite_site
    site = sqlite3.connect(path, isolation_level=None)
    site.execute("PRAGMA journal_mode=WAL")
    site.execute("PRAGMA wal_autocheckpoint=0")  # what was written stays in the -wal file
    site.execute("UPDATE orgs_unit SET name = 'LĐLĐ tỉnh Kon Tum (đã sửa)' WHERE code = 'KT'")
    site.execute("BEGIN IMMEDIATE")  # a writer in the middle of its transaction
    site.execute("UPDATE orgs_unit SET name = 'chưa lưu' WHERE code = 'GL'")

    out = tmp_path / "sao-luu" / "baocao.bak"
    result = baocao("backup", "-o", str(out), env=env)
    assert result.returncode == 0, result.stderr
    assert "Đã sao lưu SQLite" in said(result)
    site.execute("ROLLBACK")
    assert file_kind(out) == "sqlite"
    assert not Path(f"{out}-wal").exists()
    with sqlite3.connect(out) as copy:
        # the committed change (still in the -wal file) is in, the open transaction is not
        assert units(copy) == {"KT": "LĐLĐ tỉnh Kon Tum (đã sửa)", "GL": "LĐLĐ tỉnh Gia Lai"}

    site.execute("DELETE FROM orgs_unit WHERE code = 'GL'")
    site.execute("UPDATE orgs_unit SET name = 'sai' WHERE code = 'KT'")
    result = baocao("restore", str(out), "--yes", env=env)
    assert result.returncode == 0, result.stderr
    assert "Đã khôi phục SQLite" in said(result)
    # the site's open connection sees the restored data
    assert units(site) == {"KT": "LĐLĐ tỉnh Kon Tum (đã sửa)", "GL": "LĐLĐ tỉnh Gia Lai"}
    site.close()


def test_restore_asks_before_replacing_everything(sqlite_site, tmp_path):
    path, env = sqlite_site
    out = tmp_path / "baocao.bak"
    assert baocao("backup", "-o", str(out), env=env).returncode == 0
    with sqlite3.connect(path) as connection:
        connection.execute("DELETE FROM orgs_unit")
    result = subprocess.run(
        [sys.executable, "-c", CLI, "restore", str(out)],
        env=env,
        input="n\n",
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0
    assert "sẽ được thay bằng bản sao lưu" in said(result)
    with sqlite3.connect(path) as connection:
        assert units(connection) == {}


def test_restore_refuses_files_that_are_not_a_backup_of_this_kind(sqlite_site, tmp_path):
    _path, env = sqlite_site
    dump = tmp_path / "pg.bak"
    dump.write_bytes(b"PGDMP\x01\x0e\x00" + b"\x00" * 100)
    result = baocao("restore", str(dump), "--yes", env=env)
    assert result.returncode == 2
    assert "là bản sao lưu PostgreSQL" in said(result)
    assert "cơ sở dữ liệu đang dùng là SQLite" in said(result)

    text = tmp_path / "ghi-chu.txt"
    text.write_text("không phải bản sao lưu", encoding="utf-8")
    result = baocao("restore", str(text), "--yes", env=env)
    assert result.returncode == 2
    assert "không phải bản sao lưu của baocao" in said(result)

    other = tmp_path / "khac.sqlite3"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE ghi_chu (id INTEGER)")
    result = baocao("restore", str(other), "--yes", env=env)
    assert result.returncode == 2
    assert "không phải của baocao" in said(result)
    for table in REQUIRED_TABLES:
        assert table in said(result)

    result = baocao("restore", str(tmp_path / "khong-co.bak"), "--yes", env=env)
    assert result.returncode == 2
    assert "Không tìm thấy tệp sao lưu" in said(result)


def test_a_missing_pg_dump_is_said_plainly(tmp_path):
    env = environment("postgres://nobody@127.0.0.1:1/baocao", tmp_path, PATH="/nonexistent")
    result = baocao("backup", "-o", str(tmp_path / "x.bak"), env=env)
    assert result.returncode == 2
    assert "Không tìm thấy chương trình pg_dump" in said(result)
    assert "postgresql-client" in said(result)
    assert not (tmp_path / "x.bak").exists()


# --- PostgreSQL --------------------------------------------------------------------------------

on_postgresql = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="needs PostgreSQL: the suite runs on it with DATABASE_URL=postgres://...",
)


def server_url(name: str) -> str:
    entry = settings.DATABASES["default"]
    user = entry.get("USER") or "postgres"
    password = f":{entry['PASSWORD']}" if entry.get("PASSWORD") else ""
    host = entry.get("HOST") or "127.0.0.1"
    port = entry.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{name}"


def admin_connection():
    import psycopg

    return psycopg.connect(server_url("postgres"), autocommit=True)


@pytest.fixture
def postgresql_site(tmp_path):
    """A database of its own, migrated, with two units; dropped at the end."""
    import psycopg

    name = f"{settings.DATABASES['default']['NAME']}_backup_{os.getpid()}"[:60]
    with admin_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        env = environment(server_url(name), tmp_path)
        migrate(env)
        with psycopg.connect(server_url(name), autocommit=True) as connection:
            connection.cursor().executemany(
                f"INSERT INTO orgs_unit ({UNIT_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [unit_row("KT", "LĐLĐ tỉnh Kon Tum"), unit_row("GL", "LĐLĐ tỉnh Gia Lai")],
            )
        yield name, env
    finally:
        with admin_connection() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pg_units(name: str) -> dict[str, str]:
    import psycopg

    with psycopg.connect(server_url(name)) as connection:
        return dict(connection.execute("SELECT code, name FROM orgs_unit").fetchall())


@on_postgresql
def test_postgresql_round_trip(postgresql_site, tmp_path):
    import psycopg

    name, env = postgresql_site
    out = tmp_path / "baocao.dump"
    result = baocao("backup", "-o", str(out), env=env)
    assert result.returncode == 0, result.stderr
    assert "Đã sao lưu PostgreSQL" in said(result)
    assert file_kind(out) == "postgresql"

    with psycopg.connect(server_url(name), autocommit=True) as connection:
        connection.execute("DELETE FROM orgs_unit WHERE code = 'GL'")
        connection.execute("UPDATE orgs_unit SET name = 'sai' WHERE code = 'KT'")
        connection.execute("CREATE TABLE rac (id integer)")  # --clean leaves extra tables be
    assert pg_units(name) == {"KT": "sai"}

    result = baocao("restore", str(out), "--yes", env=env)
    assert result.returncode == 0, result.stderr
    assert "Đã khôi phục PostgreSQL" in said(result)
    assert pg_units(name) == {"KT": "LĐLĐ tỉnh Kon Tum", "GL": "LĐLĐ tỉnh Gia Lai"}


@on_postgresql
def test_postgresql_refuses_a_sqlite_backup(postgresql_site, sqlite_site, tmp_path):
    name, env = postgresql_site
    _path, sqlite_env = sqlite_site
    out = tmp_path / "sqlite.bak"
    assert baocao("backup", "-o", str(out), env=sqlite_env).returncode == 0
    result = baocao("restore", str(out), "--yes", env=env)
    assert result.returncode == 2
    assert "là bản sao lưu SQLite" in said(result)
    assert pg_units(name) == {"KT": "LĐLĐ tỉnh Kon Tum", "GL": "LĐLĐ tỉnh Gia Lai"}


@on_postgresql
def test_a_failing_pg_dump_is_reported_with_its_reason(tmp_path):
    env = environment(server_url("khong_co_co_so_du_lieu_nay"), tmp_path)
    out = tmp_path / "x.dump"
    result = baocao("backup", "-o", str(out), env=env)
    assert result.returncode == 2
    assert "pg_dump (sao lưu PostgreSQL) không thành công" in said(result)
    assert "khong_co_co_so_du_lieu_nay" in said(result)
    assert not out.exists() and not list(tmp_path.glob(".x.dump.*"))
