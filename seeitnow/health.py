"""Probes: /healthz (SPEC §11: database, storage, queue), /livez and /readyz.

/livez says the process answers (no dependency is touched: a database outage must
not get every web process restarted); /readyz says it can serve traffic now
(database, shared cache, storage), for a load balancer to route on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
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


def check_cache() -> None:
    """The shared cache (rate limits, webhook de-duplication) reads what it wrote."""
    key = "readyz:probe"
    cache.set(key, "1", timeout=10)
    if cache.get(key) != "1":
        raise RuntimeError("the cache did not return what was written")


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "storage": storage.check,
    "queue": check_queue,
}
READY_CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "cache": check_cache,
    "storage": storage.check,
}


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when every check passes, else 503; failures are logged, not exposed."""
    return _probe(CHECKS)


@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Whether this process can serve requests now (database, cache, storage)."""
    return _probe(READY_CHECKS)


@require_GET
def livez(request: HttpRequest) -> JsonResponse:
    """The process is up and answering; touches no dependency."""
    response = JsonResponse({"status": "alive"})
    response["Cache-Control"] = "no-store"
    return response


def _probe(probes: dict[str, Callable[[], None]]) -> JsonResponse:
    checks: dict[str, str] = {}
    for name, check in probes.items():
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
