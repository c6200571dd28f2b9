"""More than one machine: two gunicorn nodes on different ports serve one database (as two web
machines behind one proxy would), and a background worker runs as a process of its own. What
one node knows, the other must know: a session started on one is valid on the other, a save
made on one is read on the other, failed logins counted on one lock the name on the other,
and a task enqueued by a node is done exactly once by the worker.

Nodes share nothing but the database (no disk: uploads and issued documents are rows, see
deploy/README.md "Several machines"); each node here gets its own var folder to prove it.

The same again in the scale-out topology (`redis_nodes`): both nodes and a separate worker
with BAOCAO_TASK_BACKEND=redis and the cache in Redis; the reminder confirmed on node A waits in
Redis and is sent exactly once by a separate RQ worker (`baocao worker`). Each test takes a
Redis database of its own (`redis_db`: an empty one among 1-15, claimed with a key), flushes
only that one, and is skipped when no Redis answers (BAOCAO_TEST_REDIS_URL, by default
redis://127.0.0.1:6379).
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from baocao.apps.campaigns.models import ReminderLog, SectionText

from . import campaign_scenario
from .live_http import Browser
from .queue_worker import (  # noqa: F401  (the fixtures)
    Worker,
    on_redis,
    redis_db,
    slow_mail_server,
)
from .test_background_tasks import DONE, REMINDED, received
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


@pytest.fixture(params=["database", "redis"])
def topology(request):
    """Both ways of running many nodes: "database" (everything shared through it) and "redis"
    (queue and cache in Redis too); the Redis database's URL for the latter."""
    return request.getfixturevalue("redis_db") if request.param == "redis" else None


def _start(nodes, redis_url: str | None) -> None:
    for node in nodes:
        if redis_url:
            on_redis(node.env, redis_url)
        node.start()


def test_a_session_and_a_save_cross_nodes(nodes, school, topology):  # noqa: F811
    node_a, node_b = nodes
    _start(nodes, topology)
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


def test_failed_logins_on_one_node_lock_the_name_on_the_other(nodes, school, settings, topology):  # noqa: F811
    """The counts are rows of the database in both topologies (never in a cache: a lock
    decided and counted in one transaction), so Redis changes nothing here: checked."""
    node_a, node_b = nodes
    _start(nodes, topology)

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


def test_a_reminder_confirmed_on_one_node_is_sent_once_by_the_worker_and_seen_on_the_other(
    nodes,
    tree,
    member,
    tmp_path,
    slow_mail_server,  # noqa: F811
):
    scene = campaign_scenario.build(tree, member)  # the test's own notices: sent at once
    officer = scene.people.province
    officer.set_password(PASSWORD)
    officer.save(update_fields=["password"])
    for node in nodes:
        node.env["BAOCAO_TASK_BACKEND"] = "database"  # as deployed: the queue and a worker
        node.start()
    node_a, node_b = nodes
    on_a = Browser(node_a.url)
    on_a.log_in(officer.username, PASSWORD)
    remind = reverse("campaigns:remind", args=[scene.campaign.slug])
    reports = re.search(r'name="reports" value="([^"]*)"', on_a.get(remind).body)
    assert reports is not None

    answer = on_a.post(remind, {"confirm": "1", "reports": reports.group(1)})

    # Node A only enqueued the batch, and sent the person to its progress page.
    assert answer.status == 302, answer.body[:500]
    batch = DBTaskResult.objects.get()
    progress = reverse("campaigns:remind_progress", args=[scene.campaign.slug, batch.pk])
    assert answer.header("Location") == progress
    assert slow_mail_server.received == [] and not ReminderLog.objects.exists()
    on_b = Browser(node_b.url, dict(on_a.cookies))
    assert "Đã gửi 0/3 thư" in on_b.get(progress).body

    # A worker of its own (another machine: its own folder) sends it, each reminder once.
    folder = tmp_path / "worker"
    folder.mkdir()
    worker = Worker(folder, slow_mail_server.port)
    worker.run_batch()
    assert received(slow_mail_server) == Counter(REMINDED)
    page = on_b.get(progress)
    assert page.status == 200 and "Đã gửi 3/3 thư" in page.body and DONE in page.body

    worker.run_batch()
    assert received(slow_mail_server) == Counter(REMINDED)
    assert ReminderLog.objects.count() == 3


def test_on_redis_a_reminder_confirmed_on_one_node_is_sent_once_by_an_rq_worker(
    nodes,
    tree,
    member,
    tmp_path,
    redis_db,  # noqa: F811
    slow_mail_server,  # noqa: F811
):
    import redis

    queued = redis.Redis.from_url(redis_db)
    scene = campaign_scenario.build(tree, member)  # the test's own notices: sent at once
    officer = scene.people.province
    officer.set_password(PASSWORD)
    officer.save(update_fields=["password"])
    _start(nodes, redis_db)
    node_a, node_b = nodes
    on_a = Browser(node_a.url)
    on_a.log_in(officer.username, PASSWORD)
    remind = reverse("campaigns:remind", args=[scene.campaign.slug])
    reports = re.search(r'name="reports" value="([^"]*)"', on_a.get(remind).body)
    assert reports is not None

    answer = on_a.post(remind, {"confirm": "1", "reports": reports.group(1)})

    # Node A only put the batch on the queue in Redis: nothing in the database's queue.
    assert answer.status == 302, answer.body[:500]
    progress = answer.header("Location")
    task_id = progress.rstrip("/").rsplit("/", 1)[-1]
    assert queued.lrange("rq:queue:default", 0, -1) == [task_id.encode()]
    assert not DBTaskResult.objects.exists()
    assert slow_mail_server.received == [] and not ReminderLog.objects.exists()
    on_b = Browser(node_b.url, dict(on_a.cookies))
    assert "Đã gửi 0/3 thư" in on_b.get(progress).body

    # A worker of its own (another machine: its own folder) sends it, each reminder once.
    folder = tmp_path / "worker"
    folder.mkdir()
    worker = Worker(folder, slow_mail_server.port)
    on_redis(worker.env, redis_db)
    worker.run_batch()
    assert received(slow_mail_server) == Counter(REMINDED)
    assert queued.llen("rq:queue:default") == 0
    assert queued.zrange("rq:finished:default", 0, -1) == [task_id.encode()]
    page = on_b.get(progress)
    assert page.status == 200 and "Đã gửi 3/3 thư" in page.body and DONE in page.body

    worker.run_batch()
    assert received(slow_mail_server) == Counter(REMINDED)
    assert ReminderLog.objects.count() == 3


def test_on_redis_the_cache_is_one_for_every_node(nodes, redis_db):  # noqa: F811
    """What one node's process puts in Django's cache another node's process reads: the
    cache is Redis (RedisCache), not each process's memory."""
    node_a, node_b = nodes
    for node in nodes:
        on_redis(node.env, redis_db)

    def shell(node: Gunicorn, code: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "baocao.cli", "manage", "shell", "-v0", "-c", code],
            env=node.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout.strip()

    shell(node_a, "from django.core.cache import cache; cache.set('chia-se', 'máy A', 60)")
    code = (
        "from django.core.cache import caches; "
        "print(type(caches['default']).__name__, caches['default'].get('chia-se'))"
    )

    assert shell(node_b, code) == "RedisCache máy A"
