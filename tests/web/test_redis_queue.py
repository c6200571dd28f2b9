"""The Redis queue (BAOCAO_TASK_BACKEND=redis): chosen by one setting, with the shared cache in
Redis beside it, while the embedded default (no setting) imports nothing of Redis; and the
worker that dies in the middle of a batch on Redis, as on the database queue
(test_background_tasks): its task is put back once RQ has seen it abandoned, and each
reminder leaves exactly once.

The settings are read in a fresh process each (they are read once, at start); the worker is
`baocao worker` on a Redis database of the test's own (queue_worker.redis_db, skipped when no
Redis answers).
"""

from __future__ import annotations

import datetime
import json
import os
import re
import signal
import subprocess
import sys
import time

import psutil
import pytest
from django.urls import reverse
from django.utils import timezone

from baocao.apps.campaigns.models import ReminderLog
from baocao.apps.campaigns.tasks import send_reminders
from baocao.apps.orgs.models import Unit, UnitKind
from baocao.web import background
from baocao.web.background import DATABASE_QUEUE, IMMEDIATE, REDIS_QUEUE, TaskResultStatus

from . import campaign_scenario
from .queue_worker import (  # noqa: F401  (the fixtures)
    Worker,
    on_redis,
    redis_db,
    slow_mail_server,
)
from .test_background_tasks import POLLING, received

READ_SETTINGS = """
import json, sys
import django
django.setup()
from django.conf import settings
cache = settings.CACHES["default"]
print(json.dumps({
    "backend": settings.TASKS["default"]["BACKEND"],
    "redis_url": settings.REDIS_URL,
    "rq_queues": getattr(settings, "RQ_QUEUES", None),
    "cache": cache["BACKEND"].rsplit(".", 1)[-1],
    "cache_location": cache.get("LOCATION"),
    "apps": [app for app in settings.INSTALLED_APPS if "rq" in app],
    "imported": sorted(name for name in ("redis", "rq", "django_rq") if name in sys.modules),
}))
"""


def read_settings(**environ: str) -> dict:
    """baocao's settings in a fresh process whose environment has `environ` (and none of the
    Redis and queue variables of this one)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("BAOCAO_TASK_BACKEND", "BAOCAO_REDIS_URL", "BAOCAO_CACHE_PREFIX")
    }
    env |= {"DJANGO_SETTINGS_MODULE": "baocao.web.settings", **environ}
    done = subprocess.run(
        [sys.executable, "-c", READ_SETTINGS],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_embedded_default_is_the_database_queue_without_redis():
    chosen = read_settings()

    assert chosen["backend"] == DATABASE_QUEUE
    assert chosen["redis_url"] == "" and chosen["rq_queues"] is None
    assert chosen["cache"] == "LocMemCache"
    assert chosen["apps"] == [] and chosen["imported"] == []  # Redis not even imported


def test_one_setting_puts_the_queue_and_the_cache_in_redis():
    chosen = read_settings(BAOCAO_TASK_BACKEND="redis")

    assert chosen["backend"] == REDIS_QUEUE == "baocao.web.redis_queue.RedisQueue"
    local = "redis://127.0.0.1:6379/0"  # Redis on this machine unless told otherwise
    assert chosen["redis_url"] == local == chosen["cache_location"]
    assert chosen["rq_queues"]["default"]["URL"] == local
    assert chosen["cache"] == "RedisCache"
    assert chosen["apps"] == ["django_rq", "django_tasks_rq"]


def test_the_redis_url_names_the_server_of_both():
    given = "redis://redis.example.vn:6380/3"
    chosen = read_settings(BAOCAO_TASK_BACKEND="REDIS", BAOCAO_REDIS_URL=given)

    assert chosen["backend"] == REDIS_QUEUE
    assert chosen["rq_queues"]["default"]["URL"] == given == chosen["cache_location"]


def test_a_redis_url_alone_shares_the_cache_and_keeps_the_database_queue():
    chosen = read_settings(BAOCAO_REDIS_URL="redis://127.0.0.1:6379/4")

    assert chosen["backend"] == DATABASE_QUEUE and chosen["rq_queues"] is None
    assert chosen["cache"] == "RedisCache" and chosen["apps"] == []


def test_immediate_needs_no_worker_and_no_redis():
    chosen = read_settings(BAOCAO_TASK_BACKEND="immediate")

    assert chosen["backend"] == IMMEDIATE and chosen["cache"] == "LocMemCache"


@pytest.mark.parametrize(
    ("backend", "worker", "redis"),
    [(DATABASE_QUEUE, True, False), (REDIS_QUEUE, True, True), (IMMEDIATE, False, False)],
)
def test_what_the_code_asks_of_the_backend(settings, backend, worker, redis):
    settings.TASKS = {"default": {"BACKEND": backend}}

    assert background.needs_worker() is worker
    assert background.uses_redis() is redis


@pytest.mark.django_db(transaction=True)
def test_on_redis_a_task_asked_for_in_a_transaction_is_queued_at_its_commit_only(
    settings,
    redis_db,  # noqa: F811
):
    import redis
    from django.db import transaction

    from baocao.apps.notices.tasks import email_notices

    settings.TASKS = {"default": {"BACKEND": REDIS_QUEUE}}
    settings.RQ_QUEUES = {"default": {"URL": redis_db}}
    queued = redis.Redis.from_url(redis_db)

    with transaction.atomic():
        committed = email_notices.enqueue()
        assert queued.llen("rq:queue:default") == 0  # a worker cannot take it yet
    assert queued.lrange("rq:queue:default", 0, -1) == [committed.id.encode()]
    assert background.find_result(email_notices, committed.id).status == TaskResultStatus.READY

    with pytest.raises(RuntimeError), transaction.atomic():
        email_notices.enqueue()
        raise RuntimeError("the request failed")
    assert queued.llen("rq:queue:default") == 1  # the rolled-back one never left

    at_once = email_notices.enqueue()  # outside a transaction: at once
    assert queued.lrange("rq:queue:default", 0, -1)[-1] == at_once.id.encode()


# --- a worker that dies, on Redis ------------------------------------------------------------

EXTRA_UNITS = 20
KILLED_AFTER = 3


@pytest.mark.django_db(transaction=True)
def test_on_redis_a_worker_killed_mid_batch_leaves_each_reminder_sent_once(
    tree,
    member,
    django_user_model,
    client,
    settings,
    tmp_path,
    redis_db,  # noqa: F811
    slow_mail_server,  # noqa: F811
):
    import redis

    admin = django_user_model.objects.create_superuser("quantri")
    for number in range(EXTRA_UNITS):
        Unit.objects.create(
            code=f"KT-DT-{number + 10:02d}",
            name=f"CĐCS số {number + 10}",
            kind=UnitKind.GRASSROOTS,
            parent=tree.dakto,
            email=f"cdcs{number + 10}@example.vn",
        )
    campaign = campaign_scenario.open_nq20(
        tree,
        admin,
        kinds=[UnitKind.GRASSROOTS],
        deadline=timezone.localdate() - datetime.timedelta(days=3),
    )
    letters = campaign.reports.exclude(unit=tree.province).count()
    officer = member("tinh", tree.province, "reviewer")
    # This process enqueues and reads results on Redis too, as a web node would.
    settings.TASKS = {"default": {"BACKEND": REDIS_QUEUE}}
    settings.RQ_QUEUES = {"default": {"URL": redis_db}}
    client.force_login(officer)
    remind = reverse("campaigns:remind", args=[campaign.slug])
    reports = re.search(r'name="reports" value="([^"]*)"', client.get(remind).content.decode())
    assert reports is not None

    answer = client.post(remind, {"confirm": "1", "reports": reports.group(1)})

    assert answer.status_code == 302
    progress = answer["Location"]
    task_id = progress.rstrip("/").rsplit("/", 1)[-1]
    queued = redis.Redis.from_url(redis_db)
    assert queued.lrange("rq:queue:default", 0, -1) == [task_id.encode()]

    worker = Worker(tmp_path, slow_mail_server.port)
    on_redis(worker.env, redis_db)
    slow_mail_server.delay = 0.2  # a busy mail server: the kill lands while one is in flight
    worker.start()
    try:
        deadline = time.monotonic() + 90
        while True:  # until a reminder's text is at the server, its answer not yet back
            before = len(slow_mail_server.received)
            logged = ReminderLog.objects.count()
            if logged >= KILLED_AFTER and before == logged == len(slow_mail_server.received):
                break
            assert time.monotonic() < deadline, f"no reminder went out:\n{worker.logged()}"
            time.sleep(0.02)  # polling the database, not a timing assertion
        # The worker, then the process running the task (RQ forks one per task): the worker
        # first, or it would see its task's process die and fail the task itself.
        horses = psutil.Process(worker.process.pid).children(recursive=True)
        os.kill(worker.process.pid, signal.SIGKILL)
        for horse in horses:
            horse.send_signal(signal.SIGKILL)
        worker.process.wait(timeout=10)
    finally:
        worker.stop()

    out = ReminderLog.objects.count()
    assert KILLED_AFTER <= out < letters
    assert background.find_result(send_reminders, task_id).status == TaskResultStatus.RUNNING
    page = client.get(progress).content.decode()
    assert f"Đã gửi {out}/{letters} thư" in page and POLLING in page

    # Within RQ's heartbeat the task may still be running somewhere: nothing is put back.
    assert background.recover_abandoned() == 0
    # Past it (two minutes on), RQ takes it as abandoned and it goes back on the queue, once.
    later = timezone.now() + datetime.timedelta(minutes=2)
    assert background.recover_abandoned(later) == 1
    assert background.recover_abandoned(later) == 0
    assert queued.lrange("rq:queue:default", 0, -1) == [task_id.encode()]

    slow_mail_server.delay = 0
    worker.run_batch()
    counts = received(slow_mail_server)
    assert len(counts) == letters and set(counts.values()) == {1}, counts  # none twice
    assert ReminderLog.objects.count() == letters
    result = background.find_result(send_reminders, task_id)
    assert result.status == TaskResultStatus.SUCCESSFUL
    page = client.get(progress).content.decode()
    assert f"Đã gửi {letters}/{letters} thư" in page

    worker.run_batch()  # and again: nothing
    assert len(slow_mail_server.received) == letters
