"""Loading many rows fast, from a generator, on PostgreSQL and SQLite alike.

PostgreSQL gets `COPY ... FROM STDIN` through psycopg's `cursor.copy` (rows are formatted in C,
nothing is held but the current row); SQLite gets `executemany` in batches of `BATCH` rows.
Both write on Django's own connection, so they take part in the caller's transaction.

`Spool` keeps rows that must wait for another table's COPY (PostgreSQL runs one COPY at a time
on a connection) in a temporary file, in COPY's text format, instead of in memory.
"""

from __future__ import annotations

import datetime
import itertools
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection

BATCH = 10_000


def adapt(value: Any) -> Any:
    """A datetime or Decimal as this database's driver takes it in a raw row: unchanged for
    psycopg; for SQLite what Django itself stores (UTC text without offset, decimal text)."""
    if connection.vendor == "postgresql":
        return value
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, Decimal):
        return str(value)
    return value


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def copy_rows(
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Insert `rows` (tuples in the order of `columns`) into `table`; returns how many.

    Values must already be what the column stores: ints, str, Decimal, datetime, None.
    `progress(n)` is called after every `BATCH` rows (and at the end) with the rows since the
    last call.
    """
    if connection.vendor == "postgresql":
        return _copy_postgresql(table, columns, rows, progress)
    return _executemany(table, columns, rows, progress)


def _copy_postgresql(table, columns, rows, progress) -> int:
    connection.ensure_connection()
    sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    count = 0
    with connection.connection.cursor() as cursor, cursor.copy(sql) as copy:
        write = copy.write_row
        for count, row in enumerate(rows, 1):  # noqa: B007 (count is read after the loop)
            write(row)
            if progress is not None and count % BATCH == 0:
                progress(BATCH)
    if progress is not None and count % BATCH:
        progress(count % BATCH)
    return count


def _executemany(table, columns, rows, progress) -> int:
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(table), ", ".join(quote(c) for c in columns), ", ".join(["%s"] * len(columns))
    )
    count = 0
    iterator = iter(rows)
    with connection.cursor() as cursor:
        while batch := list(itertools.islice(iterator, BATCH)):
            cursor.executemany(sql, batch)
            count += len(batch)
            if progress is not None:
                progress(len(batch))
    return count


def copy_text(table: str, columns: Sequence[str], chunks: Iterable[str]) -> None:
    """PostgreSQL only: COPY rows already written in COPY's text format."""
    connection.ensure_connection()
    sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    with connection.connection.cursor() as cursor, cursor.copy(sql) as copy:
        for chunk in chunks:
            copy.write(chunk)


# --- spooling rows to a temporary file -------------------------------------------------------

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_UNESCAPES = {"\\\\": "\\", "\\t": "\t", "\\n": "\n", "\\r": "\r"}


def _field(value: Any) -> str:
    if value is None:
        return "\\N"
    return str(value).translate(_ESCAPES)


def _unfield(text: str) -> str | None:
    if text == "\\N":
        return None
    if "\\" not in text:
        return text
    out, index = [], 0
    while index < len(text):
        pair = text[index : index + 2]
        if pair in _UNESCAPES:
            out.append(_UNESCAPES[pair])
            index += 2
        else:
            out.append(text[index])
            index += 1
    return "".join(out)


class Spool:
    """Rows kept on disk until their table's turn: `add(row)`, then `rows()` or `chunks()`."""

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile(  # noqa: SIM115 (closed by `close`)
            mode="w+", encoding="utf-8", prefix="baocao-spool-"
        )
        self.count = 0

    def add(self, row: Sequence[Any]) -> None:
        """Keep a row (datetimes and Decimals as `adapt` makes them)."""
        self.file.write("\t".join(_field(adapt(value)) for value in row) + "\n")
        self.count += 1

    def rows(self) -> Iterator[list[str | None]]:
        """Every row back, each field as text (None for NULL)."""
        self.file.seek(0)
        for line in self.file:
            yield [_unfield(text) for text in line.rstrip("\n").split("\t")]

    def chunks(self, size: int = 1 << 20) -> Iterator[str]:
        self.file.seek(0)
        while chunk := self.file.read(size):
            yield chunk

    def close(self) -> None:
        self.file.close()


def load_spool(
    table: str,
    columns: Sequence[str],
    spool: Spool,
    *,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Load a spool's rows into `table`: its file as it is through COPY on PostgreSQL."""
    if connection.vendor == "postgresql":
        copy_text(table, columns, spool.chunks())
        if progress is not None:
            progress(spool.count)
        return spool.count
    return copy_rows(table, columns, spool.rows(), progress=progress)


def reset_sequence(table: str, column: str = "id") -> None:
    """After rows were loaded with their ids given: the next id the database hands out follows
    them (PostgreSQL; SQLite's rowids follow by themselves)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, %s), "
            f"COALESCE((SELECT MAX({quote(column)}) FROM {quote(table)}), 0) + 1, false)",
            [table, column],
        )


def next_id(table: str, column: str = "id") -> int:
    """The first free id above every stored one (rows loaded with their ids start here)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX({quote(column)}), 0) + 1 FROM {quote(table)}")
        return int(cursor.fetchone()[0])
