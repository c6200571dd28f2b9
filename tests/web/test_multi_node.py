"""More than one machine: two gunicorn nodes on different ports serve one database (as two web
machines behind one proxy would), and a background worker runs as a process of its own. What
one node knows, the other must know: a session started on one is valid on the other, a save
made on one is read on the other, failed logins counted on one lock the name on the other,
and a task enqueued by a node is done exactly once by the worker.

Nodes share nothing but the database (no disk: uploads and issued documents are rows, see
deploy/README.md "Several machines"); each node here gets its own var folder to prove it.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.urls import reverse

from baocao.apps.campaigns.models import SectionText

from .live_http import Browser
from .test_crash_safety import (
    PASSWORD,
    Gunicorn,
    _free_port,
    school,  # noqa: F401  (the fixture: a CĐCS report, two writers)
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def nodes(tmp_path):
    pair = []
    for name in ("node-a", "node-b"):
        folder = tmp_path / name
        folder.mkdir()
        node = Gunicorn(folder, _free_port())
        # Each node serves its own static files, as each machine has its own disk.
        subprocess.run(
            [sys.executable, "-m", "baocao.cli", "manage", "collectstatic", "--noinput", "-v0"],
            env=node.env,
            check=True,
            timeout=300,
        )
        pair.append(node)
    yield pair
    for node in pair:
        node.stop()


def test_a_session_and_a_save_cross_nodes(nodes, school):  # noqa: F811
    node_a, node_b = nodes
    for node in nodes:
        node.start()
    writer = Browser(node_a.url)
    writer.log_in("an.viet", PASSWORD)
    section = "P1/I/1"
    save = reverse("campaigns:section_save", args=[school.campaign.slug, school.unit.code, section])

    # The session made on node A works on node B, and B stores the save.
    on_b = Browser(node_b.url, dict(writer.cookies))
    answer = on_b.post(
        save, {"text": "Lưu ở máy B: 1.245 đoàn viên.", "base_version": 0}, htmx=True
    )

    assert answer.status == 200 and "baocao-saved" in answer.header("HX-Trigger"), answer.body
    stored = SectionText.objects.get(report=school, section_id=section)
    assert "1.245 đoàn viên" in stored.text
    # Node A reads what node B saved.
    page = writer.get(reverse("campaigns:report", args=[school.campaign.slug, school.unit.code]))
    assert page.status == 200 and "1.245 đoàn viên" in page.body


def test_failed_logins_on_one_node_lock_the_name_on_the_other(nodes, school, settings):  # noqa: F811
    node_a, node_b = nodes
    for node in nodes:
        node.start()

    def attempt(node: Gunicorn, password: str):
        browser = Browser(node.url)
        token = browser.cookies[settings.CSRF_COOKIE_NAME]
        form = {"username": "an.viet", "password": password, "csrfmiddlewaretoken": token}
        return browser.post("/dang-nhap/", form)

    first = attempt(node_b, "sai-mat-khau")
    assert first.status == 200 and "quá nhiều lần" not in first.body
    for _ in range(settings.BAOCAO_LOGIN_THROTTLE["per_username"] - 1):
        attempt(node_a, "sai-mat-khau")

    # The right password, on the other node: refused while the name is locked.
    refused = attempt(node_b, PASSWORD)

    assert refused.status == 429
    assert "quá nhiều lần" in refused.body
    assert settings.SESSION_COOKIE_NAME not in refused.cookies()
