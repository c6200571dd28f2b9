"""/healthz: whether this process can serve, for a reverse proxy or an orchestrator.

200 when the database answers and every migration is applied, else 503 with what is wrong;
JSON, no login, no session, never cached, exempt from the HTTPS redirect (a proxy asks over
plain HTTP on the machine itself). There is no task queue to check: work runs in the request.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from baocao.web.errors import RETRY_AFTER


def _database_answers() -> bool:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def _pending_migrations() -> list[str]:
    """Migrations on disk not applied to the database (a few milliseconds to find out)."""
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


@never_cache
@require_safe
@login_not_required
def healthz(request) -> JsonResponse:
    try:
        pending = _pending_migrations() if _database_answers() else None
    except DatabaseError:  # the database went away between the two
        pending = None
    checks = {"database": "ok", "migrations": "ok"}
    if pending is None:
        checks = {"database": "unreachable", "migrations": "unknown"}
    elif pending:
        checks["migrations"] = f"{len(pending)} pending: {', '.join(pending[:5])}"
    healthy = all(value == "ok" for value in checks.values())
    response = JsonResponse({"status": "ok" if healthy else "unavailable", **checks})
    if not healthy:
        response.status_code = 503
        response["Retry-After"] = str(RETRY_AFTER)
    return response
