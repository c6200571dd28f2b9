"""The read replica (baocao.web.replica): a view marked `replica_reads` reads the replica when
BAOCAO_DB_REPLICA_URL names one, every other read and every write goes to the primary, and
migrations never touch the replica. The replica here is a copy of the primary's file taken
before a write, so where a read went shows in what it finds."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from baocao.web.replica import REPLICA, ReplicaRouter, replica_reads

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import django
django.setup()
from django.db import connections
from baocao.apps.orgs.models import Unit, UnitKind
from baocao.web.replica import replica_reads

Unit.objects.create(code="MOI", name="Đơn vị mới", kind=UnitKind.GRASSROOTS)

@replica_reads
def count_on_replica():
    return Unit.objects.filter(code="MOI").count()

print(Unit.objects.filter(code="MOI").count(), count_on_replica(), sorted(connections))
"""


def _run(code: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "baocao.web.settings", **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_marked_view_reads_the_replica_and_writes_go_to_the_primary(tmp_path):
    primary, replica = tmp_path / "primary.sqlite3", tmp_path / "replica.sqlite3"
    env = {"DATABASE_URL": f"sqlite:///{primary}", "BAOCAO_VAR_DIR": str(tmp_path)}
    _run(
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('migrate', verbosity=0)",
        env,
    )
    shutil.copy(primary, replica)  # the replica as it was before the write below

    out = _run(PROBE, {**env, "BAOCAO_DB_REPLICA_URL": f"sqlite:///{replica}"})

    assert out == "1 0 ['default', 'replica']"


def test_without_a_replica_everything_reads_the_primary(settings):
    router = ReplicaRouter()
    assert REPLICA not in settings.DATABASES
    assert replica_reads(lambda: router.db_for_read(object))() is None


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_the_router_sends_only_marked_reads_to_the_replica(settings):
    settings.DATABASES = {**settings.DATABASES, REPLICA: settings.DATABASES["default"]}
    router = ReplicaRouter()
    assert router.db_for_read(object) is None
    assert replica_reads(lambda: router.db_for_read(object))() == REPLICA
    assert replica_reads(lambda: router.db_for_write(object))() is None
    assert router.db_for_read(object) is None  # the mark ends with the view


@pytest.mark.parametrize("db, allowed", [("default", True), (REPLICA, False)])
def test_migrations_never_run_on_the_replica(db, allowed):
    assert ReplicaRouter().allow_migrate(db, "campaigns") is allowed
