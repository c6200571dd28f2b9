"""The web under load: 200 simulated writers (log in, open their report, autosave sections while
typing, submit), 20 reviewers reading the reports of their district and 5 consolidators
opening the campaign's dashboard (the national unit and four provinces, plain, filtered and
searched) against gunicorn + PostgreSQL on 127.0.0.1, through locust used as a library
(headless, in-process runner); then every acknowledged save is looked up in the database.

Targets (issue 7): p95 < 150 ms at about 100 requests/s, no errors, no lost write; a web worker
under 300 MB.

- Setup (this process, Django): 200 draft reports of the campaign (national if loaded, else the
  demo province's), a writer account for each (`tai.000` ... `tai.199`), static files
  collected into a temporary folder, gunicorn started on 127.0.0.1 (`WORKERS` processes of
  `THREADS` threads, BAOCAO_DEBUG=0).
- Load (a child process: locust patches the standard library with gevent): each writer logs
  in through the login form (real password hashing), opens its report page (CSRF token and
  each section's `base_version` read from it), saves sections as the editor's autosave does
  (HTMX POST with X-CSRFToken and base_version; the version in the answer becomes the next
  base), now and then reopens the page, and submits with the report's version. A writer
  waits 1.5-2.5 s between requests: 200 writers make about 100 requests/s. Traffic goes to
  127.0.0.1 only; the run stops by itself when every writer has submitted, or after
  `MAX_SECONDS`.
- Check (this process): every save the server acknowledged (report, section, version, text)
  must be in the database as that version with that text, the last one as the current text,
  and every acknowledged submission must have left its report submitted. The reports are
  set back to draft afterwards, so the benchmark can run again.
- The workers' resident memory is sampled every second (psutil); the largest is printed.

Prints figures; asserts nothing. Run (national demo loaded, or at least `baocao demo`):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/baocao_scale .venv/bin/python bench/bench_load.py
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

USERS = int(os.environ.get("BENCH_USERS", "200"))
# Writers starting per second. Each login hashes the password: Argon2id at OWASP's minimum
# (0.026 s of CPU; with PBKDF2 before, 0.37-0.5 s: at 2/s one of the two cores).
SPAWN_RATE = float(os.environ.get("BENCH_SPAWN_RATE", "2"))
# Autosaves per writer: 150 (about five minutes of typing) keeps all 200 at work together for
# over three minutes, the steady state the target is about.
SAVES = int(os.environ.get("BENCH_SAVES", "150"))
MAX_SECONDS = int(os.environ.get("BENCH_MAX_SECONDS", "600"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "5"))
THREADS = int(os.environ.get("BENCH_THREADS", "2"))
PORT = int(os.environ.get("BENCH_PORT", "8765"))
PASSWORD = "tai-thu-baocao-2017"
CAMPAIGNS = ("nq20-toan-quoc-2017", "nq20-kon-tum-2017")
SECTIONS = ("P1/I/1", "P1/I/2", "P1/II/1", "P1/II/2", "P1/III/1", "P2/2")
REVIEWERS = int(os.environ.get("BENCH_REVIEWERS", "20"))
CONSOLIDATORS = int(os.environ.get("BENCH_CONSOLIDATORS", "5"))


# --- the load (child process) ------------------------------------------------------------


def load(plan_file: str, out_file: str) -> None:
    import random
    import re

    import gevent
    from locust import FastHttpUser, between, events, task
    from locust.env import Environment
    from locust.exception import StopUser

    plan = json.loads(Path(plan_file).read_text())
    writers = list(plan["writers"])
    acknowledged: list[dict] = []
    submitted: list[int] = []
    problems: list[str] = []
    editor = re.compile(
        r'action="([^"]+/muc/([^"]+)/luu/)"[\s\S]*?name="base_version" value="(\d+)"'
    )
    base = re.compile(r'name="base_version" value="(\d+)"')
    expected = re.compile(r'name="expected_version" value="(\d+)"')
    token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

    readers = {"reviewer": list(plan["reviewers"]), "consolidator": list(plan["consolidators"])}
    writers_done: list[int] = []

    def log_in(client, username: str) -> None:
        page = client.get("/dang-nhap/", name="login page")
        form = token.search(page.text or "")
        client.post(
            "/dang-nhap/",
            data={
                "username": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": form.group(1) if form else "",
            },
            name="log in",
            allow_redirects=False,
        )

    class Reader(FastHttpUser):
        """A reviewer or a consolidator: opens its pages in turn until the writers are done."""

        abstract = True
        host = f"http://127.0.0.1:{PORT}"
        role = ""

        def on_start(self) -> None:
            if not readers[self.role]:
                raise StopUser()
            self.me = readers[self.role].pop()
            log_in(self.client, self.me["username"])
            self.turn = 0

        @task
        def read(self) -> None:
            if len(writers_done) >= len(plan["writers"]):
                raise StopUser()
            name, url = self.me["pages"][self.turn % len(self.me["pages"])]
            self.turn += 1
            with self.client.get(url, name=name, catch_response=True) as r:
                if r.status_code != 200:
                    r.failure(f"{name} answered {r.status_code}")

    class Reviewer(Reader):
        role = "reviewer"
        fixed_count = len(plan["reviewers"])
        wait_time = between(3, 6)

    class Consolidator(Reader):
        role = "consolidator"
        fixed_count = len(plan["consolidators"])
        wait_time = between(5, 10)

    class Writer(FastHttpUser):
        host = f"http://127.0.0.1:{PORT}"
        wait_time = between(1.5, 2.5)
        fixed_count = len(plan["writers"])

        def on_start(self) -> None:
            if not writers:  # locust may start a user again after one stopped: no report left
                raise StopUser()
            self.me = writers.pop()
            log_in(self.client, self.me["username"])
            self.saves = 0
            self.words = []
            self.open_report()

        def open_report(self) -> None:
            with self.client.get(self.me["url"], name="report page", catch_response=True) as r:
                text = r.text or ""
                found = {section: (url, int(v)) for url, section, v in editor.findall(text)}
                if not found:
                    r.failure("no editor on the report page")
                    raise StopUser()
                self.editors = {s: found[s] for s in SECTIONS if s in found} or found
                self.versions = {s: v for s, (_url, v) in self.editors.items()}
                version = expected.search(text)
                self.report_version = int(version.group(1)) if version else 0

        def csrf_token(self) -> str:
            for cookie in self.client.cookiejar:
                if cookie.name == "csrftoken":
                    return cookie.value
            return ""

        @task
        def write(self) -> None:
            if self.saves >= SAVES:
                self.submit()
                return
            if self.saves and self.saves % 15 == 0:
                self.open_report()
            section = random.choice(list(self.editors))
            url, _version = self.editors[section]
            self.words.append(random.choice(("đoàn viên", "công nhân", "thỏa ước", "Nghị quyết")))
            typed = f"Bản nháp lần {self.saves} của {self.me['username']}: {' '.join(self.words)}."
            with self.client.post(
                url,
                data={"text": typed, "base_version": str(self.versions[section])},
                headers={"HX-Request": "true", "X-CSRFToken": self.csrf_token()},
                name="autosave section",
                catch_response=True,
            ) as r:
                found = base.search(r.text or "")
                if r.status_code != 200 or not found or "conflict" in (r.text or ""):
                    reason = f": {type(r.error).__name__} {r.error}" if r.error else ""
                    r.failure(f"save not acknowledged ({r.status_code}{reason})"[:200])
                    return
                version = int(found.group(1))
                self.versions[section] = version
                acknowledged.append(
                    {
                        "report": self.me["report"],
                        "section": section,
                        "version": version,
                        "text": typed,
                    }
                )
            self.saves += 1

        def submit(self) -> None:
            self.open_report()
            with self.client.post(
                self.me["url"] + "gui/",
                data={
                    "expected_version": str(self.report_version),
                    "csrfmiddlewaretoken": self.csrf_token(),
                },
                name="submit",
                allow_redirects=False,
                catch_response=True,
            ) as r:
                if r.status_code == 302:
                    submitted.append(self.me["report"])
                else:
                    r.failure(f"submit answered {r.status_code}")
                    problems.append(f"submit {self.me['report']}: {r.status_code}")
            writers_done.append(self.me["report"])
            raise StopUser()

    env = Environment(user_classes=[Writer, Reviewer, Consolidator], events=events)
    everybody = Writer.fixed_count + Reviewer.fixed_count + Consolidator.fixed_count
    runner = env.create_local_runner()
    started = time.time()
    timings: list[tuple[float, float, bool]] = []  # (when, ms, failed) of every request
    plateau: list[float] = []  # the moments every writer was at work

    @events.request.add_listener
    def on_request(response_time, exception, **_kwargs) -> None:
        timings.append((time.time(), response_time, exception is not None))

    def watch_plateau() -> None:
        while True:
            if runner.user_count >= everybody:
                plateau.append(time.time())
            gevent.sleep(0.5)

    gevent.spawn(watch_plateau)
    runner.start(everybody, spawn_rate=SPAWN_RATE)

    def stop_when_done() -> None:
        gevent.sleep(5)
        while time.time() - started < MAX_SECONDS:
            spawned = runner.spawning_greenlet is None or runner.spawning_greenlet.dead
            if spawned and runner.user_count == 0:
                break
            gevent.sleep(1)
        runner.quit()

    gevent.spawn(stop_when_done)
    runner.greenlet.join()
    seconds = time.time() - started
    stats = env.stats
    by_name = {}
    for (name, method), entry in stats.entries.items():
        by_name[f"{method} {name}"] = {
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "median": entry.get_response_time_percentile(0.5),
            "p95": entry.get_response_time_percentile(0.95),
            "p99": entry.get_response_time_percentile(0.99),
        }
    total = stats.total
    # The steady part: requests/s and p95 while every writer was at work.
    steady = {}
    if len(plateau) > 4:
        begin, end = plateau[0], plateau[-1]
        inside = sorted(ms for when, ms, _failed in timings if begin <= when <= end)
        if inside:
            steady = {
                "seconds": end - begin,
                "requests": len(inside),
                "rps": len(inside) / (end - begin),
                "p50": inside[len(inside) // 2],
                "p95": inside[min(len(inside) - 1, int(len(inside) * 0.95))],
                "failures": sum(
                    1 for when, _ms, failed in timings if failed and begin <= when <= end
                ),
            }
    Path(out_file).write_text(
        json.dumps(
            {
                "seconds": seconds,
                "requests": total.num_requests,
                "failures": total.num_failures,
                "errors": [str(error.error)[:200] for error in stats.errors.values()][:10],
                "rps": total.num_requests / seconds if seconds else 0,
                "p50": total.get_response_time_percentile(0.5),
                "p95": total.get_response_time_percentile(0.95),
                "p99": total.get_response_time_percentile(0.99),
                "max": total.max_response_time,
                "by_name": by_name,
                "acknowledged": acknowledged,
                "submitted": submitted,
                "problems": problems,
                "steady": steady,
            }
        )
    )


# --- setup, server, check (this process) --------------------------------------------------


def setup() -> tuple[dict, str]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baocao.web.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection

    from baocao.apps.campaigns.models import Campaign, Report
    from baocao.apps.orgs.models import Membership, Role, Unit, UnitKind
    from baocao.web import throttle

    if connection.vendor != "postgresql":
        print("bench_load: skipped (set DATABASE_URL to a PostgreSQL database)")
        sys.exit(0)
    call_command("migrate", interactive=False, verbosity=0)
    campaign = Campaign.objects.filter(slug__in=CAMPAIGNS).order_by("-pk").first()
    if campaign is None:
        print("bench_load: skipped (no demo campaign: run `baocao demo --scale national`)")
        sys.exit(0)
    reports = list(
        Report.objects.filter(campaign=campaign, status="draft", unit__kind="grassroots")
        .select_related("unit")
        .order_by("unit__path")[:USERS]
    )
    user_model = get_user_model()
    names = [f"tai.{n:03d}" for n in range(len(reports))]
    user_model.objects.filter(username__in=names).delete()
    for name in names:  # failed logins of an earlier, broken run would lock these names
        throttle.clear(name)
    hashed = make_password(PASSWORD)  # one real hash (settings' hasher), the same for all
    users = user_model.objects.bulk_create(
        [user_model(username=name, password=hashed, first_name="Tải thử") for name in names]
    )
    Membership.objects.bulk_create(
        [
            Membership(user=user, unit=report.unit, roles=[Role.WRITER])
            for user, report in zip(users, reports, strict=True)
        ]
    )
    writers = [
        {
            "username": user.username,
            "report": report.pk,
            "url": f"/dot-bao-cao/{campaign.slug}/bao-cao/{report.unit.code}/",
        }
        for user, report in zip(users, reports, strict=True)
    ]
    base = f"/dot-bao-cao/{campaign.slug}/"
    # Reviewers: one per district union with sent reports, reading up to five of them.
    reviewers = []
    districts = (
        Unit.objects.filter(kind=UnitKind.DISTRICT, path__startswith=campaign.root_unit.path)
        .order_by("path")
        .values_list("code", "path")[: REVIEWERS * 3]
    )
    for code, path in districts:
        sent = list(
            Report.objects.filter(
                campaign=campaign, unit__path__startswith=path, status__in=["submitted", "accepted"]
            )
            .exclude(unit__path=path)
            .values_list("unit__code", flat=True)[:5]
        )
        if sent:
            pages = [("review: report page", f"{base}bao-cao/{unit}/") for unit in sent]
            reviewers.append({"code": code, "pages": pages})
        if len(reviewers) == REVIEWERS:
            break
    # Consolidators: the campaign's owner and provinces, each opening its dashboard plain,
    # filtered, searched.
    owners = [campaign.root_unit.code] + list(
        Unit.objects.filter(kind=UnitKind.PROVINCE, path__startswith=campaign.root_unit.path)
        .order_by("path")
        .values_list("code", flat=True)[: CONSOLIDATORS - 1]
    )
    consolidators = [
        {
            "code": code,
            "pages": [
                ("dashboard", base),
                ("dashboard, status filter", base + "?trang-thai=submitted"),
                ("dashboard, name search", base + "?q=cong+ty"),
            ],
        }
        for code in owners[:CONSOLIDATORS]
    ]
    for role, people in ((Role.REVIEWER, reviewers), (Role.CONSOLIDATOR, consolidators)):
        for n, person in enumerate(people):
            person["username"] = f"tai.{role}.{n:02d}"
        names = [person["username"] for person in people]
        user_model.objects.filter(username__in=names).delete()
        for name in names:
            throttle.clear(name)
        made = user_model.objects.bulk_create(
            [user_model(username=name, password=hashed, first_name="Tải thử") for name in names]
        )
        units = dict(
            Unit.objects.filter(code__in=[p["code"] for p in people]).values_list("code", "pk")
        )
        Membership.objects.bulk_create(
            [
                Membership(user=user, unit_id=units[person["code"]], roles=[role])
                for user, person in zip(made, people, strict=True)
            ]
        )
    plan = {
        "writers": writers,
        "reviewers": reviewers,
        "consolidators": consolidators,
        "campaign": campaign.slug,
    }
    return plan, campaign.slug


def check(result: dict) -> dict:
    from django.db.models import Max

    from baocao.apps.campaigns.models import Report, SectionText, SectionVersion
    from baocao.richtext import clean_section_text, from_plain_lines

    acknowledged = result["acknowledged"]
    reports = {item["report"] for item in acknowledged} | set(result["submitted"])
    stored = {
        (report, section, version): text
        for report, section, version, text in SectionVersion.objects.filter(
            report_id__in=reports
        ).values_list("report_id", "section_id", "version", "text")
    }
    current = {
        (report, section): (version, text)
        for report, section, version, text in SectionText.objects.filter(
            report_id__in=reports
        ).values_list("report_id", "section_id", "version", "text")
    }
    lost, wrong, last = 0, 0, {}
    for item in acknowledged:
        key = (item["report"], item["section"], item["version"])
        expected = clean_section_text(from_plain_lines(item["text"]))
        if key not in stored:
            lost += 1
        elif stored[key] != expected:
            wrong += 1
        previous = last.get(key[:2])
        if previous is None or previous["version"] < item["version"]:
            last[key[:2]] = item
    # The current text must be the last acknowledged one, or a later save that landed although
    # its answer never came back (a timeout): older would be a lost write.
    behind = later = 0
    for (report, section), item in last.items():
        version, text = current.get((report, section), (0, ""))
        if version < item["version"]:
            behind += 1
        elif version > item["version"]:
            later += 1
        elif text != clean_section_text(from_plain_lines(item["text"])):
            behind += 1
    statuses = dict(Report.objects.filter(pk__in=result["submitted"]).values_list("pk", "status"))
    unsent = sum(1 for pk in result["submitted"] if statuses.get(pk) != "submitted")
    newest = SectionVersion.objects.filter(report_id__in=reports).aggregate(Max("version"))
    return {
        "acknowledged": len(acknowledged),
        "lost": lost,
        "wrong_text": wrong,
        "behind": behind,
        "later_unacknowledged": later,
        "submitted": len(result["submitted"]),
        "submit_lost": unsent,
        "highest_version": newest["version__max"],
    }


def reset(plan: dict) -> None:
    """The reports back to draft, so the benchmark can run again on them."""
    from django.contrib.auth import get_user_model

    from baocao.apps.campaigns.models import Report, ReportEvent

    ids = [writer["report"] for writer in plan["writers"]]
    ReportEvent.objects.filter(report_id__in=ids).delete()
    Report.objects.filter(pk__in=ids).update(status="draft", version=1, submitted_at=None)
    get_user_model().objects.filter(
        username__in=[
            person["username"]
            for people in ("writers", "reviewers", "consolidators")
            for person in plan[people]
        ]
    ).update(is_active=False)


def sample_memory(
    pid: int, stop: threading.Event, peaks: dict[int, float], cpu: dict[int, float]
) -> None:
    """Every second: each web worker's resident memory (peak kept) and CPU seconds so far."""
    import psutil

    master = psutil.Process(pid)
    while not stop.is_set():
        try:
            for worker in master.children():
                rss = worker.memory_info().rss / 1e6
                peaks[worker.pid] = max(peaks.get(worker.pid, 0), rss)
                times = worker.cpu_times()
                cpu[worker.pid] = times.user + times.system
        except psutil.Error:
            pass
        stop.wait(1)


def postgres_cpu() -> float:
    """CPU seconds used so far by the PostgreSQL server's processes (all of them)."""
    import psutil

    total = 0.0
    for process in psutil.process_iter(["name", "cpu_times"]):
        if process.info["name"] == "postgres" and process.info["cpu_times"]:
            total += process.info["cpu_times"].user + process.info["cpu_times"].system
    return total


def main() -> None:
    if "--load" in sys.argv:
        load(sys.argv[2], sys.argv[3])
        return
    plan, slug = setup()
    with tempfile.TemporaryDirectory(prefix="baocao-bench-load-") as folder:
        env = {
            **os.environ,
            "BAOCAO_DEBUG": "0",
            "BAOCAO_SECRET_KEY": "bench-load-not-a-secret-" + "x" * 40,
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
        server = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "baocao.web.wsgi",
                "--bind", f"127.0.0.1:{PORT}",
                "--workers", str(WORKERS),
                "--worker-class", "gthread",
                "--threads", str(THREADS),
                "--log-level", "warning",
                # idle connections kept longer than a writer's pause (gunicorn's default is
                # 2 s: a save sent as the server closes the connection would be reset)
                "--keep-alive", "30",
            ],
            env=env,
        )  # fmt: skip
        stop, peaks, cpu = threading.Event(), {}, {}
        sampler = threading.Thread(target=sample_memory, args=(server.pid, stop, peaks, cpu))
        try:
            _wait_for_port(PORT)
            sampler.start()
            plan_file, out_file = Path(folder, "plan.json"), Path(folder, "out.json")
            plan_file.write_text(json.dumps(plan))
            children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
            database_before = postgres_cpu()
            subprocess.run(
                [sys.executable, __file__, "--load", str(plan_file), str(out_file)],
                env=env,
                check=True,
            )
            result = json.loads(out_file.read_text())
            children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
            result["cpu"] = {
                "locust": (children_after.ru_utime + children_after.ru_stime)
                - (children_before.ru_utime + children_before.ru_stime),
                "postgres": postgres_cpu() - database_before,
                "web": sum(cpu.values()),
            }
        finally:
            stop.set()
            server.terminate()
            server.wait(timeout=30)
    verdict = check(result)
    reset(plan)
    report(result, verdict, peaks, slug)


def _wait_for_port(port: int) -> None:
    import socket

    for _ in range(100):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer on 127.0.0.1:{port}")


def report(result: dict, verdict: dict, peaks: dict[int, float], slug: str) -> None:
    print(
        f"{USERS} writers on {slug}, gunicorn {WORKERS} workers x {THREADS} threads, "
        f"{result['seconds']:.0f} s: {result['requests']:,} requests, {result['rps']:.0f}/s "
        f"on average; failures {result['failures']}"
    )
    print(
        f"  response time, whole run: median {result['p50']:.0f} ms, p95 {result['p95']:.0f} ms, "
        f"p99 {result['p99']:.0f} ms, max {result['max']:.0f} ms"
    )
    steady = result["steady"]
    if steady:
        print(
            f"  while all {USERS} writers were at work ({steady['seconds']:.0f} s): "
            f"{steady['requests']:,} requests, {steady['rps']:.0f}/s, median "
            f"{steady['p50']:.0f} ms, p95 {steady['p95']:.0f} ms, {steady['failures']} failed "
            f"(target: p95 < 150 ms at 100/s)"
        )
    for name, entry in sorted(result["by_name"].items()):
        print(
            f"  {name:24} {entry['requests']:6,} requests, {entry['failures']} failed, "
            f"median {entry['median']:.0f} ms, p95 {entry['p95']:.0f} ms"
        )
    for error in result["errors"]:
        print(f"  error: {error}")
    print(
        f"  writes: {verdict['acknowledged']:,} saves acknowledged, {verdict['lost']} lost, "
        f"{verdict['wrong_text']} with another text, {verdict['behind']} sections behind their "
        f"last acknowledged save ({verdict['later_unacknowledged']} ahead of it: a save whose "
        "answer did not come back landed); "
        f"{verdict['submitted']} submissions acknowledged, {verdict['submit_lost']} lost"
    )
    spent = result.get("cpu", {})
    if spent:
        print(
            f"  CPU seconds over the run ({result['seconds']:.0f} s x 2 cores): web workers "
            f"{spent['web']:.0f}, PostgreSQL {spent['postgres']:.0f}, locust {spent['locust']:.0f}"
            f"; per request: web {spent['web'] / max(1, result['requests']) * 1000:.0f} ms, "
            f"PostgreSQL {spent['postgres'] / max(1, result['requests']) * 1000:.0f} ms"
        )
    if peaks:
        print(
            f"  web workers' peak RSS: {max(peaks.values()):.0f} MB "
            f"({', '.join(f'{v:.0f}' for v in sorted(peaks.values()))})"
        )


if __name__ == "__main__":
    main()
