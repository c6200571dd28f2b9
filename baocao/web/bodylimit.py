"""Request bodies: judged by their declared length before a byte of them is read.

Django refuses a form above DATA_UPLOAD_MAX_MEMORY_SIZE only while parsing it, and never limits
the files of a multipart body: a 300 MB anonymous POST to the login page was written to /tmp in
full before the CSRF check (which parses every POST) refused it. Here each request's
Content-Length is held against the limit of the view it is for, in `__call__`, so before any
middleware's `process_view` (CSRF's reads the body): the form limit plus a multipart envelope
for every view, more for the few that take a file, each marked `accepts_file(...)` with the
file limit it checks. Above it: 413 with a Vietnamese message (the view's own, when it has one)
as a page, an htmx fragment or the API's JSON (`baocao.web.errors.refusal`).

That also caps multipart parsing: Django's WSGIRequest reads at most Content-Length bytes (a
body sent without one, chunked, is read as empty), so no upload handler could see more than
this lets in. A client sending an allowed body slowly still holds a worker thread while it
sends; that is the reverse proxy's to stop: it buffers the whole body, with a size and a time
limit, before passing it on (deploy/nginx.conf).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from baocao.indicators.numbers import format_number
from baocao.web.errors import refusal

logger = logging.getLogger(__name__)

MB = 1024 * 1024
# Around a file: the multipart boundaries, the part headers and the form's few small fields.
ENVELOPE = 64 * 1024


def default_limit() -> int:
    """The largest body of a view that takes no file: a form (a section's text at most)."""
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE + ENVELOPE


def accepts_file(max_file_bytes: int, too_big: Any = "") -> Callable:
    """Mark a view that takes one file of up to `max_file_bytes`: its requests may carry that
    much more. `too_big`: the view's message for a larger one (gettext_lazy, with %(mb)d for
    the file limit in MB)."""

    def mark(view: Callable) -> Callable:
        view.body_limit = max_file_bytes + ENVELOPE
        view.file_limit = max_file_bytes
        view.too_big = too_big
        return view

    return mark


def limit_of(view: Callable | None) -> int:
    """The largest body `view` accepts, in bytes."""
    return getattr(view, "body_limit", default_limit())


def _declared_length(request) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0  # Django reads such a body as empty


def _view_of(request) -> Callable | None:
    try:
        return resolve(request.path_info, getattr(request, "urlconf", None)).func
    except Resolver404:
        return None


def _megabytes(size: int) -> str:
    return f"{format_number(Decimal(size) / MB, 1)} MB"


def _message(view: Callable | None) -> Callable[[], str]:
    def message() -> str:
        if getattr(view, "too_big", ""):
            return str(view.too_big) % {"mb": view.file_limit // MB}
        return _(
            "Nội dung gửi lên quá lớn: tối đa %(size)s. Hãy gửi ít hơn (chia văn bản dài ra "
            "nhiều mục, hoặc chọn tệp nhỏ hơn) rồi thử lại."
        ) % {"size": _megabytes(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)}

    return message


class BodyLimitMiddleware:
    """413 for a request whose Content-Length passes its view's limit, before it is read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        declared = _declared_length(request)
        if declared > default_limit():  # most requests stop here, without resolving the URL
            view = _view_of(request)
            limit = limit_of(view)
            if declared > limit:
                logger.warning(
                    "Request body refused unread: %d bytes declared for %s, limit %d",
                    declared,
                    request.path,
                    limit,
                )
                return refusal(request, 413, "request_too_large", _message(view))
        return self.get_response(request)
