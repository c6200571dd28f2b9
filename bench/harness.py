"""What the benchmarks that measure one case per child process share: the child's Django set-up
(on SQLite, a fresh database with the demo province), running a case in a child process of its
own (so its peak resident memory is that case's alone), and the order of the runs (the
province on a fresh SQLite file, then every case on the PostgreSQL of `DATABASE_URL`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable


def child_setup() -> None:
    """Django, and on SQLite the demo province loaded into the fresh database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baocao.web.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "sqlite":
        from baocao.demo.accounts import create_demo_users
        from baocao.demo.campaign import create_demo_campaign

        call_command("migrate", interactive=False, verbosity=0)
        create_demo_users()
        create_demo_campaign()


def run_case(script: str, case: str, env: dict[str, str]) -> dict:
    """`script --case CASE` in a child process; the JSON of its last output line."""
    output = subprocess.run(
        [sys.executable, script, "--case", case],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return json.loads(output.splitlines()[-1])


def main(
    script: str,
    child: Callable[[str], None],
    run: Callable[[str, dict[str, str]], None],
    on_sqlite: Iterable[str],
    on_postgres: Iterable[str],
) -> None:
    """In a child (`--case`): that case. Otherwise the SQLite cases on a fresh file, then the
    PostgreSQL ones when `DATABASE_URL` points at PostgreSQL."""
    if "--case" in sys.argv:
        child(sys.argv[sys.argv.index("--case") + 1])
        return
    with tempfile.TemporaryDirectory(prefix="baocao-bench-sqlite-") as var:
        env = {**os.environ, "BAOCAO_VAR_DIR": var}
        env.pop("DATABASE_URL", None)
        for case in on_sqlite:
            run(case, env)
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        for case in on_postgres:
            run(case, dict(os.environ))
