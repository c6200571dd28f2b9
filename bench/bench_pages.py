"""How long the pages a consolidator opens most take on the national demo, as a person gets them:
through a running gunicorn (production settings, `BENCH_WORKERS` workers x `BENCH_THREADS`
threads) on the PostgreSQL of `DATABASE_URL`, over HTTP, logged in through the login form.

For the national consolidator (`tongld`, 130,510 reports below) and a province's (`tinh`, Kon
Tum, about 1,000), in the national campaign: the dashboard plain, with a status filter and with a
unit-name search (and, nationally, narrowed to Hà Nội: ?don-vi=HN), the consolidation workspace,
the unit's own report page and the campaign list.
Each page: gunicorn restarted first (fresh workers: no outline parsed, no connection open), one
request timed as the "first hit", then `BENCH_ROUNDS` (20) more; p50 and p95 of those, the
first hit apart, and the workers' peak resident memory. The last line names the pages whose p95
or first hit is above the target (300 ms).

Prints figures; asserts nothing. Needs the national demo (`baocao demo --scale national`):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/baocao_scale .venv/bin/python bench/bench_pages.py
Only some pages: `--only WORDS` (a page is run when its name holds one of the words).
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "20"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
THREADS = int(os.environ.get("BENCH_THREADS", "2"))
PORT = int(os.environ.get("BENCH_PORT", "8766"))
TARGET = 0.300  # seconds, p95 and first hit
NATIONAL = "nq20-toan-quoc-2017"
PASSWORD = "baocao-demo"  # baocao.demo.accounts.DEMO_PASSWORD
# (who, login, search words for the dashboard)
PEOPLE = (("national", "tongld", "ha noi"), ("province", "tinh", "dak ha"))


@dataclass
class Page:
    name: str
    login: str
    url: str


@dataclass
class Result:
    page: Page
    status: int
    size: int
    first: float
    times: list[float]
    peak_mb: float

    @property
    def p50(self) -> float:
        return statistics.median(self.times)

    @property
    def p95(self) -> float:
        ordered = sorted(self.times)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def pages() -> list[Page] | None:
    """The pages to measure, found in the database; None without the national demo."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baocao.web.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from baocao.apps.campaigns.models import Campaign
    from baocao.apps.orgs import scope

    if connection.vendor != "postgresql":
        print("bench_pages: skipped (set DATABASE_URL to the PostgreSQL of the national demo)")
        return None
    pending = MigrationExecutor(connection).migration_plan(
        MigrationExecutor(connection).loader.graph.leaf_nodes()
    )
    if pending:  # the benchmark never changes the database: `baocao manage migrate` first
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _backwards in pending)
        print(f"bench_pages: skipped (migrations not applied: {names})")
        return None
    if not Campaign.objects.filter(slug=NATIONAL).exists():
        print("bench_pages: skipped (no national demo: run `baocao demo --scale national`)")
        return None
    found = []
    base = f"/dot-bao-cao/{NATIONAL}/"
    for who, login, words in PEOPLE:
        user = get_user_model().objects.filter(username=login).first()
        if user is None:
            print(f"bench_pages: no user {login}, its pages skipped")
            continue
        code = scope.user_unit(user).code
        search = words.replace(" ", "+")
        found += [
            Page(f"{who} dashboard", login, base),
            Page(f"{who} dashboard, status filter", login, base + "?trang-thai=submitted"),
            Page(f"{who} dashboard, name search", login, base + f"?q={search}"),
            *(
                [Page(f"{who} dashboard, narrowed to Hà Nội", login, base + "?don-vi=HN")]
                if who == "national"
                else []
            ),
            Page(f"{who} workspace", login, base + f"bao-cao/{code}/tong-hop/"),
            Page(f"{who} report page", login, base + f"bao-cao/{code}/"),
            Page(f"{who} campaign list", login, "/dot-bao-cao/"),
        ]
    connection.close()
    return found


class Server:
    """gunicorn on 127.0.0.1:PORT, started and stopped at will (a restart: fresh workers)."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log, self.process = env, log, None

    def start(self) -> None:
        with self.log.open("a") as log:
            self.process = self._popen(log)
        import requests

        for _ in range(600):
            if self.process.poll() is not None:
                break
            try:  # a JSON 404 from the API: a worker answers, no page warmed
                requests.get(f"http://127.0.0.1:{PORT}/api/san-sang/", timeout=2)
                return
            except requests.RequestException:
                time.sleep(0.1)
        logged = self.log.read_text(errors="replace")[-3000:]
        raise RuntimeError(f"gunicorn did not answer on 127.0.0.1:{PORT}:\n{logged}")

    def _popen(self, log) -> subprocess.Popen:
        return subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "baocao.web.wsgi",
                "--bind", f"127.0.0.1:{PORT}",
                "--workers", str(WORKERS),
                "--worker-class", "gthread",
                "--threads", str(THREADS),
                "--keep-alive", "30",
                "--log-level", "warning",
            ],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip

    def peak_mb(self) -> float:
        """The largest peak resident memory of a worker (VmHWM), in MB."""
        import psutil

        peak = 0
        for child in psutil.Process(self.process.pid).children():
            try:
                status = Path(f"/proc/{child.pid}/status").read_text()
            except OSError:
                continue
            found = re.search(r"VmHWM:\s+(\d+) kB", status)
            peak = max(peak, int(found.group(1)) if found else 0)
        return peak / 1024

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None


def log_in(login: str):
    import requests

    session = requests.Session()
    url = f"http://127.0.0.1:{PORT}/dang-nhap/"
    form = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', session.get(url).text)
    answer = session.post(
        url,
        data={
            "username": login,
            "password": PASSWORD,
            "csrfmiddlewaretoken": form.group(1) if form else "",
        },
        headers={"Referer": url},
        allow_redirects=False,
    )
    if answer.status_code != 302:
        raise RuntimeError(f"{login} could not log in ({answer.status_code})")
    return session


def measure(server: Server, sessions: dict, page: Page) -> Result:
    server.stop()
    server.start()
    session = sessions[page.login]
    url = f"http://127.0.0.1:{PORT}{page.url}"
    start = time.perf_counter()
    response = session.get(url)
    first = time.perf_counter() - start
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        response = session.get(url)
        times.append(time.perf_counter() - start)
    return Result(page, response.status_code, len(response.content), first, times, server.peak_mb())


def main() -> None:
    only = sys.argv[sys.argv.index("--only") + 1].split() if "--only" in sys.argv else []
    found = pages()
    if not found:
        return
    found = [page for page in found if not only or any(word in page.name for word in only)]
    with tempfile.TemporaryDirectory(prefix="baocao-bench-pages-") as folder:
        env = {
            **os.environ,
            "BAOCAO_DEBUG": "0",
            "BAOCAO_SECRET_KEY": "bench-pages-not-a-secret-" + "x" * 40,
            "BAOCAO_ALLOWED_HOSTS": "127.0.0.1",
            "BAOCAO_HTTPS": "0",
            "BAOCAO_VAR_DIR": folder,
        }
        subprocess.run(
            [str(Path(sys.executable).with_name("baocao")), "manage", "collectstatic"]
            + ["--noinput", "-v0"],
            env=env,
            check=True,
        )
        server = Server(env, Path(folder, "gunicorn.log"))
        results = []
        try:
            server.start()
            sessions = {login: log_in(login) for login in {page.login for page in found}}
            print(
                f"gunicorn {WORKERS} workers x {THREADS} threads, PostgreSQL, {NATIONAL}; "
                f"each page: restart, first hit, then {ROUNDS} requests (ms)"
            )
            print(f"{'page':<40} {'status':>6} {'KB':>6} {'first':>7} {'p50':>7} {'p95':>7} "
                  f"{'max':>7} {'peak MB':>8}")  # fmt: skip
            for page in found:
                result = measure(server, sessions, page)
                results.append(result)
                print(
                    f"{page.name:<40} {result.status:>6} {result.size / 1024:>6.0f} "
                    f"{result.first * 1000:>7.0f} {result.p50 * 1000:>7.0f} "
                    f"{result.p95 * 1000:>7.0f} {max(result.times) * 1000:>7.0f} "
                    f"{result.peak_mb:>8.0f}",
                    flush=True,
                )
        finally:
            server.stop()
    slow = [
        f"{result.page.name} (p95 {result.p95 * 1000:.0f} ms, first {result.first * 1000:.0f} ms)"
        for result in results
        if result.p95 >= TARGET or result.first >= TARGET
    ]
    print(
        f"above {TARGET * 1000:.0f} ms (p95 or first hit): " + ("; ".join(slow) if slow else "none")
    )


if __name__ == "__main__":
    main()
