"""Prometheus metrics: the app's counters and histograms, and GET /metrics.

Under gunicorn each worker is a process: with PROMETHEUS_MULTIPROC_DIR set (an
empty directory shared by the processes of one machine) prometheus-client writes
each process's values there and the scrape merges them. Without it (the dev
server, tests) the process's own registry answers.
"""

from __future__ import annotations

import hmac
import logging
import os
import time
from collections.abc import Callable, Iterator

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from django_q.brokers import get_broker
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

logger = logging.getLogger(__name__)

LATENCY_BUCKETS_S = (0.5, 1, 2, 4, 6, 8, 10, 15, 20, 30, 45, 60, 90)

HTTP_REQUESTS = Counter(
    "seeitnow_http_requests_total",
    "Requests answered, by route name and HTTP status.",
    ["route", "status"],
)
HTTP_DURATION = Histogram(
    "seeitnow_http_request_duration_seconds",
    "Time to answer a request, by route name.",
    ["route"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
RENDER_RUNS = Counter(
    "seeitnow_render_runs_total",
    "Render runs closed, by final status (complete, partial, failed).",
    ["status"],
)
RENDER_DURATION = Histogram(
    "seeitnow_render_run_duration_seconds",
    "From a run's creation to its close.",
    buckets=LATENCY_BUCKETS_S,
)
VARIANT_OUTCOMES = Counter(
    "seeitnow_variant_outcomes_total",
    "Variants recorded, by variant id and status (success, failed, timeout).",
    ["variant_id", "status"],
)
VARIANT_LATENCY = Histogram(
    "seeitnow_variant_latency_seconds",
    "Per-variant model call and upload time.",
    buckets=LATENCY_BUCKETS_S,
)
PREPARATIONS = Counter(
    "seeitnow_preparations_total",
    "Product preparations finished, by outcome (ready, failed).",
    ["outcome"],
)
REFUSALS = Counter(
    "seeitnow_refusals_total",
    "Storefront requests refused by a limit, by reason.",
    ["reason"],
)


class QueueDepthCollector(Collector):
    """Tasks waiting in the q2 broker, read at scrape time (not a process value)."""

    def __init__(self, depth: Callable[[], int]) -> None:
        self._depth = depth

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            depth = self._depth()
        except Exception:
            # A broker that can't be read must not cost the rest of the scrape.
            logger.warning("queue depth unavailable", exc_info=True)
            return
        gauge = GaugeMetricFamily(
            "seeitnow_queue_depth", "Tasks waiting in the q2 broker."
        )
        gauge.add_metric([], depth)
        yield gauge


def _queue_depth() -> int:
    return int(get_broker().queue_size() or 0)


def _registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        registry.register(_ProcessRegistry())
    registry.register(QueueDepthCollector(lambda: _queue_depth()))
    return registry


class _ProcessRegistry(Collector):
    """This process's own metrics (single-process servers)."""

    def collect(self):
        yield from REGISTRY.collect()


def _authorised(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ")
    return bool(token) and hmac.compare_digest(given.encode(), token.encode())


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """The Prometheus exposition; 404 while METRICS_TOKEN is unset, 401 without it."""
    if not settings.METRICS_TOKEN:
        return HttpResponse(status=404)
    if not _authorised(request):
        response = HttpResponse(status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    response = HttpResponse(
        generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST
    )
    response["Cache-Control"] = "no-store"
    return response


class MetricsMiddleware:
    """Counts every answer by route name and status, and times it."""

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.monotonic()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = (match.view_name if match else None) or "unmatched"
        HTTP_REQUESTS.labels(route=route, status=str(response.status_code)).inc()
        HTTP_DURATION.labels(route=route).observe(time.monotonic() - started)
        return response
