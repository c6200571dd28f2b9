"""`record(actor, verb, obj, **details)`: the one way to write an audit entry.

Called by the actions (`baocao.apps.campaigns.actions`) and the import services inside their
transactions, so an entry exists exactly when the change does (a rolled-back change, such as a
dry run, leaves none). The client's address comes from a context variable that
`AuditAddressMiddleware` sets for each request (`baocao.web.client_ip`: REMOTE_ADDR unless a
trusted proxy forwards it); outside a request it is empty.
"""

from __future__ import annotations

import contextvars
import ipaddress
from typing import Any

from baocao.apps.audit.models import AuditEntry, Verb
from baocao.web.client_ip import client_ip

_client_address: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "baocao_client_address", default=None
)


def current_address() -> str | None:
    return _client_address.get()


class AuditAddressMiddleware:
    """Remember the request's client address while the request runs (for `record`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _client_address.set(client_ip(request) or None)
        try:
            return self.get_response(request)
        finally:
            _client_address.reset(token)


def record(actor: Any, verb: str, obj: Any = None, **details: Any) -> AuditEntry:
    """Write one entry: `actor` (a user, or None for the system), `verb` (a `Verb`), the object
    changed (a model instance, or None) and whatever else says what happened (JSON-able)."""
    verb = Verb(verb)  # an unknown verb is a programming error: fail loudly
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=user,
        actor_name=user.get_username() if user is not None else "",
        action=verb,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_label=str(obj)[:300] if obj is not None else "",
        details=details,
        ip_address=_valid_address(current_address()),
    )


def _valid_address(address: str | None) -> str | None:
    if not address:
        return None
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:  # a test client's "testserver", a unix socket: no address to keep
        return None
