"""What a person (or a program) sees when a request fails, and the database outage as 503.

Each refusal or failure has three shapes: a page of the site in Vietnamese (with the VI/EN
switch) for a browser, a short fragment for an htmx request (the editor shows it beside the
text, which stays in the box), and the API's JSON error under /api/. The handlers are wired
in `baocao.web.urls` (handler400/403/404/500) and settings.CSRF_FAILURE_VIEW.

A database that cannot be reached (PostgreSQL restarting, a connection killed, SQLite locked
for longer than its timeout) is not a bug of the site: it answers 503 with Retry-After and
"mất kết nối cơ sở dữ liệu, đang thử lại"; the editor's script retries after that many
seconds. Views' errors come through `DatabaseOutageMiddleware`; errors in middleware (the
session, the user) reach `server_error`, which Django calls while handling the exception, or
`bad_request` (a session that could not be saved is Django's SessionInterrupted).

The 500 and 503 pages are rendered without the database and without the request's user:
no context processors, only what the template needs.
"""

from __future__ import annotations

import logging
import re
import sys

from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template import loader
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from baocao.web.middleware import chosen_language
from baocao.web.requestlog import request_id

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
RETRY_AFTER = 5  # seconds: PostgreSQL restarts in about 3

# SQLite reports a missing table or column as OperationalError too: that is a deployment
# without its migrations (see /healthz), not an outage to wait out.
_SQLITE_SCHEMA = re.compile(r"no such (table|column)|has no column named")
# get_object_or_404's message names a model in English, for developers; the site's own
# Http404 messages are written for the person.
_DEVELOPER_404 = re.compile(r"No .* matches the given query\.")


def database_unavailable(error: BaseException | None) -> bool:
    """Whether `error` (or what it arose from) says the database cannot be reached now."""
    for _depth in range(5):
        if error is None:
            return False
        if isinstance(error, InterfaceError):
            return True
        if isinstance(error, OperationalError):
            return not _SQLITE_SCHEMA.search(str(error))
        error = error.__cause__ or error.__context__
    return False


def _is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _fragment(message: str, status: int) -> HttpResponse:
    body = loader.render_to_string("errors/_fragment.html", {"message": message})
    return HttpResponse(body, status=status)


def _api_error(request, status: int, code: str, message) -> HttpResponse:
    """The API's JSON error, in the language the program asked for (see baocao.apps.api)."""
    from baocao.apps.api.views import error_response

    with translation.override(translation.get_language_from_request(request)):
        return error_response(status, code, str(message()))


def _bare_page(request, template: str, status: int, fallback) -> HttpResponse:
    """A page of the site that needs neither the database nor the user: no context processors
    (they would load the session, the user and the messages), only the request for the
    language switch. If even that fails (a deployment without its static files' manifest),
    `fallback` alone, as plain HTML: the last resort must answer."""
    context = {
        "request": request,
        "csrf_token": get_token(request),
        "request_id": request_id(request),
    }
    with translation.override(chosen_language(request)):
        try:
            body = loader.render_to_string(template, context)
        except Exception:
            logger.exception("The error page %s could not be rendered", template)
            body = format_html(
                '<!doctype html><html lang="{}"><meta charset="utf-8"><title>{}</title>'
                "<h1>{}</h1><p>{}</p></html>",
                translation.get_language(),
                fallback,
                fallback,
                _("Mã lỗi (để báo quản trị): %(request_id)s") % context,
            )
    return HttpResponse(body, status=status)


def unavailable(request) -> HttpResponse:
    """503 for a database that cannot be reached, in the shape the request wants."""
    if _is_api(request):
        response = _api_error(
            request,
            503,
            "database_unavailable",
            lambda: (
                _("Mất kết nối cơ sở dữ liệu, đang thử lại. Hãy gửi lại sau %(seconds)d giây.")
                % {"seconds": RETRY_AFTER}
            ),
        )
    elif _is_htmx(request):
        with translation.override(chosen_language(request)):
            message = _(
                "Mất kết nối cơ sở dữ liệu, đang thử lại… Nội dung vẫn còn trong ô và sẽ tự "
                "lưu khi kết nối trở lại."
            )
            response = _fragment(message, 503)
    else:
        response = _bare_page(
            request, "503.html", 503, gettext_lazy("Mất kết nối cơ sở dữ liệu, đang thử lại")
        )
    response["Retry-After"] = str(RETRY_AFTER)
    return response


class DatabaseOutageMiddleware:
    """A view that meets an unreachable database answers 503 (under DEBUG too)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not database_unavailable(exception):
            return None
        logger.warning("Database unavailable: %s", request.path, exc_info=exception)
        return unavailable(request)


# --- Django's error handlers ---------------------------------------------------------------


def _message_for_people(exception) -> str:
    """The message a view gave Http404/PermissionDenied, if it was written for the person."""
    message = exception.args[0] if exception is not None and exception.args else ""
    if not isinstance(message, str) or not message or _DEVELOPER_404.fullmatch(message):
        return ""
    return _(message)  # a Vietnamese text written without _(): English when the catalog has it


def _refusal(request, status: int, code: str, default, exception=None) -> HttpResponse:
    """400/403/404: the API's JSON, an htmx fragment or a page of the site, saying what the
    view said (when it wrote it for the person) or `default()`."""

    def message() -> str:
        return _message_for_people(exception) or default()

    if _is_api(request):
        return _api_error(request, status, code, message)
    if _is_htmx(request):
        return _fragment(message(), status)
    return render(request, f"{status}.html", {"message": message()}, status=status)


def refusal(request, status: int, code: str, message) -> HttpResponse:
    """A refusal decided by a middleware, before any view (baocao.web.bodylimit's 413): the
    API's JSON, an htmx fragment or the page `{status}.html`, saying `message()`."""
    return _refusal(request, status, code, message)


def bad_request(request, exception=None) -> HttpResponse:
    if database_unavailable(exception):  # the session could not be saved (SessionInterrupted)
        return unavailable(request)
    return _refusal(
        request,
        400,
        "bad_request",
        lambda: _(
            "Máy chủ không nhận được yêu cầu này: dữ liệu gửi lên quá lớn hoặc sai dạng. Hãy "
            "quay lại trang trước và thử lại."
        ),
    )


def permission_denied(request, exception: PermissionDenied | None = None) -> HttpResponse:
    return _refusal(
        request,
        403,
        "forbidden",
        lambda: _("Tài khoản của bạn không có quyền làm việc này."),
        exception,
    )


def page_not_found(request, exception: Http404 | None = None) -> HttpResponse:
    return _refusal(
        request,
        404,
        "not_found",
        lambda: _("Không có trang này. Hãy kiểm tra lại địa chỉ, hoặc về trang chủ."),
        exception,
    )


def server_error(request) -> HttpResponse:
    """500, or 503 when the exception being handled is the database being out of reach."""
    if database_unavailable(sys.exception()):
        return unavailable(request)
    if _is_api(request):
        return _api_error(
            request,
            500,
            "server_error",
            lambda: (
                _("Máy chủ gặp lỗi; lỗi đã được ghi lại. Mã lỗi: %(id)s.")
                % {"id": request_id(request)}
            ),
        )
    if _is_htmx(request):
        with translation.override(chosen_language(request)):
            message = _(
                "Chưa lưu được vì máy chủ gặp lỗi (mã lỗi %(id)s). Nội dung vẫn còn trong ô."
            ) % {"id": request_id(request)}
            return _fragment(message, 500)
    return _bare_page(request, "500.html", 500, gettext_lazy("Máy chủ gặp lỗi"))


def csrf_failure(request, reason: str = "") -> HttpResponse:
    """A form sent from a page opened too long ago (or before signing in again)."""
    return _refusal(
        request,
        403,
        "csrf_failed",
        lambda: _(
            "Trang này đã mở quá lâu hoặc từ trước khi bạn đăng nhập lại nên không gửi được. "
            "Hãy tải lại trang rồi làm lại."
        ),
    )
