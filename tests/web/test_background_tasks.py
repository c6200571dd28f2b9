"""Background work on the database queue, with a real worker process (tests/web/queue_worker.py):
the reminders a person confirms leave from the worker, never from the request; each exactly
once, even when the worker is killed in the middle of the batch and started again, or when the
mail server is down and the batch is tried again later; the progress page follows the batch
from "Đã gửi 0/N thư" to its summary; notices are e-mailed by the worker after a return.

Ordinary web tests run each task at once (the conftest's immediate backend); here the data is
committed (transaction=True) so the worker, another process, sees it, on SQLite (the test
database file) or PostgreSQL (pytest-django's test database).
"""

from __future__ import annotations

import datetime
import re
import subprocess
import sys
import time
from collections import Counter

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from baocao.apps.campaigns import actions
from baocao.apps.campaigns.models import ReminderLog
from baocao.apps.notices.models import Notice
from baocao.apps.orgs.models import Unit, UnitKind
from baocao.web.background import DATABASE_QUEUE, TaskResultStatus

from . import campaign_scenario
from .mail_server import free_port
from .queue_worker import SlowMailServer, Worker, slow_mail_server  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

REMINDED = {  # the scenario's reminders: recipients of each (unit, then its writers)
    frozenset({"kt-dh-02@example.vn", "chutich.nguyenhue@example.vn"}),  # returned
    frozenset({"kt-dt@example.vn"}),  # late
    frozenset({"kt-dt-01@example.vn"}),  # late (its writer has no address)
}
DONE = "Đã gửi 3 thư nhắc nhở (2 đơn vị quá hạn, 1 báo cáo bị trả lại)."
POLLING = 'hx-trigger="every 2s"'
KILLED_AFTER = 3  # reminders out before the worker is killed
EXTRA_UNITS = 30


@pytest.fixture
def scene(tree, member):
    """The campaign scenario, made with the conftest's immediate backend: its notices went to
    this process's outbox, none waits in the queue."""
    scenario = campaign_scenario.build(tree, member)
    mail.outbox.clear()
    return scenario


@pytest.fixture
def queue(scene, database_queue):
    """From here on, tasks wait in the database queue for a worker."""
    assert not DBTaskResult.objects.exists()


@pytest.fixture
def worker(tmp_path, slow_mail_server):  # noqa: F811
    running = Worker(tmp_path, slow_mail_server.port)
    yield running
    running.stop()


def confirm(client, campaign) -> str:
    """Confirm the preview's reminders, as the person does; the progress page's address."""
    url = reverse("campaigns:remind", args=[campaign.slug])
    html = client.get(url).content.decode()
    reports = re.search(r'name="reports" value="([^"]*)"', html)
    assert reports is not None, "no confirmation form on the preview"
    response = client.post(url, {"confirm": "1", "reports": reports.group(1)})
    assert response.status_code == 302, response.status_code
    location = response["Location"]
    batch = DBTaskResult.objects.get()
    assert location == reverse("campaigns:remind_progress", args=[campaign.slug, batch.pk])
    return location


def received(server: SlowMailServer) -> Counter:
    """How many e-mails each set of recipients got."""
    return Counter(frozenset(recipients) for recipients in server.received)


def test_a_confirmed_batch_is_sent_by_the_worker_each_reminder_once(
    queue,
    scene,
    client,
    worker,
    slow_mail_server,  # noqa: F811
):
    client.force_login(scene.people.province)
    progress = confirm(client, scene.campaign)

    # The request only enqueued: nothing sent, nothing logged, the batch waits for a worker.
    assert slow_mail_server.received == [] and mail.outbox == []
    assert not ReminderLog.objects.exists()
    assert DBTaskResult.objects.get().status == TaskResultStatus.READY

    worker.run_batch()
    assert received(slow_mail_server) == Counter(REMINDED)  # each unit exactly once
    assert ReminderLog.objects.count() == 3
    assert set(ReminderLog.objects.values_list("sent_by", flat=True)) == {scene.people.province.pk}
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL
    assert DONE in client.get(progress).content.decode()

    worker.run_batch()  # nothing is left to do, and nothing is sent again
    assert received(slow_mail_server) == Counter(REMINDED)
    assert ReminderLog.objects.count() == 3


def test_the_progress_page_counts_the_letters_then_says_what_was_done(
    queue,
    scene,
    client,
    worker,
    member,
    slow_mail_server,  # noqa: F811
):
    client.force_login(scene.people.province)
    progress = confirm(client, scene.campaign)

    page = client.get(progress).content.decode()
    assert "Đã gửi 0/3 thư" in page and "Đang chờ tiến trình nền gửi thư" in page
    assert POLLING in page  # polled every 2 s while the batch is on its way
    fragment = client.get(progress, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment
    assert 'id="tien-do-nhac-nho"' in fragment and "Đã gửi 0/3 thư" in fragment

    # A colleague of the same unit follows it; an officer of another province does not.
    colleague = member("tinh.xem", scene.tree.province, "viewer")
    client.force_login(colleague)
    assert "Đã gửi 0/3 thư" in client.get(progress).content.decode()
    client.force_login(scene.people.other)
    assert client.get(progress).status_code == 404
    client.force_login(scene.people.dak_ha)  # sees only Đăk Hà: not the same dashboard
    assert client.get(progress).status_code == 404
    client.force_login(scene.people.province)
    other_batch = progress.replace(str(DBTaskResult.objects.get().pk), "khong-co")
    assert client.get(other_batch).status_code == 404

    worker.run_batch()
    fragment = client.get(progress, headers={"HX-Request": "true"}).content.decode()
    assert "Đã gửi 3/3 thư" in fragment and DONE in fragment
    assert POLLING not in fragment  # done: the polling stops
    page = client.get(progress).content.decode()
    assert "Đã gửi 3/3 thư" in page and DONE in page


def test_with_the_immediate_backend_the_page_shows_the_summary_at_once(
    scene,
    client,
    slow_mail_server,  # noqa: F811
):
    """BAOCAO_TASK_BACKEND=immediate (a one-process install): sent inside the request, and
    the progress page has the summary at its first load."""
    client.force_login(scene.people.province)
    response = client.post(
        reverse("campaigns:remind", args=[scene.campaign.slug]), {"confirm": "1"}
    )
    assert response.status_code == 302 and len(mail.outbox) == 3
    page = client.get(response["Location"]).content.decode()
    assert "Đã gửi 3/3 thư" in page and DONE in page and POLLING not in page


def test_a_worker_killed_mid_batch_is_restarted_and_sends_each_reminder_once(
    tree,
    member,
    django_user_model,
    client,
    settings,
    worker,
    slow_mail_server,  # noqa: F811
):
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
    letters = campaign.reports.exclude(unit=tree.province).count()  # the sender's own is not
    assert letters == EXTRA_UNITS + 3
    officer = member("tinh", tree.province, "reviewer")
    settings.TASKS = {"default": {"BACKEND": DATABASE_QUEUE}}  # made at once, now queued
    client.force_login(officer)
    progress = confirm(client, campaign)

    slow_mail_server.delay = 0.2  # a busy mail server: the kill lands while one is in flight
    worker.start()
    deadline = time.monotonic() + 60
    while True:  # until a reminder's text is at the server, its answer not yet back
        before = len(slow_mail_server.received)
        logged = ReminderLog.objects.count()
        if logged >= KILLED_AFTER and before == logged == len(slow_mail_server.received):
            break
        assert time.monotonic() < deadline, f"no reminder went out:\n{worker.logged()}"
        time.sleep(0.02)  # polling the database, not a timing assertion
    worker.kill()

    # Killed: part of the batch is out, the task still marked as running.
    out = ReminderLog.objects.count()
    assert KILLED_AFTER <= out < letters
    assert DBTaskResult.objects.get().status == TaskResultStatus.RUNNING
    page = client.get(progress).content.decode()
    assert f"Đã gửi {out}/{letters} thư" in page and POLLING in page

    slow_mail_server.delay = 0
    output = worker.run_batch()  # restarted: the abandoned task is queued again and finished
    assert "Đã đưa lại 1 việc dở dang" in output
    counts = received(slow_mail_server)
    assert len(counts) == letters and set(counts.values()) == {1}, counts  # none twice
    assert ReminderLog.objects.count() == letters
    assert set(Counter(ReminderLog.objects.values_list("report", flat=True)).values()) == {1}
    task = DBTaskResult.objects.get()
    assert task.status == TaskResultStatus.SUCCESSFUL and len(task.worker_ids) == 2
    page = client.get(progress).content.decode()
    assert f"Đã gửi {letters}/{letters} thư" in page
    assert f"Đã gửi {letters} thư nhắc nhở ({letters} đơn vị quá hạn, 0 báo cáo" in page
    assert "đã được nhắc trong" not in page  # what the killed run sent counts as the batch's

    worker.run_batch()  # and again: nothing
    assert len(slow_mail_server.received) == letters


def test_no_mail_server_is_retried_later_and_sends_each_once(queue, scene, client, tmp_path):
    port = free_port()  # nobody listens there yet
    worker = Worker(tmp_path, port)
    client.force_login(scene.people.province)
    progress = confirm(client, scene.campaign)

    worker.run_batch()  # the mail server is down: the batch is put off, nothing logged
    assert not ReminderLog.objects.exists()
    first, retry = DBTaskResult.objects.order_by("enqueued_at")
    assert first.status == TaskResultStatus.SUCCESSFUL
    assert first.return_value["retry"]["id"] == str(retry.pk)
    assert retry.status == TaskResultStatus.READY and retry.args_kwargs["kwargs"]["attempt"] == 2
    waited = retry.run_after - first.finished_at
    assert datetime.timedelta(seconds=50) < waited < datetime.timedelta(seconds=70)
    page = client.get(progress).content.decode()
    assert "Đã gửi 0/3 thư" in page and "sẽ gửi lại lúc" in page and "(lần 2/5)" in page
    assert POLLING in page

    server = SlowMailServer()
    controller = Controller(server, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        worker.run_batch()  # not yet: the back-off has not passed
        assert server.received == []
        DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
        worker.run_batch()
        worker.run_batch()
    finally:
        controller.stop()
    assert received(server) == Counter(REMINDED)
    assert ReminderLog.objects.count() == 3
    page = client.get(progress).content.decode()
    assert "Đã gửi 3/3 thư" in page and DONE in page and POLLING not in page


def test_notices_are_emailed_by_the_worker_after_a_return(
    queue,
    scene,
    worker,
    slow_mail_server,  # noqa: F811
):
    Notice.objects.update(emailed_at=timezone.now())  # the scenario's own were sent already
    school, writer = scene.reports.school, scene.people.school  # returned once, sent again
    school.refresh_from_db()
    actions.submit(school, writer, school.version)
    school.refresh_from_db()
    actions.return_report(
        school, scene.people.dak_ha, "Còn thiếu số liệu.", expected_version=school.version
    )

    # The return committed: its notice waits, and one task to e-mail it is on the queue.
    notice = Notice.objects.get(recipient=writer, emailed_at=None)
    assert notice.kind == "report_returned" and slow_mail_server.received == []
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "baocao.apps.notices.tasks.email_notices"

    worker.run_batch()
    assert slow_mail_server.received == [{"chutich.nguyenhue@example.vn"}]
    assert slow_mail_server.subjects == [
        f"Báo cáo bị trả lại cần hoàn thiện: {campaign_scenario.NAME}"
    ]
    notice.refresh_from_db()
    assert notice.emailed_at is not None
    assert DBTaskResult.objects.get().return_value["sent"] == 1

    worker.run_batch()
    assert len(slow_mail_server.received) == 1


def test_one_transaction_that_makes_many_notices_enqueues_one_task(queue, scene):
    district, school = scene.reports.district, scene.reports.school
    last = Notice.objects.order_by("pk").last().pk
    with transaction.atomic():
        district.refresh_from_db()
        actions.accept(district, scene.people.province, district.version)
        school.refresh_from_db()
        actions.submit(school, scene.people.school, school.version)
        school.refresh_from_db()
        actions.return_report(
            school, scene.people.dak_ha, "Còn thiếu.", expected_version=school.version
        )
        assert not DBTaskResult.objects.exists()  # nothing before the commit
    made = Notice.objects.filter(pk__gt=last).values_list("kind", flat=True)
    assert set(made) == {"report_accepted", "report_returned"}  # by two actions
    assert DBTaskResult.objects.get().task_path == "baocao.apps.notices.tasks.email_notices"


def test_tasks_of_a_dead_worker_are_queued_again_and_failed_after_three_deaths(queue):
    """`recover_abandoned`, as `baocao worker` runs it at start and every minute."""
    from baocao.web.background import ABANDONED_TRIES, recover_abandoned, worker_id

    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    here = worker_id().split(":")[0]
    now = timezone.now()

    def running(worker: str, *, started: datetime.datetime = now, tries: int = 1):
        return DBTaskResult.objects.create(
            args_kwargs={"args": [], "kwargs": {}},
            task_path="baocao.apps.notices.tasks.email_notices",
            backend_name="default",
            run_after=now,
            status=TaskResultStatus.RUNNING,
            started_at=started,
            worker_ids=[f"earlier-{n}" for n in range(tries - 1)] + [worker],
        )

    gone = running(f"{here}:{dead.stdout.strip()}:12345")  # its process has exited
    alive = running(worker_id())  # this very process
    elsewhere = running("may-khac:42:99")  # another machine: cannot tell, not long ago
    stale = running("may-khac:43:99", started=now - datetime.timedelta(hours=2))
    by_hand = running("Xy7abc")  # `manage db_worker` with its own id, just now
    doomed = running(f"{here}:{dead.stdout.strip()}:12345", tries=ABANDONED_TRIES)

    assert recover_abandoned() == 3
    status = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert status[gone.pk] == status[stale.pk] == TaskResultStatus.READY
    assert status[alive.pk] == status[elsewhere.pk] == status[by_hand.pk] == "RUNNING"
    assert status[doomed.pk] == TaskResultStatus.FAILED
    assert recover_abandoned() == 0
