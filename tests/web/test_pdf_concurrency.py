"""At most BAOCAO_CONVERSIONS LibreOffice conversions at once on the machine, whichever process
asks (`baocao.libreoffice.conversion_slot`): a PDF asked for while they are all taken is told
at once to try again in a minute (503 with Retry-After), instead of adding one more LibreOffice
to a busy machine or holding a worker thread while it waits. Real processes and real HTTP
against the live server. The PDF is made by a background job (`baocao.apps.jobs`), run inside
the request here (no worker): the answer leads to the job's file, or to its page while the
same person's job is still being made."""

from __future__ import annotations

import http.client
import subprocess
import sys
import threading
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from baocao import libreoffice

from .campaign_scenario import report_of, to_consolidate, url
from .live_http import logged_in

BUSY = "Máy chủ đang bận chuyển PDF; hãy thử lại sau một phút"
HOLD_A_SLOT = (
    "import time\n"
    "from baocao import libreoffice\n"
    "with libreoffice.conversion_slot():\n"
    "    print('held', flush=True)\n"
    "    time.sleep(600)\n"
)


@pytest.fixture(autouse=True)
def one_slot(tmp_path, monkeypatch):
    """One conversion at a time, with lock files of this test's own (other test runs on the
    machine convert too)."""
    if not libreoffice.available():
        pytest.fail("LibreOffice is missing: `make system-deps` installs libreoffice-writer")
    monkeypatch.setenv(libreoffice.SLOTS_ENV, "1")
    monkeypatch.setenv(libreoffice.LOCKS_ENV, str(tmp_path / "locks"))


def test_a_conversion_in_another_process_holds_the_only_slot_until_that_process_ends():
    holder = subprocess.Popen([sys.executable, "-c", HOLD_A_SLOT], stdout=subprocess.PIPE)
    try:
        assert holder.stdout.readline() == b"held\n"
        with pytest.raises(libreoffice.Busy) as raised:
            libreoffice.convert(b"PK", "pdf", suffix=".docx")
        assert "hãy thử lại sau một phút" in raised.value.message
    finally:
        holder.kill()  # SIGKILL: no clean-up code runs, the system drops the lock
        holder.wait()
    with libreoffice.conversion_slot() as slot:
        assert slot == 0


def get(base_url: str, path: str, session: str) -> tuple[int, dict[str, str], bytes]:
    """One GET over a fresh connection: status, headers, body as bytes (a PDF is binary)."""
    address = urlsplit(base_url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
    try:
        connection.request(
            "GET", path, headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"}
        )
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def at_once(count: int, call) -> list:
    start = threading.Barrier(count)
    results: list = [None] * count

    def run(index: int) -> None:
        start.wait(timeout=10)
        results[index] = call()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(result is not None for result in results), "a request never came back"
    return results


@pytest.fixture
def province_pdf(live_server, tree, member, django_user_model):
    """The province's consolidated PDF: its address and a consolidator's session cookie."""
    admin = django_user_model.objects.create_superuser("quantri")
    texts = {
        "dakha": "LĐLĐ huyện đã ban hành kế hoạch thực hiện Nghị quyết.",
        "cdcs_dh1": "Công đoàn xã Đăk Mar tổ chức học tập Nghị quyết.",
        "cdcs_dh2": "Nhà trường tuyên truyền Nghị quyết.",
        "cdcs_dt1": "Trung tâm Y tế quán triệt Nghị quyết.",
    }
    campaign = to_consolidate(tree, admin, texts, slug="nq20-pdf")
    consolidator = member("tinh", tree.province, "consolidator")
    browser = logged_in(live_server.url, consolidator)
    path = url("report_download", report_of(campaign, tree.province), "pdf")
    return path, browser.cookies[settings.SESSION_COOKIE_NAME]


@pytest.mark.django_db(transaction=True)
def test_pdfs_asked_for_while_every_slot_is_taken_are_told_to_retry_in_a_minute(
    live_server, province_pdf
):
    path, session = province_pdf
    with libreoffice.conversion_slot():  # a conversion already running
        answers = at_once(4, lambda: get(live_server.url, path, session))
    assert 503 in {status for status, _headers, _body in answers}
    for status, headers, body in answers:
        if status == 302:  # asked again while the first was on its way: that job's page
            assert "/viec-nen/" in headers["Location"], body[:300]
            status, headers, body = get(live_server.url, headers["Location"], session)
            assert status == 200 and BUSY in body.decode() and "tai-ve.docx" in body.decode()
            continue
        assert status == 503, body[:300]
        assert headers["Retry-After"] == str(libreoffice.RETRY_AFTER_SECONDS)
        page = body.decode()
        assert BUSY in page and "Chưa xuất được bản PDF" in page
        assert "tai-ve.docx" in page  # the DOCX, to take now instead
    status, headers, body = get(live_server.url, path, session)  # the slot is free again
    assert status == 302 and headers["Location"].endswith("/tai-ve/"), body[:300]
    status, headers, body = get(live_server.url, headers["Location"], session)
    assert status == 200 and body.startswith(b"%PDF")


@pytest.mark.django_db(transaction=True)
def test_parallel_pdf_downloads_get_the_pdf_or_the_retry_message_never_an_error(
    live_server, province_pdf
):
    path, session = province_pdf
    answers = at_once(3, lambda: get(live_server.url, path, session))
    statuses = sorted(status for status, _headers, _body in answers)
    assert set(statuses) <= {302, 503}, statuses
    files = [headers["Location"] for status, headers, _ in answers if status == 302]
    assert any(location.endswith("/tai-ve/") for location in files), statuses  # one is made
    for status, headers, body in answers:
        if status == 302:  # the file, or (the same job, still being made) its page
            status, _headers, body = get(live_server.url, headers["Location"], session)
            assert status == 200
            assert body.startswith(b"%PDF") or "Bản PDF của báo cáo" in body.decode()
        else:
            assert headers["Retry-After"] == str(libreoffice.RETRY_AFTER_SECONDS)
            assert BUSY in body.decode()
