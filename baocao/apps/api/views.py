"""The API's endpoints. Each reads the request, checks what the key's user may see (the same
`scope` and `permissions` functions as the pages), and for writes calls
`actions.save_indicator`, as the report page does: same rules, same messages.

Every answer is JSON, errors included: {"error": {"code": ..., "message": ...}}; so are the
site's own error answers under /api/ (500, 503 when the database is out of reach, an
oversized body: `baocao.web.errors`). `code` is for programs and never changes with the
language; `message` (and the `*_label` fields) are for people, in Vietnamese unless the
request's Accept-Language (or the site's VI/EN switch, for a person browsing the API) asks for
English: the pages ignore the header (`baocao.web.middleware`),
but a program has no switch. Refusals that come from `actions` (permissions, rules, number
parsing) are Vietnamese only, as on the report page. A request
is authenticated only by its `Authorization: Token <key>` header; a session cookie counts for
nothing here, which is why these views may skip the CSRF check (a cookie alone can do nothing).
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpResponse, JsonResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from baocao.apps.api.models import Token
from baocao.apps.api.openapi import document
from baocao.apps.campaigns import actions
from baocao.apps.campaigns.models import Campaign, IndicatorValue, Report, ReportStatus
from baocao.apps.campaigns.permissions import can_edit_report, can_view_report, visible_reports
from baocao.apps.campaigns.queries import visible_campaigns
from baocao.apps.orgs import scope
from baocao.apps.orgs.models import Unit, UnitKind
from baocao.errors import InputError
from baocao.indicators.numbers import format_number
from baocao.web.said import shown

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
MAX_BATCH = 500


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, **extra: Any):
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra


def error_response(status: int, code: str, message: str, **extra: Any) -> JsonResponse:
    response = JsonResponse({"error": {"code": code, "message": message, **extra}}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Token realm="baocao"'
    return response


def not_found(message: str = "") -> ApiError:
    return ApiError(404, "not_found", message or _("Không tìm thấy."))


def in_client_language(view: Callable) -> Callable:
    """Answer in the language the request's Accept-Language asks for (English or Vietnamese;
    Vietnamese when it asks for neither or says nothing), and say so in Content-Language."""

    @functools.wraps(view)
    def wrapper(request, *args: Any, **kwargs: Any) -> HttpResponse:
        language = translation.get_language_from_request(request)
        with translation.override(language):
            response = view(request, *args, **kwargs)
        response["Content-Language"] = language
        patch_vary_headers(response, ["Accept-Language"])
        return response

    return wrapper


def endpoint(
    *, authenticated: bool = True, query: tuple[str, ...] = (), **handlers: Callable
) -> Callable:
    """A view answering the given methods ("get", "put", "post") with JSON: 405 with Allow for
    the others, 401 without a valid key, 400 for a query parameter GET does not take (`query`;
    a typo such as ?limt= must not pass unnoticed), and every refusal as a JSON error."""
    allowed = sorted(method.upper() for method in handlers)
    if "GET" in allowed:
        allowed.append("HEAD")
    allow = ", ".join([*allowed, "OPTIONS"])

    @csrf_exempt
    @login_not_required
    @in_client_language
    def view(request, **kwargs: Any) -> HttpResponse:
        method = request.method.upper()
        if method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Allow"] = allow
            return response
        if method not in allowed:
            response = error_response(
                405,
                "method_not_allowed",
                _("Phương thức %(method)s không dùng được ở đây; chỉ: %(allow)s.")
                % {"method": method, "allow": allow},
            )
            response["Allow"] = allow
            return response
        if authenticated:
            user = _token_user(request)
            if user is None:
                return error_response(
                    401,
                    "unauthenticated",
                    _("Thiếu hoặc sai khóa API. Gửi kèm tiêu đề “Authorization: Token <khóa>”."),
                )
            request.user = user
        handler = handlers["get" if method == "HEAD" else method.lower()]
        known = query if handler is handlers.get("get") else ()
        unknown = sorted(set(request.GET) - set(known))
        if unknown:
            return error_response(
                400,
                "invalid_parameter",
                _("Tham số không dùng được ở đây: %(names)s.") % {"names": ", ".join(unknown)},
            )
        try:
            return handler(request, **kwargs)
        except ApiError as error:
            return error_response(error.status, error.code, error.message, **error.extra)

    return view


def _token_user(request):
    kind, _space, key = request.headers.get("Authorization", "").strip().partition(" ")
    if kind.lower() != "token":
        return None
    return Token.user_for(key.strip())


# --- reading the request -------------------------------------------------------------------------


def _int_param(request, name: str, default: int, low: int, high: int) -> int:
    text = request.GET.get(name)
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise ApiError(
            400,
            "invalid_parameter",
            _("Tham số %(name)s phải là số nguyên từ %(low)d đến %(high)d.")
            % {"name": name, "low": low, "high": high},
        )
    return value


def _page(request, queryset: QuerySet, serialise: Callable) -> JsonResponse:
    limit = _int_param(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    offset = _int_param(request, "offset", 0, 0, 10**9)
    count = queryset.count()
    rows = [serialise(item) for item in queryset[offset : offset + limit]]
    return JsonResponse({"count": count, "limit": limit, "offset": offset, "results": rows})


def _json_body(request) -> Any:
    content_type = request.content_type or ""
    if content_type != "application/json":
        raise ApiError(
            415,
            "unsupported_media_type",
            _("Hãy gửi nội dung JSON (Content-Type: application/json)."),
        )
    try:
        return json.loads(request.body or b"null", parse_constant=_no_constant)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "invalid_json", _("Nội dung gửi lên không phải JSON hợp lệ.")) from None
    except RecursionError:  # thousands of nested [ or {: Python's parser gives up
        raise ApiError(
            400, "invalid_json", _("Nội dung JSON lồng nhau quá sâu; hãy gửi dữ liệu phẳng hơn.")
        ) from None


def _no_constant(name: str) -> Any:
    raise ValueError(name)


# --- what the answers hold -----------------------------------------------------------------------


def _when(moment) -> str | None:
    return moment.isoformat() if moment else None


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def unit_json(unit: Unit) -> dict[str, Any]:
    return {
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind,
        "kind_label": str(UnitKind(unit.kind).label) if unit.kind in UnitKind.values else "",
        "parent_code": unit.parent.code if unit.parent_id else None,
        "depth": unit.depth,
        "email": unit.email,
    }


def campaign_json(campaign: Campaign) -> dict[str, Any]:
    return {
        "slug": campaign.slug,
        "name": campaign.name,
        "status": campaign.status,
        "outline": campaign.outline.slug,
        "root_unit": campaign.root_unit.code,
        "reporting_kinds": list(campaign.reporting_kinds),
        "baseline_year": campaign.baseline_year,
        "current_year": campaign.current_year,
        "deadline": campaign.deadline.isoformat(),
    }


def report_json(report: Report, user) -> dict[str, Any]:
    return {
        "campaign": report.campaign.slug,
        "unit_code": report.unit.code,
        "unit_name": report.unit.name,
        "status": report.status,
        "status_label": str(ReportStatus(report.status).label),
        "version": report.version,
        "submitted_at": _when(report.submitted_at),
        "accepted_at": _when(report.accepted_at),
        "editable": report.is_editable and can_edit_report(user, report),
    }


def value_json(value: IndicatorValue) -> dict[str, Any]:
    return {
        "code": value.code,
        "year": value.year,
        "value": _number(value.value),
        "raw": value.raw,
        "updated_at": _when(value.updated_at),
    }


# --- units -----------------------------------------------------------------------------------------


def _units(request) -> QuerySet:
    units = scope.visible_units(request.user).select_related("parent").order_by("path")
    if code := request.GET.get("under", "").strip():
        top = units.filter(code=code).first()
        if top is None:
            raise not_found(
                _("Không có đơn vị mã “%(code)s” trong phạm vi bạn xem.") % {"code": code}
            )
        units = units.filter(path__startswith=top.path)
    if (kind := request.GET.get("kind")) is not None:
        if kind not in UnitKind.values:
            raise ApiError(
                400,
                "invalid_parameter",
                _("Loại đơn vị phải là một trong: %(kinds)s.")
                % {"kinds": ", ".join(UnitKind.values)},
            )
        units = units.filter(kind=kind)
    return units


def _unit_list(request) -> JsonResponse:
    return _page(request, _units(request), unit_json)


def _unit_detail(request, code: str) -> JsonResponse:
    unit = scope.visible_units(request.user).select_related("parent").filter(code=code).first()
    if unit is None:
        raise not_found(_("Không có đơn vị mã “%(code)s” trong phạm vi bạn xem.") % {"code": code})
    return JsonResponse(unit_json(unit))


# --- campaigns and reports ---------------------------------------------------------------------------


def _campaigns(user) -> QuerySet:
    return visible_campaigns(user).order_by("-created_at", "-pk")


def _campaign(request, slug: str) -> Campaign:
    campaign = _campaigns(request.user).filter(slug=slug).first()
    if campaign is None:
        raise not_found(_("Không có đợt báo cáo mã “%(slug)s”.") % {"slug": slug})
    return campaign


def _campaign_list(request) -> JsonResponse:
    return _page(request, _campaigns(request.user), campaign_json)


def _campaign_detail(request, slug: str) -> JsonResponse:
    campaign = _campaign(request, slug)
    data = campaign_json(campaign)
    data["indicators"] = [
        {
            "code": indicator.code,
            "name": indicator.name,
            "unit": indicator.unit,
            "type": indicator.type,
            "derived": indicator.derived,
        }
        for indicator in campaign.catalogue.indicators
    ]
    return JsonResponse(data)


def _report(request, slug: str, unit_code: str) -> Report:
    campaign = _campaign(request, slug)
    report = (
        Report.objects.select_related("campaign", "unit", "unit__parent")
        .filter(campaign=campaign, unit__code=unit_code)
        .first()
    )
    if report is None or not can_view_report(request.user, report):
        raise not_found(
            _("Đợt báo cáo này không có báo cáo của đơn vị mã “%(code)s” mà bạn được xem.")
            % {"code": unit_code}
        )
    report.campaign = campaign  # one parsed outline for the whole request
    return report


def _report_list(request, slug: str) -> JsonResponse:
    campaign = _campaign(request, slug)
    reports = visible_reports(
        request.user, campaign.reports.select_related("unit").order_by("unit__path")
    )
    if (status := request.GET.get("status")) is not None:
        if status not in ReportStatus.values:
            raise ApiError(
                400,
                "invalid_parameter",
                _("Trạng thái phải là một trong: %(statuses)s.")
                % {"statuses": ", ".join(ReportStatus.values)},
            )
        reports = reports.filter(status=status)

    def serialise(report: Report) -> dict[str, Any]:
        report.campaign = campaign
        return report_json(report, request.user)

    return _page(request, reports, serialise)


def _report_detail(request, slug: str, unit_code: str) -> JsonResponse:
    return JsonResponse(report_json(_report(request, slug, unit_code), request.user))


# --- indicator values ------------------------------------------------------------------------------


def _year(report: Report, text: str) -> int:
    try:
        year = int(text)
    except (TypeError, ValueError):
        year = 0
    if year not in report.campaign.years:
        raise not_found(
            _("Đợt báo cáo này chỉ có số liệu năm %(base)d và năm %(now)d.")
            % {"base": report.campaign.baseline_year, "now": report.campaign.current_year}
        )
    return year


def _values(report: Report) -> list[dict[str, Any]]:
    values = IndicatorValue.objects.filter(report=report).order_by("code", "year")
    return [value_json(value) for value in values]


def _value_list(request, slug: str, unit_code: str) -> JsonResponse:
    report = _report(request, slug, unit_code)
    return JsonResponse({"campaign": slug, "unit_code": unit_code, "values": _values(report)})


def _typed(value: Any) -> str:
    """What a person would have typed for `value`: a JSON number in the Vietnamese form the
    report page reads ("12,5", never "12.5", which reads as 125), a string as it is."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InputError(_("Giá trị phải là một số, một chuỗi hoặc null."))
    if isinstance(value, str):
        return value
    if isinstance(value, float) and not math.isfinite(value):
        raise InputError(_("Giá trị phải là một số hữu hạn."))
    return format_number(Decimal(repr(value)) if isinstance(value, float) else Decimal(value))


def _save(request, report: Report, code: str, year: Any, value: Any) -> dict[str, Any]:
    if code not in report.campaign.catalogue.by_code:
        raise InputError(
            _("Đề cương của đợt báo cáo không có chỉ tiêu “%(code)s”.") % {"code": code}
        )
    result = actions.save_indicator(report, code, year, _typed(value), request.user)
    return {
        "code": code,
        "year": int(year),
        "value": _number(result.value),
        "raw": result.raw,
        "note": shown(result.note),
    }


def _refusal(error: InputError) -> ApiError:
    if isinstance(error, actions.NotAllowed):
        return ApiError(403, "forbidden", shown(error))
    return ApiError(400, "invalid", shown(error))


def _value_detail(request, slug: str, unit_code: str, code: str, year: str) -> JsonResponse:
    report = _report(request, slug, unit_code)
    year_number = _year(report, year)
    if code not in report.campaign.catalogue.by_code:
        raise not_found(
            _("Đề cương của đợt báo cáo không có chỉ tiêu “%(code)s”.") % {"code": code}
        )
    value = IndicatorValue.objects.filter(report=report, code=code, year=year_number).first()
    if value is None:
        return JsonResponse(
            {"code": code, "year": year_number, "value": None, "raw": "", "updated_at": None}
        )
    return JsonResponse(value_json(value))


def _value_put(request, slug: str, unit_code: str, code: str, year: str) -> JsonResponse:
    report = _report(request, slug, unit_code)
    year_number = _year(report, year)
    body = _json_body(request)
    if not isinstance(body, dict) or "value" not in body:
        raise ApiError(
            400,
            "invalid",
            _('Hãy gửi {"value": ...}: một số, một chuỗi như "1.234" hoặc null để xóa.'),
        )
    try:
        return JsonResponse(_save(request, report, code, year_number, body["value"]))
    except InputError as error:
        raise _refusal(error) from None


def _values_post(request, slug: str, unit_code: str) -> JsonResponse:
    """Several figures at once, all or nothing: one refused figure saves none of them."""
    report = _report(request, slug, unit_code)
    body = _json_body(request)
    items = body.get("values") if isinstance(body, dict) else None
    if not isinstance(items, list) or not items or len(items) > MAX_BATCH:
        raise ApiError(
            400,
            "invalid",
            _(
                'Hãy gửi {"values": [{"code": ..., "year": ..., "value": ...}, ...]}, từ 1 đến '
                "%(max)d số liệu."
            )
            % {"max": MAX_BATCH},
        )
    saved, problems = [], []
    with transaction.atomic():
        for index, item in enumerate(items):
            if not isinstance(item, dict) or not {"code", "year", "value"} <= item.keys():
                problems.append(
                    {"index": index, "message": _("Mỗi số liệu cần có code, year và value.")}
                )
                continue
            code, year = str(item["code"]), item["year"]
            if isinstance(year, bool) or not isinstance(year, int):
                problems.append({"index": index, "message": _("year phải là số nguyên.")})
                continue
            try:
                saved.append(_save(request, report, code, year, item["value"]))
            except actions.NotAllowed as error:
                transaction.set_rollback(True)
                raise _refusal(error) from None
            except InputError as error:
                problems.append({"index": index, "message": shown(error)})
        if problems:
            transaction.set_rollback(True)
    if problems:
        raise ApiError(
            400,
            "invalid",
            _("Chưa lưu số liệu nào: %(count)d số liệu không hợp lệ.") % {"count": len(problems)},
            items=problems,
        )
    return JsonResponse({"saved": saved})


# --- the views ---------------------------------------------------------------------------------------

openapi = endpoint(authenticated=False, get=lambda request: JsonResponse(document()))
PAGING = ("limit", "offset")
unit_list = endpoint(get=_unit_list, query=(*PAGING, "under", "kind"))
unit_detail = endpoint(get=_unit_detail)
campaign_list = endpoint(get=_campaign_list, query=PAGING)
campaign_detail = endpoint(get=_campaign_detail)
report_list = endpoint(get=_report_list, query=(*PAGING, "status"))
report_detail = endpoint(get=_report_detail)
value_list = endpoint(get=_value_list, post=_values_post)
value_detail = endpoint(get=_value_detail, put=_value_put)


@csrf_exempt
@login_not_required
@in_client_language
def not_found_view(request, rest: str = "") -> JsonResponse:
    """Anything else under /api/: a JSON 404, never the site's HTML page."""
    return error_response(404, "not_found", _("Không có địa chỉ API này."))
