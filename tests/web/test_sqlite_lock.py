"""SQLite's one write lock: a big unit import holds it only briefly, and an autosave that cannot
get it in time is told to retry (503, Retry-After, its text kept), never a 500.

Real HTTP against the live server, whose request threads each open their own connection to the
test database file, as gunicorn's do; the lock is taken by another connection, as a second
worker's would be.
"""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from django.conf import settings
from django.db import connection, connections

from baocao.apps.campaigns.models import SectionText
from baocao.apps.orgs.models import Unit
from baocao.apps.orgs.services import import_units

from .campaign_scenario import url
from .live_http import logged_in

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
        reason="SQLite's database-wide write lock",
    ),
]

SECTION = "P1/I/1"
TYPED = "Công đoàn xã đã quán triệt Nghị quyết đến toàn thể đoàn viên."


def database_file() -> str:
    return connection.settings_dict["NAME"]


def autosave(browser, report, text: str):
    return browser.post(
        url("section_save", report, SECTION), {"text": text, "base_version": "0"}, htmx=True
    )


def test_an_autosave_that_cannot_get_the_write_lock_is_told_to_retry_and_keeps_its_text(
    live_server, school, people, monkeypatch
):
    # The web's connections give up after 1 s instead of 20, so the test is quick.
    monkeypatch.setitem(settings.DATABASES["default"]["OPTIONS"], "timeout", 1)
    writer = logged_in(live_server.url, people["school_writer"])
    other_worker = sqlite3.connect(database_file(), isolation_level=None)
    try:
        other_worker.execute("BEGIN IMMEDIATE")  # holds the write lock
        answer = autosave(writer, school, TYPED)
        other_worker.execute("ROLLBACK")
    finally:
        other_worker.close()
    assert answer.status == 503, answer.body[:500]
    assert int(answer.header("Retry-After")) > 0
    assert "Nội dung vẫn còn trong ô" in answer.body
    assert "<html" not in answer.body  # a fragment beside the editor, not a page
    assert not SectionText.objects.filter(report=school, section_id=SECTION).exists()
    again = autosave(writer, school, TYPED)  # what the editor does after Retry-After
    assert again.status == 200, again.body[:500]
    assert TYPED in SectionText.objects.get(report=school, section_id=SECTION).text


def unit_file(rows: int) -> bytes:
    """`rows` CĐCS under ten new districts of Kon Tum (the conftest tree's "KT")."""
    lines = ["code,name,kind,parent_code,email"]
    lines += [f"KT-N{d},LĐLĐ huyện mới {d},district,KT," for d in range(10)]
    lines += [f"KT-N{i % 10}-{i},CĐCS số {i},grassroots,KT-N{i % 10}," for i in range(rows)]
    return "\n".join(lines).encode()


def wait_for_the_write_lock(deadline: float) -> bool:
    """Whether another connection took the write lock before `deadline` (polled)."""
    probe = sqlite3.connect(database_file(), isolation_level=None, timeout=0)
    try:
        while time.monotonic() < deadline:
            try:
                probe.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:  # "database is locked": the import is writing
                return True
            probe.execute("ROLLBACK")
            time.sleep(0.005)
        return False
    finally:
        probe.close()


def test_an_autosave_during_a_big_unit_import_is_saved_not_refused(live_server, school, people):
    """40,000 new units took 70 s of write lock before the import read its file outside the
    transaction and stopped using bulk_update; an autosave gives up after 20 s."""
    writer = logged_in(live_server.url, people["school_writer"])
    data = unit_file(40_000)
    failures: list[BaseException] = []

    def run_import() -> None:
        try:
            import_units(data, "don-vi.csv")
        except BaseException as error:  # re-raised in the test's thread
            failures.append(error)
        finally:
            connections.close_all()

    importer = threading.Thread(target=run_import)
    importer.start()
    try:
        assert wait_for_the_write_lock(time.monotonic() + 120), "the import never wrote"
        answer = autosave(writer, school, TYPED)  # waits for the lock, then saves
    finally:
        importer.join(timeout=300)
    assert not failures, failures
    assert answer.status == 200, answer.body[:500]
    assert "baocao-saved" in answer.header("HX-Trigger")
    assert TYPED in SectionText.objects.get(report=school, section_id=SECTION).text
    assert Unit.objects.filter(code__startswith="KT-N").count() == 40_010
