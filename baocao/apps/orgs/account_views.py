"""Logins in the browser, for the unit admins and consolidators of a subtree: "Cấp tài khoản"
(every unit of the chosen kinds under a unit gets a writer account; the sheet of logins with
their one-time passwords comes back as the download) and "Đặt lại mật khẩu" (a new one-time
password for one unit's account, shown once).

They call what `baocao accounts issue|reset` calls (`baocao.apps.orgs.accounts`); who may is
`accounts.may_issue`, never outside the person's own subtree. Nothing with a password is kept
or cached: the sheet and the page that shows a password are answered `no-store`.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from baocao.apps.orgs import accounts, scope
from baocao.apps.orgs.forms import UnitChoiceField
from baocao.apps.orgs.models import Unit, UnitKind, name_matches
from baocao.web.downloads import download

FOUND_SHOWN = 30  # units listed by a search on the page


class IssueForm(forms.Form):
    root_unit = UnitChoiceField(
        label=gettext_lazy("Cấp cho các đơn vị thuộc"),
        queryset=Unit.objects.none(),
        empty_label=None,
    )
    kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Loại đơn vị được cấp tài khoản"),
        choices=UnitKind.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[UnitKind.GRASSROOTS],
        error_messages={"required": gettext_lazy("Hãy chọn ít nhất một loại đơn vị.")},
    )
    send_mail = forms.BooleanField(
        label=gettext_lazy(
            "Gửi tên đăng nhập và mật khẩu qua thư điện tử cho từng đơn vị có địa chỉ thư"
        ),
        required=False,
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["root_unit"]
        field.queryset = accounts.issuable_roots(user).order_by("path")
        own = scope.user_unit(user)
        if own is not None:
            field.top_depth = own.depth
            if not self.is_bound:
                field.initial = own.pk


def _found_units(user, query: str) -> list[dict]:
    """Units in the person's reach matching `query` (name or code), with their account: two
    queries, at most FOUND_SHOWN units."""
    if not query:
        return []
    units = list(
        scope.visible_units(user).filter(name_matches(query)).order_by("path")[:FOUND_SHOWN]
    )
    names = [accounts.login_name(unit) for unit in units]
    found = {
        account.username: account
        for account in get_user_model()
        .objects.filter(username__in=names)
        .only("username", "last_login")
    }
    return [
        {
            "unit": unit,
            "account": found.get(accounts.login_name(unit)),
            "may_reset": accounts.may_issue(user, unit),
        }
        for unit in units
    ]


@never_cache
@require_http_methods(["GET", "POST"])
def accounts_page(request):
    """GET: the form and a search for one unit's account; POST: issue, answer the sheet."""
    user = request.user
    if not accounts.may_issue_any(user):
        raise PermissionDenied
    form = IssueForm(request.POST or None, user=user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            root = form.cleaned_data["root_unit"]
            try:
                issued = accounts.issue_accounts(root, form.cleaned_data["kinds"], user)
            except accounts.AccountsError as exc:
                form.add_error(None, exc.message)
            else:
                _say_issued(request, issued, mail=form.cleaned_data["send_mail"])
                name = f"tai-khoan-{root.code}-{timezone.localdate():%Y%m%d}.xlsx"
                return download(accounts.logins_workbook(issued), name)
        status = 400
    query = request.GET.get("q", "").strip()[:100]
    return render(
        request,
        "orgs/accounts.html",
        {"form": form, "query": query, "found": _found_units(user, query), "shown": FOUND_SHOWN},
        status=status,
    )


def _say_issued(request, issued: list[accounts.IssuedLogin], *, mail: bool) -> None:
    """What the issue did, for the next page the person opens (the answer is the sheet), and
    the e-mails, one unit at a time, when asked for."""
    new = [login for login in issued if login.password]
    messages.success(
        request,
        _(
            "Đã cấp %(new)d tài khoản mới; %(old)d đơn vị đã có tài khoản từ trước (mật khẩu "
            "không đổi). Bảng tài khoản đã được tải về: hãy giữ kín."
        )
        % {"new": len(new), "old": len(issued) - len(new)},
    )
    if not mail or not new:
        return
    units = Unit.objects.in_bulk([login.unit_code for login in new], field_name="code")
    sent, failed = 0, []
    for login in new:
        reason = accounts.mail_login(login, units[login.unit_code], request.user)
        if reason:
            failed.append(f"{login.unit_name}: {reason}")
        else:
            sent += 1
    if sent:
        messages.success(request, _("Đã gửi thư cho %(count)d đơn vị.") % {"count": sent})
    if failed:
        messages.warning(
            request,
            _("Chưa gửi thư cho %(count)d đơn vị: %(names)s.")
            % {"count": len(failed), "names": "; ".join(failed[:10])},
        )


@never_cache
@require_http_methods(["GET", "POST"])
def reset_password(request, code: str):
    """GET: the unit's account and the confirmation; POST: a new one-time password, shown on
    this answer only."""
    unit = get_object_or_404(Unit, code=code)
    if not scope.can_view_unit(request.user, unit):
        raise Http404(_("Không có đơn vị này."))
    if not accounts.may_issue(request.user, unit):
        raise PermissionDenied(
            _("Chỉ quản trị hoặc cán bộ tổng hợp của đơn vị (hoặc cấp trên) mới đặt lại mật khẩu.")
        )
    account = accounts.account_of(unit)
    context = {
        "unit": unit,
        "account": account,
        "username": accounts.login_name(unit),
        "mailable": bool(unit.email),
    }
    status = 200
    if request.method == "POST":
        try:
            login = accounts.reset_password(unit, request.user)
        except accounts.AccountsError as exc:
            context["error"], status = exc.message, 400
        else:
            context["login"] = login
            if request.POST.get("send_mail"):
                reason = accounts.mail_login(login, unit, request.user)
                context["mailed"] = "" if reason else unit.email
                context["mail_error"] = reason
    return render(request, "orgs/reset_password.html", context, status=status)
