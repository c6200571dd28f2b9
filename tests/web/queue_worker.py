"""A real background worker for the tests of the task queue: `baocao worker` as a process of
its own (`python -m baocao.cli worker`), on the test database (DATABASE_URL, as the gunicorn
of test_crash_safety), sending its e-mails to a real SMTP server on 127.0.0.1 (aiosmtpd) that
takes its time to answer each one, as a busy mail server does.

The Redis queue (BAOCAO_TASK_BACKEND=redis) is tested the same way, each test on a Redis
database of its own (`redis_db`), the worker's and nodes' environment set by `on_redis`.

The test's data must be committed for the worker to see it: the modules using this are marked
`django_db(transaction=True)`, and ask for `database_queue` (tests/web/conftest.py) once their
data is made, so tasks enqueued from then on wait in the queue for the worker.
"""

from __future__ import annotations

import asyncio
import email
import os
import signal
import subprocess
import sys
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from .mail_server import MailServer, free_port
from .test_crash_safety import _test_database_url

WORKER_TIMEOUT = 120  # seconds: a batch of a few dozen e-mails takes a few


class SlowMailServer(MailServer):
    """MailServer that records each e-mail's subject too, and answers its text only after
    `delay` seconds (the e-mail is in `received` from the moment its text arrived)."""

    def __init__(self, delay: float = 0.0) -> None:
        super().__init__()
        self.delay = delay
        self.subjects: list[str] = []
        self.port = 0

    async def handle_DATA(self, server, session, envelope):
        answer = await super().handle_DATA(server, session, envelope)
        if answer.startswith("250"):
            parsed = email.message_from_bytes(envelope.original_content or envelope.content)
            self.subjects.append(str(make_header(decode_header(parsed["Subject"] or ""))))
        if self.delay:
            await asyncio.sleep(self.delay)
        return answer


@pytest.fixture
def slow_mail_server():
    """A SlowMailServer on a free port (`.port`), answering at once unless `.delay` is set."""
    handler = SlowMailServer()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


class Worker:
    """`baocao worker` on the test database, e-mailing through SMTP on 127.0.0.1:`mail_port`."""

    def __init__(self, folder: Path, mail_port: int) -> None:
        self.folder = folder
        self.log = folder / "worker.log"
        self.env = {
            **os.environ,
            "DATABASE_URL": _test_database_url(),
            "DJANGO_SETTINGS_MODULE": "baocao.web.settings",
            "BAOCAO_TASK_BACKEND": "database",
            "BAOCAO_DEBUG": "0",
            "BAOCAO_SECRET_KEY": "thu-hang-doi-khong-phai-bi-mat-" + "x" * 40,
            "BAOCAO_ALLOWED_HOSTS": "127.0.0.1",
            "BAOCAO_VAR_DIR": str(folder),
            "BAOCAO_EMAIL_BACKEND": "smtp",
            "BAOCAO_EMAIL_HOST": "127.0.0.1",
            "BAOCAO_EMAIL_PORT": str(mail_port),
            "BAOCAO_EMAIL_USE_TLS": "0",
        }
        self.process: subprocess.Popen | None = None

    def command(self, *options: str) -> list[str]:
        return [sys.executable, "-m", "baocao.cli", "worker", *options]

    def run_batch(self) -> str:
        """`baocao worker --batch`: every task ready, then exit. Its output."""
        done = subprocess.run(
            self.command("--batch"),
            env=self.env,
            capture_output=True,
            text=True,
            timeout=WORKER_TIMEOUT,
        )
        output = done.stdout + done.stderr
        with self.log.open("a") as log:
            log.write(output)
        assert done.returncode == 0, output[-3000:]
        return output

    def start(self) -> None:
        """`baocao worker`, running until killed."""
        log = self.log.open("a")
        self.process = subprocess.Popen(
            self.command(), env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()

    def kill(self) -> None:
        """SIGKILL, as a power cut or the OOM killer would: no chance to finish anything."""
        assert self.process is not None and self.process.poll() is None, self.logged()
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def logged(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""


REDIS = os.environ.get("BAOCAO_TEST_REDIS_URL", "redis://127.0.0.1:6379").rstrip("/")
CLAIM = "baocao-test-claim"


@pytest.fixture
def redis_db():
    """`redis://.../N` of an empty Redis database of this test's own (the highest free of
    1-15, claimed by a key set only if absent), flushed after the test; skips without Redis."""
    import redis

    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        pytest.skip(f"no Redis answers at {REDIS} ({error}): the Redis topology is not tested")
    for number in range(15, 0, -1):
        client = redis.Redis.from_url(f"{REDIS}/{number}")
        # Taken only if nobody holds it and nothing else lives there (the claim is its one key).
        if client.set(CLAIM, os.getpid(), nx=True, ex=3600):
            if client.dbsize() == 1:
                break
            client.delete(CLAIM)
        client.close()
    else:
        pytest.skip("no empty Redis database among 1-15 for the test")
    yield f"{REDIS}/{number}"
    client.flushdb()  # only the database claimed above
    client.close()


def on_redis(env: dict, url: str) -> None:
    """A node's or worker's environment for the scale-out topology: the queue and the cache
    in the Redis database `url`."""
    env["BAOCAO_TASK_BACKEND"] = "redis"
    env["BAOCAO_REDIS_URL"] = url
    env["BAOCAO_CACHE_PREFIX"] = f"test-{os.getpid()}"
