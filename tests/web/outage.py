"""A database out of reach, for real: while `database_unreachable()` is open, every new
connection to the default database fails as it would with the server down (PostgreSQL: a
port where nothing listens; SQLite: a file in a folder that does not exist), in this thread
and in the live server's. Nothing in Django is mocked; only where it connects changes.
`server_connections_lost()` also breaks the connections a running server already holds.

For tests that commit (django_db(transaction=True)): the open connection is closed.
"""

from __future__ import annotations

import socket
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


def _closed_port() -> int:
    """A port on this machine where nothing listens (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def database_unreachable() -> Iterator[None]:
    # The same dict for every thread's connection (django.db.connections.settings).
    settings_dict = connection.settings_dict
    saved = dict(settings_dict)
    if connection.vendor == "sqlite":
        settings_dict["NAME"] = "/nonexistent-baocao-folder/baocao.sqlite3"
    else:
        settings_dict.update(HOST="127.0.0.1", PORT=str(_closed_port()))
    connection.close()
    try:
        yield
    finally:
        settings_dict.clear()
        settings_dict.update(saved)
        connection.close()


def kill_other_connections(spare: int | None = None) -> int:
    """PostgreSQL: pg_terminate_backend for every connection to the test database but this
    one and `spare` (a backend pid), as a restart of the server would. How many were killed."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid NOT IN (pg_backend_pid(), %s)",
            [spare or 0],
        )
        return cursor.fetchone()[0]


@contextmanager
def server_connections_lost() -> Iterator[None]:
    """Like `database_unreachable`, and the connections a running server already holds fail
    too. PostgreSQL: they are killed. SQLite: a write lock is held here, so a save waits out
    its busy timeout (see `short_sqlite_timeout`) and fails with "database is locked"."""
    if connection.vendor != "sqlite":
        kill_other_connections()
        with database_unreachable():
            yield
        return
    holder = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        yield
    finally:
        holder.close()  # the lock goes with it


@contextmanager
def short_sqlite_timeout(seconds: float = 1) -> Iterator[None]:
    """SQLite connections opened meanwhile wait `seconds` for a lock, not settings' 20."""
    if connection.vendor != "sqlite":
        yield
        return
    options = connection.settings_dict["OPTIONS"]
    saved = options.get("timeout")
    options["timeout"] = seconds
    connection.close()
    try:
        yield
    finally:
        options["timeout"] = saved
        connection.close()
