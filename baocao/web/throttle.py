"""Login throttling: after repeated failed logins, refuse more attempts for a while and say until
when, so a password cannot be guessed by trying thousands.

Two counters, each a sliding window (settings.BAOCAO_LOGIN_THROTTLE):
- per username: 5 failures in 15 minutes lock that login name, from anywhere;
- per client address (`baocao.web.client_ip`): 20 failures in 15 minutes lock the address, so
  one machine cannot try a few passwords on every account. It is higher than the per-username
  limit because a whole union office often reaches the site through one address.
An attempt refused by the lock is not checked and not counted, so waiting always ends the lock;
a successful login clears its username's counter.

Counted before the password is checked: the check (a deliberately slow hash) takes a third of
a second, and sixteen attempts sent at once must not all pass a test made before any of them
was recorded. `begin` decides and records in one transaction that holds the counters' lock:
on PostgreSQL an advisory lock per counter (pg_advisory_xact_lock), on SQLite the write lock
that every transaction takes at BEGIN (settings: transaction_mode IMMEDIATE). The attempts
are rows of `baocao.apps.logins.models.LoginFailure`, in the database, so every worker process
of gunicorn counts the same failures and a restart forgets none; a success deletes its rows.

Both login forms are throttled: the site's (`LoginView`, wired in `baocao.web.urls`) and the
admin's (`ThrottledAdminAuthenticationForm`, set on `admin.site` there too).
"""

from __future__ import annotations

import datetime
import hashlib
import math
import time
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from baocao.apps.logins.models import LoginFailure
from baocao.web.client_ip import client_ip

THROTTLED = "throttled"  # the form error's code; the view answers 429 Too Many Requests
DEFAULTS = {"window": 15 * 60, "per_username": 5, "per_address": 20}


def _limits() -> dict[str, int]:
    return {**DEFAULTS, **getattr(settings, "BAOCAO_LOGIN_THROTTLE", {})}


def _key(kind: str, value: str) -> str:
    """The counter's name: the value hashed (usernames may hold anything, of any length)."""
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:40]
    return f"{kind}:{digest}"


def _username(username: str) -> str:
    return unicodedata.normalize("NFKC", username or "").strip().casefold()


def _counters(username: str, address: str) -> list[tuple[str, str, int]]:
    """(kind, counter key, limit) for each counter this attempt touches."""
    limits = _limits()
    counters = []
    if name := _username(username):
        counters.append(("username", _key("username", name), limits["per_username"]))
    if address:
        counters.append(("address", _key("address", address), limits["per_address"]))
    return counters


def _lock_counters(keys: list[str]) -> None:
    """Within a transaction: wait for, and hold until it ends, each counter's lock."""
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        return  # SQLite: the transaction already holds the database's write lock
    with connection.cursor() as cursor:
        for key in sorted(keys):  # one order for everyone: no deadlock
            lock_id = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], signed=True)
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_id])


@dataclass(frozen=True)
class Lock:
    kind: str  # "username" or "address"
    until: float  # epoch seconds

    @property
    def minutes(self) -> int:
        return max(1, math.ceil((self.until - time.time()) / 60))

    @property
    def message(self) -> str:
        moment = timezone.localtime(datetime.datetime.fromtimestamp(self.until, datetime.UTC))
        values = {"time": f"{moment:%H:%M}", "minutes": self.minutes}
        if self.kind == "username":
            text = _(
                "Đã nhập sai mật khẩu quá nhiều lần với tên đăng nhập này nên tạm thời chưa "
                "đăng nhập được. Hãy thử lại lúc %(time)s (khoảng %(minutes)d phút nữa); nếu "
                "quên mật khẩu, hãy liên hệ quản trị của đơn vị."
            )
        else:
            text = _(
                "Có quá nhiều lần đăng nhập sai từ máy này nên tạm thời chưa đăng nhập được. "
                "Hãy thử lại lúc %(time)s (khoảng %(minutes)d phút nữa)."
            )
        return text % values


@dataclass(frozen=True)
class Attempt:
    """An attempt let through and counted as a failure until it is known to have succeeded."""

    username: str
    ids: tuple[int, ...]  # its LoginFailure rows


def begin(username: str, address: str, *, now: float | None = None) -> Lock | Attempt:
    """The lock that refuses this attempt (the later one when both apply, nothing counted),
    or the attempt, counted against each of its counters."""
    now = time.time() if now is None else now
    window = _limits()["window"]
    counters = _counters(username, address)
    with transaction.atomic():
        _lock_counters([key for _kind, key, _limit in counters])
        LoginFailure.objects.filter(at__lte=now - window).delete()  # the table stays small
        locks = []
        for kind, key, limit in counters:
            recent = sorted(LoginFailure.objects.filter(key=key).values_list("at", flat=True))
            if len(recent) >= limit:
                # Free again when the oldest of the last `limit` failures leaves the window.
                locks.append(Lock(kind, recent[-limit] + window))
        if locks:
            return max(locks, key=lambda lock: lock.until)
        rows = [LoginFailure.objects.create(key=key, at=now) for _kind, key, _limit in counters]
    return Attempt(username, tuple(row.pk for row in rows))


def succeeded(attempt: Attempt) -> None:
    """The password was right: the attempt no longer counts, nor do the name's failures."""
    LoginFailure.objects.filter(pk__in=attempt.ids).delete()
    clear(attempt.username)


def clear(username: str) -> None:
    """A name starts afresh (a successful login; the address counter stays)."""
    if name := _username(username):
        LoginFailure.objects.filter(key=_key("username", name)).delete()


class ThrottleMixin:
    """For an AuthenticationForm: refuse while locked, count each attempt before checking its
    password, forget it (and the name's failures) when the password was right."""

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is None or not password:
            return super().clean()
        attempt = begin(username, client_ip(self.request))
        if isinstance(attempt, Lock):
            raise ValidationError(attempt.message, code=THROTTLED)
        try:
            return super().clean()  # the slow check; a wrong password raises, still counted
        finally:
            if self.user_cache is not None:  # right password (even if refused: not staff...)
                succeeded(attempt)


class ThrottledAuthenticationForm(ThrottleMixin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(ThrottleMixin, AdminAuthenticationForm):
    pass


class LoginView(auth_views.LoginView):
    """Django's login page with the throttled form; a locked attempt answers 429."""

    authentication_form = ThrottledAuthenticationForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, THROTTLED):
            response.status_code = 429
        return response
