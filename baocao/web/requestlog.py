"""The operator's log: one JSON object per line on stderr, each tied to its request.

Every request gets an id: the X-Request-ID a proxy sent (if it looks like one), else a new
one. The answer carries it back in X-Request-ID, the error pages show it to the person, and
every log line written while the request runs holds it, with the user and the unit, so "the
page said error 3f2a…" leads to the traceback. settings.LOGGING wires `LogContext` and
`JsonFormatter` to stderr (gunicorn and systemd keep it); BAOCAO_LOG_LEVEL sets the level.

The filter never queries the database: the user is named only once the request has loaded it
(a log line written because the database is down must not need the database).
"""

from __future__ import annotations

import contextvars
import datetime
import json
import logging
import re
import uuid

from django.utils.functional import empty

HEADER = "X-Request-ID"
# What a proxy's id may look like (nginx's $request_id is 32 hex digits): anything else is
# replaced, so a client cannot write into the log through the header.
_VALID_ID = re.compile(r"[A-Za-z0-9._:-]{8,64}")

_current = contextvars.ContextVar("baocao_request", default=None)


def request_id(request) -> str:
    """The id of `request` (given or made by RequestIdMiddleware)."""
    return getattr(request, "request_id", "")


class RequestIdMiddleware:
    """First in MIDDLEWARE: names the request for the log and answers with its id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get(HEADER, "")
        request.request_id = given if _VALID_ID.fullmatch(given) else uuid.uuid4().hex
        token = _current.set(request)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request.request_id
        return response


def _loaded_user(request):
    """The request's user if it is already loaded (no query), else None."""
    user = request.__dict__.get("user")
    if user is None:
        return None
    wrapped = getattr(user, "_wrapped", user)  # AuthenticationMiddleware's lazy object
    return None if wrapped is empty else wrapped


def _unit(request, user) -> str:
    """The unit the request is about (in its address), else the user's own if already known."""
    match = getattr(request, "resolver_match", None)
    if match is not None and match.kwargs.get("unit_code"):
        return str(match.kwargs["unit_code"])
    membership = getattr(user, "_state", None) and user._state.fields_cache.get("membership")
    unit = membership and membership._state.fields_cache.get("unit")
    return unit.code if unit else ""


class LogContext(logging.Filter):
    """Adds request_id, method, path, user and unit to each record written during a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = _current.get()
        if request is None:
            return True
        user = _loaded_user(request)
        record.request_id = request_id(request)
        record.method = request.method
        record.path = request.path
        record.user = user.get_username() if user is not None and user.is_authenticated else ""
        record.unit = _unit(request, user)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line; a traceback stays inside its line (key "exc")."""

    CONTEXT = ("request_id", "method", "path", "user", "unit", "status_code")

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in self.CONTEXT:
            value = getattr(record, name, None)
            if value not in (None, ""):
                entry[name] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
