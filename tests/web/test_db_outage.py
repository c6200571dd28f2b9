"""The database out of reach: 503 with Retry-After and "mất kết nối cơ sở dữ liệu, đang thử
lại", never a 500; the page, the editor's fragment and the API's JSON; and, on PostgreSQL, a
real gunicorn whose database connections are killed (pg_terminate_backend) again and again in
the middle of an autosave burst: no 500, and no acknowledged save lost.
"""

from __future__ import annotations

import http.client
import re
import threading
import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from baocao.apps.api.models import Token
from baocao.apps.campaigns.models import SectionText, SectionVersion
from baocao.richtext import clean_section_text, from_plain_lines
from baocao.web.errors import RETRY_AFTER

from .live_http import Browser
from .outage import database_unreachable, kill_other_connections
from .samples import PASSWORD
from .test_crash_safety import server  # noqa: F401  (the fixture: gunicorn on the test database)

pytestmark = pytest.mark.django_db(transaction=True)

SECTION = "P1/I/1"
FRAGMENT = (
    '<span class="save-error" role="alert">Mất kết nối cơ sở dữ liệu, đang thử lại… Nội dung '
    "vẫn còn trong ô và sẽ tự lưu khi kết nối trở lại.</span>"
)
BASE_VERSION = re.compile(r'name="base_version" value="(\d+)"')


def save_url(report, section: str = SECTION) -> str:
    return reverse("campaigns:section_save", args=[report.campaign.slug, report.unit.code, section])


@pytest.fixture
def writer_client(school, people):
    client = Client(raise_request_exception=False)
    client.force_login(people["school_writer"])
    return client


def test_an_autosave_during_an_outage_gets_503_and_the_editors_message(school, writer_client):
    with database_unreachable():
        response = writer_client.post(
            save_url(school), {"text": "Đang gõ", "base_version": 0}, HTTP_HX_REQUEST="true"
        )
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER)
    assert response.content.decode().strip() == FRAGMENT
    # The server is back: the same save goes through.
    response = writer_client.post(
        save_url(school), {"text": "Đang gõ", "base_version": 0}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert SectionText.objects.get(report=school, section_id=SECTION).version == 1


def test_a_page_during_an_outage_is_the_sites_503_page(school, writer_client, caplog):
    with database_unreachable():
        response = writer_client.get(reverse("campaigns:list"))
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER)
    text = response.content.decode()
    assert "<h1>Mất kết nối cơ sở dữ liệu, đang thử lại</h1>" in text
    assert (
        "Máy chủ tạm thời không kết nối được cơ sở dữ liệu và đang tự kết nối lại. Những gì đã "
        "lưu trước đó không mất. Hãy tải lại trang sau ít phút."
    ) in text
    assert 'action="/ngon-ngu/"' in text  # the site's page, with the language switch
    # ...and a line with the traceback for the operator, never a session AttributeError alone.
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.status_code == 503 and record.exc_info is not None


def test_the_api_during_an_outage_answers_json_503(school, people):
    key = Token.issue(people["school_writer"])[1]
    with database_unreachable():
        response = Client().get("/api/campaigns/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER)
    assert response.json()["error"] == {
        "code": "database_unavailable",
        "message": f"Mất kết nối cơ sở dữ liệu, đang thử lại. Hãy gửi lại sau {RETRY_AFTER} giây.",
    }


# --- a real server, its connections killed mid-burst (PostgreSQL) ------------------------------

SECTIONS = ("P1/I/1", "P1/I/2", "P1/III/1", "P2/2")  # one thread each, autosaving as one writer
SAVES = 30  # acknowledged saves per writer
KILL_EVERY = 10  # acknowledged saves (all writers) between two kills
MAX_TRIES = 400  # per writer: a bound in case the server never came back


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_terminate_backend: PostgreSQL")
def test_killing_the_servers_connections_mid_burst_loses_nothing_and_never_500s(
    server,  # noqa: F811
    school,
    people,
):
    writer = people["school_writer"]
    writer.set_password(PASSWORD)  # gunicorn signs its own sessions: log in through the form
    writer.save(update_fields=["password"])
    server.start()
    browser = Browser(server.url)
    browser.log_in(writer.username, PASSWORD)
    acknowledged: list[tuple[str, int, str]] = []  # (section, version, text)
    statuses: list[int] = []
    lock, done = threading.Lock(), threading.Event()
    problems: list[str] = []

    def type_into(section: str) -> None:
        base, saved, n = 0, 0, 0
        while saved < SAVES and n < MAX_TRIES:
            n += 1
            typed = f"Mục {section}, lần gõ {n}: {n * 3} đoàn viên mới."
            try:
                answer = browser.post(
                    save_url(school, section), {"text": typed, "base_version": base}, htmx=True
                )
            except (OSError, http.client.HTTPException) as error:
                problems.append(f"{section}: no answer ({error!r})")
                return
            with lock:
                statuses.append(answer.status)
            if answer.status == 503:  # as the editor does: wait Retry-After, send again
                time.sleep(int(answer.header("Retry-After")))
                continue
            found = BASE_VERSION.search(answer.body)
            if answer.status != 200 or found is None:
                problems.append(f"{section}: {answer.status} {answer.body[:300]}")
                return
            base = int(found.group(1))
            if "baocao-saved" in answer.header("HX-Trigger"):
                saved += 1
                with lock:
                    acknowledged.append((section, base, typed))
            # else a conflict: a save answered 503 had landed after all; go on from its version

    def kill_while_typing(spare: int) -> None:
        killed_at = 0
        try:
            while not done.is_set():
                with lock:
                    count = len(acknowledged)
                if count - killed_at >= KILL_EVERY:
                    kill_other_connections(spare)
                    killed_at = count
                time.sleep(0.01)
        finally:
            connection.close()  # this thread's own

    typists = [threading.Thread(target=type_into, args=(section,)) for section in SECTIONS]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        killer = threading.Thread(target=kill_while_typing, args=cursor.fetchone())
    killer.start()
    for typist in typists:
        typist.start()
    for typist in typists:
        typist.join(timeout=300)
    done.set()
    killer.join(timeout=10)
    assert not any(typist.is_alive() for typist in typists), "a writer never finished"
    assert not problems, f"{problems}\n{server.logged()}"
    assert set(statuses) <= {200, 503}, statuses
    assert 503 in statuses, "no kill landed during a request: the outage was not exercised"
    assert len(acknowledged) == len(SECTIONS) * SAVES

    history = dict(
        ((section, version), text)
        for section, version, text in SectionVersion.objects.filter(report=school).values_list(
            "section_id", "version", "text"
        )
    )
    lost = [
        (section, version)
        for section, version, typed in acknowledged
        if history.get((section, version)) != clean_section_text(from_plain_lines(typed))
    ]
    assert not lost, f"{len(lost)} of {len(acknowledged)} acknowledged saves lost: {lost}"
    print(f"{statuses.count(503)} answers 503 among {len(statuses)}; none 500, none lost")
