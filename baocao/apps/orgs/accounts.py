"""Logins for every unit in one step: a writer account per unit of a subtree, named by the
unit's code, with a one-time password to hand out (an XLSX sheet) that must be changed at the
first login. Re-running creates nothing twice; a unit admin or consolidator can reset one unit's
password (the CLI, and the pages of `baocao.apps.orgs.account_views`).

The one-time password is hashed with a cheaper PBKDF2 (`OneTimePasswordHasher`: 1,000 accounts
in seconds, not the ten minutes of Django's full cost). It protects only until the first login,
which rehashes the password at full cost and requires a new one (`MUST_CHANGE`); a leaked
sheet is worth nothing once its logins have been used.
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import Argon2PasswordHasher, PBKDF2PasswordHasher, make_password
from django.contrib.auth.models import Group
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

from baocao.apps.audit.log import record
from baocao.apps.orgs import scope
from baocao.apps.orgs.models import Membership, Role, Unit, UnitKind
from baocao.apps.orgs.services import email_valid
from baocao.web.mailing import refusal

MUST_CHANGE = "phai-doi-mat-khau"  # the group of accounts whose password must be changed
# Letters and digits that cannot be mistaken for each other on paper (no 0/O, 1/l/I).
_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
PASSWORD_LENGTH = 12


class LoginPasswordHasher(Argon2PasswordHasher):
    """Argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): every password's
    hasher (settings.PASSWORD_HASHERS; older PBKDF2 hashes are rehashed at the next login).

    Why not Django's PBKDF2 (1.5 million iterations): a login cost 0.37 s of CPU with it, so
    writers starting 4 a second wanted both cores of a 2-core server for their logins alone
    (bench/bench_load.py, the login storm); this costs 0.026 s, and being memory-hard it
    resists the graphics cards that crack PBKDF2, which CPU time alone does not. Django's own
    Argon2 parameters (100 MiB, 8 lanes) cost 0.23 s here and 100 MiB per login at once."""

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1


class OneTimePasswordHasher(PBKDF2PasswordHasher):
    """PBKDF2 at a low cost, for passwords that are replaced at the first login."""

    algorithm = "pbkdf2_sha256_onetime"
    iterations = 20_000


class AccountsError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class IssuedLogin:
    unit_code: str
    unit_name: str
    username: str
    password: str  # "" : the account existed already, its password is unchanged


def login_name(unit: Unit) -> str:
    return unit.code.lower()


def one_time_password() -> str:
    """Twelve characters, letters and digits, never only digits (Django's validators pass)."""
    while True:
        word = "".join(secrets.choice(_ALPHABET) for _ in range(PASSWORD_LENGTH))
        if any(c.isalpha() for c in word) and any(c.isdigit() for c in word):
            return word


# Who hands out a subtree's logins: its unit admins, and its consolidators (the district
# officer who gets its CĐCS writing).
ISSUER_ROLES = (Role.ADMIN, Role.CONSOLIDATOR)


def may_issue_any(user: Any) -> bool:
    """Superusers, and unit admins or consolidators (of their own subtree)."""
    found = scope.membership(user)
    return scope.is_superuser(user) or (
        found is not None and any(found.has_role(role) for role in ISSUER_ROLES)
    )


def may_issue(user: Any, root: Unit) -> bool:
    """Superusers, and unit admins or consolidators at `root` or above: never outside their
    own subtree."""
    if scope.is_superuser(user):
        return True
    found = scope.membership(user)
    return (
        found is not None
        and any(found.has_role(role) for role in ISSUER_ROLES)
        and root.is_within(found.unit)
    )


def issuable_roots(user: Any):
    """The units a person may issue logins under, as the page offers them: their subtree
    without the CĐCS (a CĐCS has nobody under it; its own login is reset, not issued)."""
    units = Unit.objects.exclude(kind=UnitKind.GRASSROOTS)
    if scope.is_superuser(user):
        return units
    found = scope.membership(user)
    if not may_issue_any(user) or found is None:
        return Unit.objects.none()
    return units.filter(path__startswith=found.unit.path)


@transaction.atomic
def issue_accounts(root: Unit, kinds: list[str], actor: Any) -> list[IssuedLogin]:
    """A writer account for every unit of `kinds` under `root` that has none named by its code;
    the units that have one are listed with an empty password. One query per new account."""
    if not may_issue(actor, root):
        raise AccountsError(
            "Chỉ quản trị hoặc cán bộ tổng hợp của đơn vị (hoặc cấp trên) mới được cấp tài khoản "
            "cho các đơn vị."
        )
    valid = {value for value, _label in UnitKind.choices}
    unknown = [kind for kind in kinds if kind not in valid]
    if unknown or not kinds:
        raise AccountsError(
            "Hãy chọn loại đơn vị cần cấp tài khoản trong số: " + ", ".join(sorted(valid)) + "."
        )
    users = get_user_model().objects
    units = list(Unit.objects.subtree(root).filter(kind__in=kinds).order_by("path"))
    taken = set(
        users.filter(username__in=[login_name(u) for u in units]).values_list("username", flat=True)
    )
    group, _created = Group.objects.get_or_create(name=MUST_CHANGE)
    issued = []
    for unit in units:
        name = login_name(unit)
        if name in taken:
            issued.append(IssuedLogin(unit.code, unit.name, name, ""))
            continue
        password = one_time_password()
        user = users.create(
            username=name,
            first_name=unit.name[:150],
            password=make_password(password, hasher=OneTimePasswordHasher.algorithm),
        )
        Membership.objects.create(user=user, unit=unit, roles=[Role.WRITER])
        user.groups.add(group)
        issued.append(IssuedLogin(unit.code, unit.name, name, password))
    created = sum(1 for login in issued if login.password)
    if created:
        record(actor, "accounts.issue", root, kinds=kinds, created=created)
    return issued


@transaction.atomic
def reset_password(unit: Unit, actor: Any) -> IssuedLogin:
    """A new one-time password for the unit's account (named by its code)."""
    if not may_issue(actor, unit):
        raise AccountsError(
            "Chỉ quản trị hoặc cán bộ tổng hợp của đơn vị (hoặc cấp trên) mới được đặt lại mật "
            "khẩu."
        )
    user = account_of(unit)
    if user is None:
        raise AccountsError(f"{unit.name} chưa có tài khoản; hãy cấp tài khoản trước.")
    password = one_time_password()
    user.password = make_password(password, hasher=OneTimePasswordHasher.algorithm)
    user.save(update_fields=["password"])
    user.groups.add(Group.objects.get_or_create(name=MUST_CHANGE)[0])
    record(actor, "accounts.reset", unit, username=user.get_username())
    return IssuedLogin(unit.code, unit.name, user.get_username(), password)


def account_of(unit: Unit) -> Any:
    """The unit's account (named by its code), or None: one query."""
    return get_user_model().objects.filter(username=login_name(unit)).first()


def mail_login(login: IssuedLogin, unit: Unit, actor: Any) -> str:
    """E-mail one new login to the unit's address, alone (Django's mail, one message per
    unit): "" when sent, else why not, in the active language. The audit says to whom, never
    the password."""
    if not login.password:
        return _("tài khoản đã có từ trước, mật khẩu không đổi nên không gửi")
    if not unit.email or not email_valid(unit.email):
        return _("đơn vị chưa có địa chỉ thư hợp lệ")
    subject = f"Tài khoản báo cáo của {unit.name}"
    body = (
        f"Kính gửi {unit.name},\n\n"
        f"Đơn vị được cấp tài khoản để viết báo cáo trên hệ thống baocao.\n\n"
        f"Địa chỉ: {settings.BAOCAO_SITE_URL}/dang-nhap/\n"
        f"Tên đăng nhập: {login.username}\n"
        f"Mật khẩu dùng một lần: {login.password}\n\n"
        "Lần đăng nhập đầu tiên, hệ thống yêu cầu đặt mật khẩu của riêng đơn vị; mật khẩu trên "
        "không dùng được nữa sau đó. Xin giữ kín thư này.\n"
    )
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [unit.email])
    except (OSError, ValueError) as error:  # smtplib's errors are OSErrors
        return refusal(error)
    record(actor, "accounts.mail", unit, username=login.username, to=unit.email)
    return ""


def must_change_password(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and user.groups.filter(name=MUST_CHANGE).exists()
    )


def password_changed(request) -> None:
    """The person chose their own password: the account works normally from now on."""
    group = Group.objects.filter(name=MUST_CHANGE).first()
    if group is not None:
        request.user.groups.remove(group)
    request.session.pop(SESSION_FLAG, None)


SESSION_FLAG = "baocao_must_change_password"
# What an account with a one-time password may still open: the change itself, leaving, the
# language switch, and what every page needs.
_OPEN = ("/doi-mat-khau/", "/dang-xuat/", "/ngon-ngu/", "/static/", "/healthz")


def remember_at_login(sender, request, user, **kwargs) -> None:
    """`user_logged_in`: one query at login, none on later requests (the session says it)."""
    if must_change_password(user):
        request.session[SESSION_FLAG] = True


class MustChangePasswordMiddleware:
    """Send an account still on its one-time password to "Đổi mật khẩu", with why. Only pages
    that need a login look (public pages, the API and /healthz never load the session here)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "login_required", True) or request.path.startswith(_OPEN):
            return None
        session = getattr(request, "session", None)
        if session is None or not session.get(SESSION_FLAG):
            return None
        from django.contrib import messages
        from django.shortcuts import redirect
        from django.utils.translation import gettext as _

        messages.info(
            request,
            _(
                "Tài khoản đang dùng mật khẩu cấp lần đầu: hãy đặt mật khẩu của riêng bạn trước "
                "khi làm việc."
            ),
        )
        return redirect("password_change")


def logins_workbook(issued: list[IssuedLogin]) -> bytes:
    """The sheet to hand out: unit, login, one-time password (or that the account existed)."""
    from openpyxl import Workbook

    from baocao.spreadsheet import neutralise

    book = Workbook()
    sheet = book.active
    sheet.title = "Tài khoản"
    sheet.append(["Mã đơn vị", "Tên đơn vị", "Tên đăng nhập", "Mật khẩu dùng một lần", "Ghi chú"])
    for login in issued:
        note = (
            "Đổi mật khẩu ngay lần đăng nhập đầu tiên."
            if login.password
            else "Đã có tài khoản từ trước; mật khẩu không đổi."
        )
        sheet.append(
            [
                neutralise(v)
                for v in (login.unit_code, login.unit_name, login.username, login.password, note)
            ]
        )
    for column, width in zip("ABCDE", (14, 48, 18, 24, 44), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
