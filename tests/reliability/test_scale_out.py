"""Scale-out: two gunicorn web processes and two q2 clusters on one PostgreSQL.

Nothing a request needs lives in one process's memory: a render is posted to one
web process and polled on the other, and a cluster killed mid-render leaves its
run to the other cluster, charged once, with each variant written once.
"""

from __future__ import annotations

import signal
from datetime import timedelta

import httpx
import pytest
from django.utils import timezone
from django_q.models import OrmQ, Schedule

from renders.models import RenderRun
from tests.factories import make_shop
from tests.fakes.gemini import FakeGemini, image_reply
from tests.reliability.conftest import ALL_EIGHT, duplicated, usage, variant_ledger
from tests.reliability.servers import gunicorn_server
from tests.render.client import proxy_url
from tests.render.processes import app_env, start_cluster, stop, wait_for
from tests.render.scene import confirmed_room, live_asset

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# Long enough for both clusters to be mid-render when one is killed.
SLOW_S = 12


@pytest.fixture
def gemini_two_slow_runs():
    fake = FakeGemini().start()
    # Two runs in flight (16 slow calls), then fast answers (scripted, then the
    # fake's default image) for the redelivered runs.
    fake.queue("*", *[image_reply(delay_s=SLOW_S)] * 16, *[image_reply()] * 8)
    yield fake
    fake.stop()


def test_killed_cluster_run_is_finished_by_the_other_cluster(
    media_root, tmp_path, gemini_two_slow_runs
):
    gemini = gemini_two_slow_runs
    shop = make_shop(daily_quota=50, monthly_quota=300)
    asset, _ = live_asset(shop=shop)
    rooms = [confirmed_room(shop=shop)[0] for _ in range(2)]
    # Housekeeping schedules would be due at the clusters' start and could hold
    # a cluster's one worker when the renders arrive: this test is about renders.
    Schedule.objects.all().delete()
    env = app_env(
        media_root=media_root,
        GEMINI_API_KEY=gemini.api_key,
        GEMINI_BASE_URL=gemini.url,
        GEMINI_RETRY_ATTEMPTS="1",
    )
    with (
        gunicorn_server(env, tmp_path / "web-a.log") as web_a,
        gunicorn_server(env, tmp_path / "web-b.log") as web_b,
    ):
        # Cluster A alone takes both runs (two workers, both renders in flight);
        # cluster B starts only then, so which cluster holds what is not a race.
        two_workers = {**env, "Q_WORKERS": "2"}
        clusters = [start_cluster(two_workers, tmp_path / "cluster-a.log")]
        try:
            run_ids = []
            for web, room in zip((web_a, web_b), rooms, strict=True):
                answer = httpx.post(
                    proxy_url(web, shop, "see-it-now/render"),
                    json={
                        "room_session_id": str(room.id),
                        "product_id": asset.product_id,
                        "async": True,
                    },
                    timeout=30,
                )
                assert answer.status_code == 202, answer.text
                run_ids.append(answer.json()["run_id"])
            wait_for(
                lambda: len(gemini.generate_calls()) == 16,
                timeout=SLOW_S - 2,
                what="cluster A's sixteen Gemini calls",
            )
            clusters.append(start_cluster(two_workers, tmp_path / "cluster-b.log"))
            stop(clusters[0], signal.SIGKILL)
            # Both runs stay open, their tasks locked in the broker by the dead
            # cluster (scheduled housekeeping may wait there too: only ours count).
            held = [
                q.pk
                for q in OrmQ.objects.all()
                if q.task.get("func") == "renders.tasks.render_run"
            ]
            assert len(held) == 2
            assert not RenderRun.objects.filter(total_duration_ms__isnull=False)
            # Redelivery comes once the lock is older than `retry`: age it.
            OrmQ.objects.filter(pk__in=held).update(
                lock=timezone.now() - timedelta(days=1)
            )
            wait_for(
                lambda: (
                    RenderRun.objects.filter(total_duration_ms__isnull=False).count()
                    == 2
                ),
                timeout=60,
                what="both of the killed cluster's runs, on cluster B",
            )
            # Each web process reports both runs, whichever one created them.
            polls = {
                (web, run_id): httpx.get(
                    proxy_url(web, shop, f"see-it-now/render/{run_id}"), timeout=30
                )
                for web in (web_a, web_b)
                for run_id in run_ids
            }
        finally:
            for cluster in clusters:
                stop(cluster)

    assert {key: r.status_code for key, r in polls.items()} == dict.fromkeys(polls, 200)
    assert {
        key: (r.json()["status"], sorted(v["id"] for v in r.json()["variants"]))
        for key, r in polls.items()
    } == dict.fromkeys(polls, ("complete", ALL_EIGHT))
    ledger = variant_ledger(shop)
    assert (duplicated(ledger), ledger) == ({}, dict.fromkeys(run_ids, ALL_EIGHT))
    assert set(RenderRun.objects.values_list("status", flat=True)) == {"complete"}
    # Charged once per run, although one run was started twice.
    # 16 calls died with cluster A; cluster B made all 16 again.
    assert (usage(shop), len(gemini.generate_calls())) == (2, 32)
    assert OrmQ.objects.count() == 0
