"""Sending e-mails one at a time, for reminders (`baocao.apps.campaigns.reminders`) and notices
(`baocao.apps.notices.sending`).

One bad address must not stop the others, and neither a retry nor a double click may send an
e-mail twice. So each e-mail is first claimed in the database by the caller (a reminder's log
row, a notice's `emailed_at`), in a short transaction of its own that a second run waits for
and then sees, and only then sent; a refused one is released (left for the next try) and
reported with why, in Vietnamese. A lost connection ends the run: the rest wait for the next
one. No lock is held while the mail server is talked to; a crash between a claim and its
sending leaves that one e-mail unsent, never one sent twice.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from django.core.mail import EmailMessage
from django.utils.translation import gettext as _

from baocao.text import clean_line

LOST_CONNECTION = "chưa gửi được vì mất kết nối với máy chủ thư; hãy gửi lại sau"
# Refusals of one message: the connection stays usable (smtplib resets it) for the next,
# unless the server said 421 (closing).
_ONE_REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)
_CLOSING = 421

logger = logging.getLogger(__name__)

T = TypeVar("T")


class NoMailServer(Exception):
    """No mail server answered: nothing was claimed, nothing sent. `detail` is the server's
    (or the socket's) own words, for the log."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


@dataclass
class Delivery(Generic[T]):
    """What became of each item: sent; failed, with why (left for the next try); taken, when
    another run had claimed it first (it sends it, not this one)."""

    sent: list[T] = field(default_factory=list)
    failed: list[tuple[T, str]] = field(default_factory=list)
    taken: list[T] = field(default_factory=list)


def send_each(
    pending: Sequence[tuple[T, EmailMessage]],
    *,
    claim: Callable[[T], bool],
    release: Callable[[T], None],
    progress: Callable[[T], None] | None = None,
) -> Delivery[T]:
    """Send each (item, message) in order: `claim(item)` first (False: taken by another run,
    skipped), then the message; a failure calls `release(item)`. `progress(item)` follows each
    item tried, for a progress bar. NoMailServer when no connection opens."""
    delivery: Delivery[T] = Delivery()
    if not pending:
        return delivery
    connection = mailer()
    try:
        connection.open()
    except OSError as error:  # smtplib's errors are OSErrors too
        logger.warning("mail: no mail server: %s", error)
        raise NoMailServer(str(error)) from error
    try:
        for index, (item, message) in enumerate(pending):
            if not claim(item):
                delivery.taken.append(item)
            elif (failure := _failure(connection, message)) is None:
                delivery.sent.append(item)
            else:
                release(item)
                delivery.failed.append((item, failure))
                if failure == LOST_CONNECTION:  # the rest wait for the next try
                    delivery.failed.extend((later, failure) for later, _ in pending[index + 1 :])
                    break
            if progress is not None:
                progress(item)
    finally:
        try:
            connection.close()
        except OSError as error:  # what was sent is sent and recorded
            logger.warning("mail: closing the connection failed: %s", error)
    return delivery


def _failure(connection, message: EmailMessage) -> str | None:
    """Send one message: None when the server took it, else why not."""
    try:
        connection.send_messages([message])
    except (OSError, ValueError) as error:  # ValueError: a header Django will not write
        if _connection_lost(error):
            logger.warning("mail: connection lost at %s: %s", message.to, error)
            return LOST_CONNECTION
        logger.warning("mail to %s refused: %s", message.to, error)
        return refusal(error)
    return None


def _connection_lost(error: Exception) -> bool:
    """A socket error, a disconnection or a server closing (421): not this e-mail's fault."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return any(code == _CLOSING for code, _reply in error.recipients.values())
    if isinstance(error, _ONE_REFUSED):
        return error.smtp_code == _CLOSING
    return isinstance(error, OSError)


def refusal(error: Exception) -> str:
    """Why the mail server (or Django) refused one e-mail, in the active language (Vietnamese
    unless a page in English asks)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        refused = ", ".join(
            f"{address} ({code} {_said(reply)})"
            for address, (code, reply) in error.recipients.items()
        )
        return _("máy chủ thư từ chối địa chỉ %(refused)s; hãy sửa địa chỉ thư") % {
            "refused": refused
        }
    said = {
        "code": getattr(error, "smtp_code", ""),
        "reply": _said(getattr(error, "smtp_error", "")),
    }
    if isinstance(error, smtplib.SMTPSenderRefused):
        return _("máy chủ thư từ chối địa chỉ gửi đi (%(code)s %(reply)s)") % said
    if isinstance(error, smtplib.SMTPDataError):
        return _("máy chủ thư không nhận thư (%(code)s %(reply)s)") % said
    return _("không tạo được thư (%(error)s)") % {"error": error}


def _said(reply: bytes | str) -> str:
    return clean_line(reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply)


def mailer():
    """The default mailer: `mailers.default` on Django 6.1+, `get_connection()` before."""
    try:
        from django.core.mail import mailers
    except ImportError:  # Django 5.2
        from django.core.mail import get_connection

        return get_connection()
    return mailers.default
