"""A real SMTP server on 127.0.0.1 (aiosmtpd) behind Django's real SMTP backend, for the tests
of e-mail that fails: reminders (test_reminder_failures) and notices (test_notices). Use the
`mail_server` fixture by importing `running_mail_server` into the test module."""

from __future__ import annotations

import socket

import pytest
from aiosmtpd.controller import Controller

REFUSED = "khong-ton-tai@example.vn"  # well formed: only the server knows it has no mailbox


class MailServer:
    """Accepts every e-mail except to REFUSED (550 at RCPT); after `close_after` accepted
    e-mails, answers 421 (closing) to the next one. `received`: one set of recipients per
    e-mail accepted."""

    def __init__(self) -> None:
        self.refused = {REFUSED}
        self.close_after: int | None = None
        self.refuse_sender = False
        self.refuse_data_to = ""  # an e-mail with this recipient is refused after its text
        self.received: list[set[str]] = []

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.close_after is not None and len(self.received) >= self.close_after:
            return "421 4.3.2 Service shutting down"
        if self.refuse_sender:
            return "553 5.7.1 Sender address rejected"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refuse_data_to in envelope.rcpt_tos:
            return "554 5.7.1 Message rejected as spam"
        self.received.append(set(envelope.rcpt_tos))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def smtp_to(settings, port: int) -> None:
    """Django's real SMTP backend, pointed at 127.0.0.1:port."""
    options = {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 10}
    settings.MAILERS = {
        "default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": options}
    }


@pytest.fixture(name="mail_server")
def running_mail_server(settings):
    """The server's handler (MailServer), with Django sending to it."""
    handler = MailServer()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    smtp_to(settings, controller.port)
    yield handler
    controller.stop()
