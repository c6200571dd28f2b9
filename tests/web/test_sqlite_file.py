"""The SQLite database holds every report and password hash: only the site's own account may
read it, whatever the umask of whoever started the site first."""

import os
import subprocess
import sys

SCRIPT = """
import os, django
django.setup()
from django.db import connection
with connection.cursor() as cursor:  # a write: WAL mode makes its -wal and -shm files
    cursor.execute("CREATE TABLE thu (x integer)")
    cursor.execute("INSERT INTO thu VALUES (1)")
    folder = os.environ["BAOCAO_VAR_DIR"]
    for name in sorted(os.listdir(folder)):
        print(name, oct(os.stat(os.path.join(folder, name)).st_mode & 0o777))
"""


def test_the_sqlite_file_and_its_wal_are_readable_by_the_owner_only(tmp_path):
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("BAOCAO_", "DATABASE_URL"))}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env={
            **keep,
            "DJANGO_SETTINGS_MODULE": "baocao.web.settings",
            "BAOCAO_VAR_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=lambda: os.umask(0o022),  # the usual umask: files readable by everyone
    )
    assert result.returncode == 0, result.stderr
    modes = dict(line.split() for line in result.stdout.splitlines())
    assert modes == {
        "baocao.sqlite3": "0o600",
        "baocao.sqlite3-shm": "0o600",
        "baocao.sqlite3-wal": "0o600",
    }
