"""Reading from a replica: pages that only read (the dashboard, the campaign list) may be served
by a read replica of PostgreSQL, named by BAOCAO_DB_REPLICA_URL (settings adds it as the
"replica" database). Everything else, and every page when no replica is configured, reads the
primary — a writer must see the text they have just saved, and a replica may lag behind.

A view opts in with `@replica_reads`; inside it `ReplicaRouter` sends reads to the replica.
Writes always go to the primary, and migrations never run on the replica.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.conf import settings

REPLICA = "replica"
_reading_replica: ContextVar[bool] = ContextVar("baocao_reading_replica", default=False)


def replica_reads(view: Callable[..., Any]) -> Callable[..., Any]:
    """Let this read-only view's queries go to the replica when one is configured."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        token = _reading_replica.set(True)
        try:
            return view(*args, **kwargs)
        finally:
            _reading_replica.reset(token)

    return wrapper


class ReplicaRouter:
    """Django database router: the replica for reads inside `replica_reads`, else the primary."""

    def db_for_read(self, model: type, **hints: Any) -> str | None:
        if _reading_replica.get() and REPLICA in settings.DATABASES:
            return REPLICA
        return None

    def db_for_write(self, model: type, **hints: Any) -> str | None:
        return None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # The replica holds the primary's rows: an object read from either may relate to the other.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db != REPLICA
