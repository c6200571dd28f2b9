"""Backing up and restoring the whole database, for `baocao backup` and `baocao restore`.

- SQLite: SQLite's online backup API copies the database page by page under its own locks, so
  the copy is consistent while the site keeps running and writing (a plain file copy of a WAL
  database is not). The copy is a single self-contained file (journal mode DELETE). Restoring
  goes the same way in reverse, into the live file, so running processes see the restored data.
- PostgreSQL: `pg_dump -Fc` to the file (a consistent snapshot; the site keeps running);
  `pg_restore --clean --if-exists --no-owner --single-transaction` into the configured database:
  either everything is restored or nothing changes. Credentials come from the Django settings'
  DATABASES entry and reach the tools as PG* environment variables, never on the command line.

A restore first checks that the file is a backup of the kind the database needs, and of a
baocao database (its tables), and refuses anything else with a message saying what it is.
A backup is written to a temporary file beside the target and renamed at the end, so a failed
backup never leaves a half-written file that looks like one. Django-free: callers pass the
settings' database dict.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from baocao.errors import InputError

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
KIND_NAMES = {SQLITE: "SQLite", POSTGRESQL: "PostgreSQL"}
_SQLITE_MAGIC = b"SQLite format 3\x00"
_PGDUMP_MAGIC = b"PGDMP"
# Tables every baocao database has, whatever its version: a file without them is not ours.
REQUIRED_TABLES = ("django_migrations", "orgs_unit")
TIMEOUT = 60 * 60  # seconds: a national database takes a while, a hung tool must not hang forever


class BackupError(InputError):
    """A backup or restore that could not be done; the message says why, in Vietnamese."""


@dataclass(frozen=True)
class Database:
    """Where the data lives, from a Django DATABASES entry."""

    kind: str
    name: str
    user: str = ""
    password: str = field(default="", repr=False)
    host: str = ""
    port: str = ""
    options: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, entry: dict[str, Any]) -> Database:
        engine = entry.get("ENGINE", "")
        if engine.endswith("sqlite3"):
            kind = SQLITE
        elif "postgres" in engine:
            kind = POSTGRESQL
        else:
            raise BackupError(
                f"Chưa hỗ trợ sao lưu cơ sở dữ liệu loại {engine}; chỉ SQLite và PostgreSQL."
            )
        return cls(
            kind=kind,
            name=str(entry.get("NAME") or ""),
            user=str(entry.get("USER") or ""),
            password=str(entry.get("PASSWORD") or ""),
            host=str(entry.get("HOST") or ""),
            port=str(entry.get("PORT") or ""),
            options=dict(entry.get("OPTIONS") or {}),
        )

    @property
    def label(self) -> str:
        if self.kind == SQLITE:
            return f"SQLite {self.name}"
        where = f"{self.host or 'localhost'}{f':{self.port}' if self.port else ''}"
        return f"PostgreSQL {self.name} tại {where}"


@dataclass(frozen=True)
class Done:
    kind: str
    path: Path
    size: int


def file_kind(path: Path) -> str | None:
    """SQLITE or POSTGRESQL by the file's first bytes; None for anything else."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(_SQLITE_MAGIC))
    except OSError as error:
        raise BackupError(f"Không đọc được tệp {path}: {error.strerror or error}.") from error
    if head.startswith(_SQLITE_MAGIC):
        return SQLITE
    if head.startswith(_PGDUMP_MAGIC):
        return POSTGRESQL
    return None


# --- backup ------------------------------------------------------------------------------------


def backup(database: Database, out: Path) -> Done:
    """Write a backup of `database` to `out` (replaced if it exists)."""
    out = Path(out)
    if out.is_dir():
        raise BackupError(f"{out} là một thư mục; hãy cho tên tệp sao lưu, ví dụ {out}/baocao.bak.")
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(handle)
    temporary = Path(temporary)
    try:
        if database.kind == SQLITE:
            _backup_sqlite(database, temporary)
        else:
            _backup_postgresql(database, temporary)
        os.replace(temporary, out)
    finally:
        temporary.unlink(missing_ok=True)
    return Done(database.kind, out, out.stat().st_size)


def _sqlite_path(database: Database) -> Path:
    if not database.name or database.name == ":memory:" or database.name.startswith("file:"):
        raise BackupError("Cơ sở dữ liệu SQLite này chỉ nằm trong bộ nhớ; không có gì để sao lưu.")
    return Path(database.name)


def _backup_sqlite(database: Database, target: Path) -> None:
    source_path = _sqlite_path(database)
    if not source_path.is_file():
        raise BackupError(
            f"Không tìm thấy tệp cơ sở dữ liệu {source_path}; hãy chạy `baocao demo` hoặc "
            "`baocao manage migrate` trước."
        )
    # Read-write like the site's own connections: a read-only one cannot open a WAL database
    # whose -shm file is missing. The backup only reads.
    source = sqlite3.connect(source_path, timeout=60)
    target.unlink(missing_ok=True)
    copy = sqlite3.connect(target)
    try:
        with copy:
            source.backup(copy)
        # One self-contained file: no -wal beside it, whatever the live database uses.
        copy.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.Error as error:
        raise BackupError(f"SQLite không sao lưu được {source_path}: {error}.") from error
    finally:
        copy.close()
        source.close()


def _pg_environment(database: Database) -> dict[str, str]:
    env = dict(os.environ)
    values = {
        "PGDATABASE": database.name,
        "PGUSER": database.user,
        "PGPASSWORD": database.password,
        "PGHOST": database.host,
        "PGPORT": database.port,
        "PGSSLMODE": str(database.options.get("sslmode", "")),
    }
    for key, value in values.items():
        if value:
            env[key] = value
        else:
            env.pop(key, None)
    return env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"Không tìm thấy chương trình {name}. Hãy cài công cụ dòng lệnh của PostgreSQL "
            "(gói postgresql-client, cùng phiên bản với máy chủ hoặc mới hơn) rồi chạy lại."
        )
    return found


def _run(command: list[str], database: Database, what: str) -> subprocess.CompletedProcess:
    try:
        result = subprocess.run(
            command,
            env=_pg_environment(database),
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise BackupError(f"{what} quá {TIMEOUT // 60} phút chưa xong nên đã dừng.") from error
    if result.returncode != 0:
        detail = "\n".join(result.stderr.strip().splitlines()[-8:])
        raise BackupError(f"{what} không thành công ({database.label}):\n{detail}")
    return result


def _backup_postgresql(database: Database, target: Path) -> None:
    command = [_tool("pg_dump"), "--format=custom", "--no-password", f"--file={target}"]
    _run(command, database, "pg_dump (sao lưu PostgreSQL)")


# --- restore -----------------------------------------------------------------------------------


def check_backup(database: Database, source: Path) -> str:
    """Refuse a file that is not a baocao backup for this kind of database; return its kind."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"Không tìm thấy tệp sao lưu {source}.")
    kind = file_kind(source)
    if kind is None:
        raise BackupError(
            f"Tệp {source.name} không phải bản sao lưu của baocao (không phải tệp SQLite, "
            "cũng không phải tệp pg_dump dạng custom do `baocao backup` tạo ra)."
        )
    if kind != database.kind:
        raise BackupError(
            f"Tệp {source.name} là bản sao lưu {KIND_NAMES[kind]}, còn cơ sở dữ liệu đang dùng "
            f"là {KIND_NAMES[database.kind]}: không khôi phục được. Hãy dùng bản sao lưu tạo ra "
            f"từ cơ sở dữ liệu {KIND_NAMES[database.kind]}, hoặc đặt DATABASE_URL cho đúng."
        )
    tables = _sqlite_tables(source) if kind == SQLITE else _dump_tables(database, source)
    missing = [table for table in REQUIRED_TABLES if table not in tables]
    if missing:
        raise BackupError(
            f"Tệp {source.name} là cơ sở dữ liệu {KIND_NAMES[kind]} nhưng không phải của baocao "
            f"(thiếu bảng {', '.join(missing)})."
        )
    return kind


def _sqlite_tables(path: Path) -> set[str]:
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            if connection.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise BackupError(f"Tệp {path.name} bị hỏng (SQLite quick_check không đạt).")
            rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            return {name for (name,) in rows}
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"Tệp {path.name} bị hỏng hoặc không đọc được: {error}.") from error


def _dump_tables(database: Database, path: Path) -> set[str]:
    listing = _run([_tool("pg_restore"), "--list", str(path)], database, "Đọc tệp sao lưu")
    tables = set()
    for line in listing.stdout.splitlines():
        # "215; 1259 16390 TABLE public orgs_unit postgres"
        parts = line.split()
        if len(parts) >= 6 and not line.startswith(";") and parts[3] == "TABLE":
            tables.add(parts[5])
    return tables


def restore(database: Database, source: Path) -> Done:
    """Replace the data of `database` with the backup in `source` (checked first)."""
    source = Path(source)
    kind = check_backup(database, source)
    if kind == SQLITE:
        _restore_sqlite(database, source)
    else:
        _restore_postgresql(database, source)
    return Done(kind, source, source.stat().st_size)


def _restore_sqlite(database: Database, source: Path) -> None:
    target_path = _sqlite_path(database)
    target_path.parent.mkdir(parents=True, exist_ok=True)
    backup_file = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    live = sqlite3.connect(target_path, timeout=60)
    try:
        # The live database may be in WAL mode: the backup API writes through its locks.
        backup_file.backup(live)
        live.execute("PRAGMA journal_mode=WAL")
    except sqlite3.Error as error:
        raise BackupError(f"SQLite không khôi phục được vào {target_path}: {error}.") from error
    finally:
        live.close()
        backup_file.close()


def _restore_postgresql(database: Database, source: Path) -> None:
    command = [
        _tool("pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--no-password",
        f"--dbname={database.name}",
        str(source),
    ]
    _run(command, database, "pg_restore (khôi phục PostgreSQL)")
