"""Closing a run: the status its variants give it, the one release of an unused
reservation, and the first caller's duration kept when the task and the sweeper
both finish the same run.

Usage starts above one so that the release's floor (`composite_renders > 0`) cannot
hide a second release.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from renders.models import RenderRun
from renders.services.closing import (
    ABANDONED_MESSAGE,
    render_run_finish,
    render_runs_sweep,
)
from seeitnow.ai.schema import VARIANT_IDS
from shops.models import UsageDaily
from tests.factories import make_asset, make_room, make_run, make_shop, make_variant

T0 = datetime(2026, 3, 10, 9, 0, 0, tzinfo=UTC)
USAGE = 5


def _open_run(*, shop=None) -> RenderRun:
    shop = shop or make_shop()
    asset = make_asset(shop=shop)
    room = make_room(shop=shop)
    UsageDaily.objects.create(
        shop=shop, date=timezone.localdate(T0), composite_renders=USAGE
    )
    return make_run(
        asset=asset, room=room, created_at=T0, total_duration_ms=None, status="failed"
    )


def _usage(run: RenderRun) -> int:
    return UsageDaily.objects.get(shop=run.shop).composite_renders


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("successes", "status", "usage"),
    [
        (0, "failed", USAGE - 1),
        (1, "partial", USAGE),
        (len(VARIANT_IDS) - 1, "partial", USAGE),
        (len(VARIANT_IDS), "complete", USAGE),
    ],
)
def test_status_and_charge_follow_the_variants(successes, status, usage):
    run = _open_run()
    for vid in VARIANT_IDS[:successes]:
        make_variant(run=run, variant_id=vid)
    for vid in VARIANT_IDS[successes:]:
        make_variant(run=run, variant_id=vid, status="failed")

    closed = render_run_finish(run_id=run.id, now=T0 + timedelta(seconds=42.5))

    assert (closed.status, closed.total_duration_ms) == (status, 42_500)
    assert _usage(run) == usage


@pytest.mark.django_db
def test_a_clock_behind_the_run_gives_zero_duration():
    run = _open_run()
    closed = render_run_finish(run_id=run.id, now=T0 - timedelta(seconds=5))
    assert (closed.status, closed.total_duration_ms) == ("failed", 0)


@pytest.mark.django_db
def test_the_task_then_the_sweeper_close_once():
    run = _open_run()
    make_variant(run=run, variant_id="V01", status="failed")

    first = render_run_finish(run_id=run.id, now=T0 + timedelta(seconds=30))
    assert (first.status, first.total_duration_ms, _usage(run)) == (
        "failed",
        30_000,
        USAGE - 1,
    )

    # The run is closed, so the sweeper no longer sees it as stale.
    assert render_runs_sweep(now=T0 + timedelta(hours=1), stale_after_s=600) == 0
    again = render_run_finish(run_id=run.id, now=T0 + timedelta(hours=2))

    assert (again.status, again.total_duration_ms, _usage(run)) == (
        "failed",
        30_000,
        USAGE - 1,
    )


@pytest.mark.django_db
def test_the_sweeper_then_the_task_close_once():
    run = _open_run()
    make_variant(run=run, variant_id="V03")

    assert render_runs_sweep(now=T0 + timedelta(seconds=601), stale_after_s=600) == 1
    late = render_run_finish(run_id=run.id, now=T0 + timedelta(hours=1))

    assert (late.status, late.total_duration_ms, _usage(run)) == (
        "partial",
        601_000,
        USAGE,
    )
    rows = run.variant_results.values_list(
        "variant_id", "status", "latency_ms", "error_message"
    )
    assert sorted(rows) == [
        (vid, "success", 1200, None)
        if vid == "V03"
        else (vid, "failed", 0, ABANDONED_MESSAGE)
        for vid in VARIANT_IDS
    ]


@pytest.mark.django_db
def test_the_sweeper_leaves_runs_younger_than_its_cutoff():
    run = _open_run()

    assert render_runs_sweep(now=T0 + timedelta(seconds=600), stale_after_s=600) == 0

    run.refresh_from_db()
    assert (run.total_duration_ms, _usage(run)) == (None, USAGE)
    assert not run.variant_results.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_task_and_sweeper_racing_on_one_run_release_once():
    run = _open_run()
    make_variant(run=run, variant_id="V01", status="failed")
    barrier = threading.Barrier(2)

    def task() -> int:
        try:
            barrier.wait()
            finished = render_run_finish(run_id=run.id, now=T0 + timedelta(seconds=30))
            return finished.total_duration_ms
        finally:
            connection.close()

    def sweeper() -> int:
        try:
            barrier.wait()
            return render_runs_sweep(now=T0 + timedelta(hours=1), stale_after_s=600)
        finally:
            connection.close()

    for _ in range(5):
        RenderRun.objects.filter(pk=run.pk).update(total_duration_ms=None)
        UsageDaily.objects.filter(shop=run.shop).update(composite_renders=USAGE)
        with ThreadPoolExecutor(max_workers=2) as pool:
            task_duration = pool.submit(task)
            swept = pool.submit(sweeper)
            task_duration, swept = task_duration.result(), swept.result()

        run.refresh_from_db()
        # Whoever closed first set the duration; the other changed nothing.
        first = 3_600_000 if swept else 30_000
        assert (run.status, run.total_duration_ms) == ("failed", first)
        assert task_duration == first
        assert _usage(run) == USAGE - 1
