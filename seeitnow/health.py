"""GET /healthz: database, storage and task-queue heartbeat (SPEC §11)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from seeitnow import storage

logger = logging.getLogger(__name__)


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def check_queue() -> None:
    """A q2 cluster is alive: its stat (saved every guard cycle, 3 s TTL) is cached."""
    if settings.Q_CLUSTER.get("sync"):
        return  # tasks run inline, there is no cluster to wait for
    from django_q.status import Stat

    if not Stat.get_all():
        raise RuntimeError("no q2 cluster heartbeat")


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "storage": storage.check,
    "queue": check_queue,
}


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when every check passes, else 503; failures are logged, not exposed."""
    checks: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception:
            logger.exception("health check %s failed", name)
            checks[name] = "error"
        else:
            checks[name] = "ok"
    healthy = all(value == "ok" for value in checks.values())
    response = JsonResponse(
        {
            "status": "healthy" if healthy else "unhealthy",
            "checks": checks,
            "timestamp": datetime.now(UTC).isoformat(),
        },
        status=200 if healthy else 503,
    )
    response["Cache-Control"] = "no-store"
    return response
