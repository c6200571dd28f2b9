"""Crash safety: a real gunicorn (as deployed: several worker processes, threads, DEBUG off)
serving the test database, killed with SIGKILL in the middle of an autosave burst. Every save
the server acknowledged must be in the database afterwards, and the restarted server must
take the next save, with the sessions the writers logged in with before the crash.

The test's data is committed (transaction=True) so the server, another process, sees it; the
server is pointed at the test database through DATABASE_URL: on PostgreSQL pytest-django's
test database, on SQLite the test database file (WAL: a killed process loses nothing that
was committed).
"""

from __future__ import annotations

import datetime
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import psutil
import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.db.models import Max
from django.urls import reverse

from baocao.apps.campaigns import actions
from baocao.apps.campaigns.models import SectionText, SectionVersion
from baocao.apps.orgs.models import Membership, UnitKind
from baocao.richtext import clean_section_text, from_plain_lines

from .campaign_scenario import nq20_document, report_of
from .live_http import Browser

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "thu-sap-may-2017-khong-dung-that"
WRITERS = {"an.viet": ("P1/I/1", "P1/I/2"), "binh.viet": ("P1/III/1", "P2/2")}
KILL_AFTER = 40  # acknowledged saves before the server is killed, the burst still going
MAX_SAVES = 200  # per section: a bound in case the kill never came
BASE_VERSION = re.compile(r'name="base_version" value="(\d+)"')


def _test_database_url() -> str:
    """DATABASE_URL for the server: the database this test runs on."""
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    given = urlsplit(os.environ["DATABASE_URL"])
    return given._replace(path=f"/{name}").geturl()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """gunicorn on 127.0.0.1:`port`, in its own process group (master and workers)."""

    def __init__(self, folder: Path, port: int) -> None:
        self.folder, self.port = folder, port
        self.url = f"http://127.0.0.1:{port}"
        self.log = folder / "gunicorn.log"
        self.env = {
            **os.environ,
            "DATABASE_URL": _test_database_url(),
            "DJANGO_SETTINGS_MODULE": "baocao.web.settings",
            "BAOCAO_DEBUG": "0",
            "BAOCAO_SECRET_KEY": "thu-sap-may-khong-phai-bi-mat-" + "x" * 40,
            "BAOCAO_ALLOWED_HOSTS": "127.0.0.1",
            "BAOCAO_HTTPS": "0",
            "BAOCAO_VAR_DIR": str(folder),
        }
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [
                    str(Path(sys.executable).with_name("gunicorn")),
                    "baocao.web.wsgi",
                    "--bind", f"127.0.0.1:{self.port}",
                    "--workers", "2",
                    "--worker-class", "gthread",
                    "--threads", "2",
                    "--keep-alive", "30",
                    "--log-level", "warning",
                ],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: master and workers, killed as one
            )  # fmt: skip
        self._wait_until_answering()

    def _wait_until_answering(self) -> None:
        """Until a worker answers: a JSON 404 from the API, which needs no page template."""
        probe = Browser(self.url, timeout=2)
        deadline = 200  # tries, each at most 2 s but mostly an instant refusal
        for _ in range(deadline):
            assert self.process.poll() is None, f"gunicorn exited:\n{self.logged()}"
            try:
                if probe.get("/api/san-sang/").status == 404:
                    return
            except (OSError, http.client.HTTPException):
                time.sleep(0.1)  # polling for the port, not a timing assertion
        raise AssertionError(f"gunicorn did not answer:\n{self.logged()}")

    def processes(self) -> list[psutil.Process]:
        master = psutil.Process(self.process.pid)
        return [master, *master.children(recursive=True)]

    def kill(self) -> list[psutil.Process]:
        """SIGKILL to master and workers at once, as a power cut or the OOM killer would."""
        processes = self.processes()
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        _gone, alive = psutil.wait_procs(processes, timeout=10)
        return alive

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)

    def logged(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


@pytest.fixture
def server(tmp_path):
    gunicorn = Gunicorn(tmp_path, _free_port())
    yield gunicorn
    gunicorn.stop()


@pytest.fixture
def school(tree, django_user_model):
    admin = django_user_model.objects.create_superuser("quantri")
    hashed = make_password(PASSWORD)  # one real hash for both writers: they log in for real
    for username in WRITERS:
        user = django_user_model.objects.create_user(username)
        user.password = hashed
        user.save(update_fields=["password"])
        Membership.objects.create(user=user, unit=tree.cdcs_dh1, roles=["writer"])
    campaign = actions.open_campaign(
        nq20_document(),
        tree.province,
        kinds=[UnitKind.GRASSROOTS],
        deadline=datetime.date.today() + datetime.timedelta(days=30),
        actor=admin,
        name="Đợt thử sập máy",
        slug="nq20-sap-may",
    )
    return report_of(campaign, tree.cdcs_dh1)


def stored_html(typed: str) -> str:
    return clean_section_text(from_plain_lines(typed))


def test_every_acknowledged_save_survives_a_sigkill_of_the_server(server, school):
    assert set(school.campaign.section_ids) >= {s for ss in WRITERS.values() for s in ss}
    server.start()
    browsers = {}
    for username in WRITERS:
        browsers[username] = Browser(server.url)
        browsers[username].log_in(username, PASSWORD)

    def save_url(section: str) -> str:
        return reverse(
            "campaigns:section_save", args=[school.campaign.slug, school.unit.code, section]
        )

    acknowledged: list[tuple[str, int, str]] = []  # (section, version, text typed)
    ended: dict[str, str] = {}  # section -> why its writer stopped
    lock, enough = threading.Lock(), threading.Event()

    def type_into(username: str, section: str) -> None:
        """Autosave as the editor does: each save a new text on the version last saved."""
        base = 0
        for n in range(1, MAX_SAVES + 1):
            typed = f"{username} viết mục {section}, lần lưu {n}: thêm {n * 7} đoàn viên."
            try:
                answer = browsers[username].post(
                    save_url(section), {"text": typed, "base_version": base}, htmx=True
                )
            except (OSError, http.client.HTTPException) as error:  # the server is gone
                ended[section] = f"server gone: {type(error).__name__}"
                return
            found = BASE_VERSION.search(answer.body)
            saved = "baocao-saved" in answer.header("HX-Trigger")
            if answer.status != 200 or not saved or found is None:
                ended[section] = f"not saved: {answer.status} {answer.body[:300]}"
                return
            base = int(found.group(1))
            with lock:
                acknowledged.append((section, base, typed))
                if len(acknowledged) >= KILL_AFTER:
                    enough.set()
        ended[section] = "reached MAX_SAVES"

    writers = [
        threading.Thread(target=type_into, args=(username, section))
        for username, sections in WRITERS.items()
        for section in sections
    ]
    for writer in writers:
        writer.start()
    try:
        assert enough.wait(timeout=20), f"the burst stalled: {ended}\n{server.logged()}"
        alive = server.kill()
    finally:
        for writer in writers:
            writer.join(timeout=30)
    assert not alive, f"processes survived SIGKILL: {alive}"
    assert not any(writer.is_alive() for writer in writers)
    # Every writer was still typing when the server died, and nothing failed before.
    assert all(why.startswith("server gone") for why in ended.values()), ended
    assert len(ended) == 4

    # Every acknowledged save is in the history as the version it was acknowledged as...
    history = {
        (section, version): text
        for section, version, text in SectionVersion.objects.filter(report=school).values_list(
            "section_id", "version", "text"
        )
    }
    lost = [
        (section, version)
        for section, version, typed in acknowledged
        if history.get((section, version)) != stored_html(typed)
    ]
    assert not lost, f"{len(lost)} of {len(acknowledged)} acknowledged saves lost: {lost}"
    # ...and each section's current text is its last acknowledged save, or a later one that
    # landed although its answer never came back; never an older one. Current text and
    # history agree: a version is never half written.
    last = {}
    for section, version, typed in acknowledged:
        last[section] = max(last.get(section, (0, "")), (version, typed))
    current = {
        text.section_id: (text.version, text.text)
        for text in SectionText.objects.filter(report=school)
    }
    newest = dict(
        SectionVersion.objects.filter(report=school)
        .values_list("section_id")
        .annotate(newest=Max("version"))
    )
    for section, (version, typed) in last.items():
        stored_version, stored_text = current[section]
        assert stored_version >= version, (section, stored_version, version)
        if stored_version == version:
            assert stored_text == stored_html(typed)
        assert newest[section] == stored_version
        assert history[(section, stored_version)] == stored_text

    # Restarted, the server takes the next save at once: the sessions survived the crash.
    server.start()
    for username, sections in WRITERS.items():
        for section in sections:
            # A section whose first save had no answer before the kill (a busy machine) has
            # nothing stored: it starts from version 0.
            version = current.get(section, (0, ""))[0]
            typed = f"{username}: sau khi máy chủ khởi động lại, mục {section} vẫn lưu được."
            answer = browsers[username].post(
                save_url(section), {"text": typed, "base_version": version}, htmx=True
            )
            assert answer.status == 200, (answer.status, answer.body[:300])
            assert "baocao-saved" in answer.header("HX-Trigger")
            stored = SectionText.objects.get(report=school, section_id=section)
            assert (stored.version, stored.text) == (version + 1, stored_html(typed))
