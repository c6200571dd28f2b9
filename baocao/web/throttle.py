"""Login throttling: after repeated failed logins, refuse more attempts for a while and say until
when, so a password cannot be guessed by trying thousands.

Two counters, each a sliding window (settings.BAOCAO_LOGIN_THROTTLE):
- per username: 5 failures in 15 minutes lock that login name, from anywhere;
- per client address (`baocao.web.client_ip`): 20 failures in 15 minutes lock the address, so
  one machine cannot try a few passwords on every account. It is higher than the per-username
  limit because a whole union office often reaches the site through one address.
An attempt refused by the lock is not checked and not counted, so waiting always ends the lock;
a successful login clears its username's counter.

The counters live in Django's default cache. settings.CACHES points it at a database table
(created by a migration), so every worker process of a multi-process server (gunicorn) counts
the same failures and a restart does not forget them; a locmem cache would count per process.

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
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from baocao.web.client_ip import client_ip

THROTTLED = "throttled"  # the form error's code; the view answers 429 Too Many Requests
DEFAULTS = {"window": 15 * 60, "per_username": 5, "per_address": 20}


def _limits() -> dict[str, int]:
    return {**DEFAULTS, **getattr(settings, "BAOCAO_LOGIN_THROTTLE", {})}


def _key(kind: str, value: str) -> str:
    """A cache key safe for any backend: the value hashed (usernames may hold anything)."""
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:40]
    return f"baocao:login-failures:{kind}:{digest}"


def _username(username: str) -> str:
    return unicodedata.normalize("NFKC", username or "").strip().casefold()


def _counters(username: str, address: str) -> list[tuple[str, str, int]]:
    """(kind, cache key, limit) for each counter this attempt touches."""
    limits = _limits()
    counters = []
    if name := _username(username):
        counters.append(("username", _key("username", name), limits["per_username"]))
    if address:
        counters.append(("address", _key("address", address), limits["per_address"]))
    return counters


def _recent(key: str, now: float, window: int) -> list[float]:
    stamps = cache.get(key) or []
    return [stamp for stamp in stamps if isinstance(stamp, int | float) and stamp > now - window]


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


def lock_for(username: str, address: str, *, now: float | None = None) -> Lock | None:
    """The lock that refuses this attempt, or None; the later one when both apply."""
    now = time.time() if now is None else now
    window = _limits()["window"]
    locks = []
    for kind, key, limit in _counters(username, address):
        recent = _recent(key, now, window)
        if len(recent) >= limit:
            # Free again when the oldest of the last `limit` failures leaves the window.
            locks.append(Lock(kind, sorted(recent)[-limit] + window))
    return max(locks, key=lambda lock: lock.until) if locks else None


def record_failure(username: str, address: str, *, now: float | None = None) -> None:
    now = time.time() if now is None else now
    window = _limits()["window"]
    for _kind, key, limit in _counters(username, address):
        recent = _recent(key, now, window)[-(limit * 2) :]  # bounded, whatever happens
        cache.set(key, [*recent, now], timeout=window)


def clear(username: str) -> None:
    """A successful login: its username starts afresh (the address counter stays)."""
    if name := _username(username):
        cache.delete(_key("username", name))


class ThrottleMixin:
    """For an AuthenticationForm: refuse while locked, count wrong passwords, clear on success."""

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is None or not password:
            return super().clean()
        address = client_ip(self.request)
        lock = lock_for(username, address)
        if lock is not None:
            raise ValidationError(lock.message, code=THROTTLED)
        try:
            return super().clean()
        finally:
            if self.user_cache is None:  # wrong name or password (not: right password, no access)
                record_failure(username, address)
            else:
                clear(username)


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
