"""How fast every indicator is rolled up for every unit, against a reference DuckDB GROUP BY over
the same figures exported to Parquet, both measured in the same run; and how fast the live
roll-up (`live_rollup`) is read and rebuilt, against the same reference.

1. PostgreSQL, national (`DATABASE_URL` pointing at a database loaded with
   `baocao demo --scale national`): `rollup_sql` over the national campaign (about 8.6 million
   figures, counted = accepted reports) for every consolidating unit; then the same roll-up by
   DuckDB from Parquet files of the same rows (the same GROUP BY per parent, the same small
   settling step in Python), checked equal, and the ratio printed. Then the live roll-up: a
   full rebuild (`live_rollup.rebuild`, set-based in SQL, both counting modes; target <= 2x
   DuckDB) and reading it for every consolidating unit (`live_rollup.live_rollup_of` from the
   root: figures, counts and differences, what the pages read; target <= 1x DuckDB), checked
   equal to `rollup_sql`'s result.
2. SQLite, province: in a child process on a fresh SQLite file with the demo province
   (`baocao demo`), the Python roll-up (`subtree_figures`, every figure read into Python),
   `rollup_sql` on SQLite, the DuckDB reference, and the live roll-up's rebuild and read.

Peak resident memory is printed beside each time: this process's (ru_maxrss, so far) and, on
PostgreSQL, the server backend's (VmHWM; its parallel workers are other processes).

Prints figures; asserts nothing. Run:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/baocao_scale .venv/bin/python bench/bench_rollup.py
    .venv/bin/python bench/bench_rollup.py --sqlite-only
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baocao.web.settings")
ROUNDS = 3
NATIONAL = "nq20-toan-quoc-2017"
PROVINCE = "nq20-kon-tum-2017"


def peak_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited across
    exec from the parent process)."""
    return backend_peak_mb(os.getpid()) or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def backend_peak_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def best(run, rounds: int = ROUNDS):
    """(fastest seconds, every round's seconds, the last result)."""
    times, result = [], None
    for _ in range(rounds):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return min(times), times, result


REPORTS_SQL = (
    "SELECT u.path, p.path, r.status FROM campaigns_report r "
    "JOIN orgs_unit u ON u.id = r.unit_id LEFT JOIN orgs_unit p ON p.id = u.parent_id "
    "WHERE r.campaign_id = {campaign} AND u.path LIKE '{prefix}%'"
)
VALUES_SQL = (
    "SELECT u.path, p.path, r.status, v.code, v.year, v.value FROM campaigns_indicatorvalue v "
    "JOIN campaigns_report r ON r.id = v.report_id JOIN orgs_unit u ON u.id = r.unit_id "
    "LEFT JOIN orgs_unit p ON p.id = u.parent_id "
    "WHERE r.campaign_id = {campaign} AND u.path LIKE '{prefix}%'"
)


def export_csv(sql: str, target: Path) -> None:
    """A query's rows as CSV: COPY TO STDOUT on PostgreSQL, the csv module on SQLite."""
    import csv

    from django.db import connection

    connection.ensure_connection()
    with target.open("wb") as out:
        if connection.vendor == "postgresql":
            with (
                connection.connection.cursor() as cursor,
                cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)") as copy,
            ):
                for chunk in copy:
                    out.write(chunk)
            return
    with target.open("w", newline="", encoding="utf-8") as out, connection.cursor() as cursor:
        cursor.execute(sql)
        writer = csv.writer(out)
        for row in cursor:
            writer.writerow(["" if value is None else value for value in row])


def export_parquet(folder: Path, campaign, root_path: str) -> tuple[Path, Path]:
    """The campaign's reports and figures under `root_path`, as Parquet (not timed)."""
    import duckdb

    reports_csv, values_csv = folder / "reports.csv", folder / "values.csv"
    where = {"campaign": int(campaign.pk), "prefix": root_path.replace("'", "''")}
    export_csv(REPORTS_SQL.format(**where), reports_csv)
    export_csv(VALUES_SQL.format(**where), values_csv)
    reports, values = folder / "reports.parquet", folder / "values.parquet"
    db = duckdb.connect()
    db.execute(
        f"COPY (SELECT * FROM read_csv('{reports_csv}', header=false, nullstr='', "
        "columns={'path': 'VARCHAR', 'parent': 'VARCHAR', 'status': 'VARCHAR'})) "
        f"TO '{reports}' (FORMAT parquet)"
    )
    db.execute(
        f"COPY (SELECT * FROM read_csv('{values_csv}', header=false, nullstr='', "
        "columns={'path': 'VARCHAR', 'parent': 'VARCHAR', 'status': 'VARCHAR', "
        "'code': 'VARCHAR', 'year': 'SMALLINT', 'value': 'DECIMAL(20,4)'})) "
        f"TO '{values}' (FORMAT parquet)"
    )
    db.close()
    reports_csv.unlink()
    values_csv.unlink()
    return reports, values


def duckdb_rollup(reports: Path, values: Path, campaign, statuses, *, leaves: bool):
    """The roll-up from the Parquet files: DuckDB's GROUP BY per parent and its own figures of
    the consolidating units, then the same settling step as `rollup_sql`."""
    from collections import defaultdict

    import duckdb

    from baocao.apps.campaigns.rollup_sql import _settle

    indicators = campaign.catalogue.indicators
    summed = [i.code for i in indicators if i.rollup == "sum" and i.numeric]
    ratios = [i for i in indicators if i.derived]
    db = duckdb.connect()
    statuses = list(statuses)
    counted = set(statuses)
    units = [
        (path, parent, status in counted)
        for path, parent, status in db.execute(
            f"SELECT path, parent, status FROM '{reports}'"
        ).fetchall()
    ]
    child_sums: dict = defaultdict(dict)
    for parent, code, year, total in db.execute(
        f"SELECT parent, code, year, SUM(value) FROM '{values}' "
        "WHERE status IN (SELECT unnest($1)) AND value IS NOT NULL "
        "AND code IN (SELECT unnest($2)) GROUP BY ALL",
        [statuses, summed],
    ).fetchall():
        child_sums[parent][(code, int(year))] = total
    own: dict = defaultdict(dict)
    consolidating = "" if leaves else f"AND path IN (SELECT DISTINCT parent FROM '{reports}')"
    for path, code, year, value in db.execute(
        f"SELECT path, code, year, value FROM '{values}' "
        "WHERE status IN (SELECT unnest($1)) AND value IS NOT NULL "
        f"AND code IN (SELECT unnest($2)) {consolidating}",
        [statuses, summed],
    ).fetchall():
        own[path][(code, int(year))] = value
    db.close()
    return _settle(units, child_sums, own, ratios, leaves)


def national() -> None:
    import django

    django.setup()
    from django.db import connection

    from baocao.apps.campaigns.models import Campaign
    from baocao.apps.campaigns.rollup_sql import rollup_sql
    from baocao.apps.orgs.models import Unit

    if connection.vendor != "postgresql":
        print("national: skipped (set DATABASE_URL to a PostgreSQL database)")
        return
    campaign = Campaign.objects.filter(slug=NATIONAL).first()
    if campaign is None:
        print("national: skipped (load it first: baocao demo --scale national)")
        return
    root = campaign.root_unit
    campaign.catalogue  # noqa: B018 (parsed once, outside the timings)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid(), (SELECT count(*) FROM campaigns_indicatorvalue)")
        backend, figures = cursor.fetchone()
    units = Unit.objects.subtree(root).count()
    statuses = ("accepted",)
    seconds, times, result = best(lambda: rollup_sql(campaign, root, statuses, leaves=False))
    pg_peak, server_peak = peak_mb(), backend_peak_mb(backend)
    members = result.figures(root.path).get(("members", campaign.current_year))
    print(
        f"PostgreSQL national roll-up: {units:,} units, {figures:,} figures, "
        f"{len(result.values):,} consolidating units x {len(next(iter(result.values.values())))}"
        f" figures, {len(result.differences):,} differences; members {campaign.current_year}: "
        f"{members:,.0f}"
    )
    print(
        f"  rollup_sql: best {seconds:.2f} s of {', '.join(f'{t:.2f}' for t in times)}; "
        f"peak RSS {pg_peak:.0f} MB (this process), "
        f"{server_peak or 0:.0f} MB (PostgreSQL backend)"
    )
    with tempfile.TemporaryDirectory(prefix="baocao-bench-") as folder:
        start = time.perf_counter()
        reports, values = export_parquet(Path(folder), campaign, root.path)
        size = values.stat().st_size / 1e6
        print(
            f"  export to Parquet (not timed): {time.perf_counter() - start:.1f} s, {size:.0f} MB"
        )
        duck_seconds, duck_times, duck = best(
            lambda: duckdb_rollup(reports, values, campaign, statuses, leaves=False)
        )
        group_seconds, _, rows = best(lambda: _pg_group_by(campaign, root, statuses))
        duck_group_seconds, _, duck_rows = best(lambda: _duck_group_by(values, campaign, statuses))
    same = duck.values == result.values and duck.differences == result.differences
    print(
        f"  DuckDB reference (GROUP BY over Parquet + the same settling): best "
        f"{duck_seconds:.2f} s of {', '.join(f'{t:.2f}' for t in duck_times)}; "
        f"peak RSS so far {peak_mb():.0f} MB; same result: {'yes' if same else 'NO'}"
    )
    print(
        f"  ratio PostgreSQL / DuckDB: {seconds / duck_seconds:.1f}x (target <= 2x: "
        f"{'met' if seconds <= 2 * duck_seconds else 'not met'})"
    )
    print(
        f"  the GROUP BY per parent alone ({rows:,} sums): PostgreSQL {group_seconds:.2f} s, "
        f"DuckDB {duck_group_seconds:.2f} s ({duck_rows:,} sums): "
        f"{group_seconds / duck_group_seconds:.1f}x"
    )
    live(campaign, root, result, duck_seconds, rounds=ROUNDS, national=True)


def live(campaign, root, reference, duck_seconds: float, *, rounds: int, national: bool) -> None:
    """The live roll-up: a full rebuild, then a read of every consolidating unit, each against
    the DuckDB reference of the same run; the read checked equal to `reference` (rollup_sql's
    roll-up of the consolidating units, counted = accepted)."""
    from django.db import connection

    from baocao.apps.campaigns import live_rollup
    from baocao.apps.campaigns.models import LiveCount, LiveFigure

    rebuild_seconds, rebuild_times, (figure_rows, count_rows) = best(
        lambda: live_rollup.rebuild(campaign), rounds
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # as `baocao demo` leaves them
            for model in (LiveFigure, LiveCount):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    read_seconds, read_times, read = best(lambda: _read_all(campaign, root), rounds)
    one_seconds, _, one = best(
        lambda: live_rollup.live_rollup_of(campaign, root, False).figures(root.path), rounds
    )
    inside = {p: v for p, v in reference.values.items() if p.startswith(root.path)}
    same = read.values == inside and read.differences == reference.differences
    same = same and all(
        (read.expected[path], read.counted[path])
        == (reference.expected[path], reference.counted[path])
        for path in inside
    )
    leaf_rows = _leaf_rows(campaign) if national else None
    print(
        f"  live roll-up rebuild (SQL, both modes): best {rebuild_seconds:.2f} s of "
        f"{', '.join(f'{t:.2f}' for t in rebuild_times)}; {figure_rows:,} figure rows, "
        f"{count_rows:,} count rows (consolidating units only"
        + (f"; a row per CĐCS figure would add {leaf_rows:,})" if leaf_rows is not None else ")")
        + f"; ratio rebuild / DuckDB: {rebuild_seconds / duck_seconds:.2f}x (target <= 2x: "
        f"{'met' if rebuild_seconds <= 2 * duck_seconds else 'not met'})"
    )
    print(
        f"  live roll-up read, every consolidating unit ({len(read.values):,} units, "
        f"{sum(len(v) for v in read.values.values()):,} figures, {len(read.differences):,} "
        f"differences): best {read_seconds:.3f} s of "
        f"{', '.join(f'{t:.3f}' for t in read_times)}; same result as rollup_sql: "
        f"{'yes' if same else 'NO'}; ratio read / DuckDB: {read_seconds / duck_seconds:.2f}x "
        f"(target <= 1x: {'met' if read_seconds <= duck_seconds else 'not met'}); peak RSS so "
        f"far {peak_mb():.0f} MB"
    )
    print(
        f"  live roll-up read, the root's figures and counts only (what its document reads): "
        f"best {one_seconds * 1000:.0f} ms; same as rollup_sql's: "
        f"{'yes' if one == reference.figures(root.path) else 'NO'}"
    )


def _read_all(campaign, root):
    """Every consolidating unit's live figures, counts and differences under `root`."""
    from baocao.apps.campaigns import live_rollup

    read = live_rollup.live_rollup_of(campaign, root, False)
    read.values  # noqa: B018 (read now)
    return read


def _leaf_rows(campaign) -> int:
    """How many live figure rows the units with nothing below them would need (one per counted
    figure and mode): what keeping rows for the CĐCS would cost."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT SUM(CASE WHEN r.status = 'accepted' THEN 2 ELSE 1 END)"
            " FROM campaigns_indicatorvalue v JOIN campaigns_report r ON r.id = v.report_id"
            " JOIN orgs_unit u ON u.id = r.unit_id"
            " WHERE r.campaign_id = %s AND r.status IN ('accepted', 'submitted')"
            " AND v.value IS NOT NULL AND v.code IN ("
            + ", ".join(["%s"] * len(_summed(campaign)))
            + ") AND NOT EXISTS (SELECT 1 FROM orgs_unit c WHERE c.parent_id = u.id)",
            [campaign.pk, *_summed(campaign)],
        )
        return int(cursor.fetchone()[0] or 0)


def _summed(campaign) -> list[str]:
    return [i.code for i in campaign.catalogue.indicators if i.rollup == "sum" and i.numeric]


def _pg_group_by(campaign, root, statuses) -> int:
    from django.db import connection

    from baocao.apps.campaigns.rollup_sql import child_sums_query

    with connection.cursor() as cursor:
        cursor.execute(*child_sums_query(campaign, root, list(statuses), _summed(campaign)))
        return len(cursor.fetchall())


def _duck_group_by(values: Path, campaign, statuses) -> int:
    import duckdb

    db = duckdb.connect()
    rows = db.execute(
        f"SELECT parent, code, year, SUM(value) FROM '{values}' "
        "WHERE status IN (SELECT unnest($1)) AND value IS NOT NULL "
        "AND code IN (SELECT unnest($2)) GROUP BY ALL",
        [list(statuses), _summed(campaign)],
    ).fetchall()
    db.close()
    return len(rows)


def province_sqlite() -> None:
    """Child process: a fresh SQLite file with the demo province."""
    import django

    django.setup()
    from django.core.management import call_command

    from baocao.apps.campaigns.consolidation import subtree_figures
    from baocao.apps.campaigns.rollup_sql import rollup_sql
    from baocao.apps.orgs.models import Unit
    from baocao.demo.accounts import create_demo_users
    from baocao.demo.campaign import create_demo_campaign

    call_command("migrate", interactive=False, verbosity=0)
    create_demo_users()
    campaign = create_demo_campaign().campaign
    province = Unit.objects.get(code="KT")
    campaign.catalogue  # noqa: B018
    statuses = ("accepted",)
    rounds = 5
    python_seconds, _, python = best(
        lambda: subtree_figures(campaign, province, engine="python"), rounds
    )
    python_peak = peak_mb()
    sql_seconds, _, sql = best(lambda: rollup_sql(campaign, province, statuses), rounds)
    lean_seconds, _, lean = best(
        lambda: rollup_sql(campaign, province, statuses, leaves=False), rounds
    )
    same = sql.values == python.rollup.values and sql.differences == python.rollup.differences
    print(
        f"SQLite province roll-up ({Unit.objects.subtree(province).count():,} units, "
        f"{campaign.reports.count():,} reports):"
    )
    print(
        f"  Python roll-up (subtree_figures): {python_seconds * 1000:.0f} ms; peak RSS {python_peak:.0f} MB"
    )
    print(
        f"  rollup_sql, every unit: {sql_seconds * 1000:.0f} ms; consolidating units only: "
        f"{lean_seconds * 1000:.0f} ms; same result as Python: {'yes' if same else 'NO'}"
    )
    with tempfile.TemporaryDirectory(prefix="baocao-bench-") as folder:
        reports, values = export_parquet(Path(folder), campaign, province.path)
        duck_seconds, _, duck = best(
            lambda: duckdb_rollup(reports, values, campaign, statuses, leaves=False), rounds
        )
    same = duck.values == lean.values
    print(
        f"  DuckDB reference: {duck_seconds * 1000:.0f} ms (same result: {'yes' if same else 'NO'}); "
        f"ratio rollup_sql / DuckDB: {lean_seconds / duck_seconds:.1f}x; peak RSS {peak_mb():.0f} MB"
    )
    live(campaign, province, lean, duck_seconds, rounds=rounds, national=False)


def main() -> None:
    if "--province-child" in sys.argv:
        province_sqlite()
        return
    if "--sqlite-only" not in sys.argv:
        national()
    with tempfile.TemporaryDirectory(prefix="baocao-bench-sqlite-") as var:
        env = {**os.environ, "BAOCAO_VAR_DIR": var}
        env.pop("DATABASE_URL", None)
        subprocess.run([sys.executable, __file__, "--province-child"], env=env, check=True)


if __name__ == "__main__":
    main()
