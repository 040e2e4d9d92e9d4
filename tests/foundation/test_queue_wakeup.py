"""The ORM broker on PostgreSQL picks a task up as it is queued (seeitnow.queue)."""

from __future__ import annotations

import pytest
from django.db import connection
from django_q.brokers import get_broker
from django_q.models import Success
from django_q.tasks import async_task

from seeitnow.queue import WakingORM
from tests.render.processes import app_env, start_cluster, stop, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def listeners() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'LISTEN %%'"
        )
        return cursor.fetchone()[0]


def test_postgresql_settings_choose_the_waking_broker():
    assert isinstance(get_broker(), WakingORM)


def test_a_task_is_taken_at_once_not_at_the_next_poll(tmp_path, settings):
    # The cluster's own look comes only every 60 s: a task done within the 20 s
    # bound below was picked up by its wake-up.
    env = app_env(media_root=tmp_path, Q_POLL_S="60")
    cluster = start_cluster(env, tmp_path / "cluster.log")
    try:
        wait_for(lambda: listeners() >= 1, timeout=60, what="the pusher's listener")
        task_id = async_task("math.floor", 2.5, sync=False)
        wait_for(
            lambda: Success.objects.filter(id=task_id).exists(),
            timeout=20,
            what="the task, picked up by its wake-up",
        )
        assert Success.objects.get(id=task_id).result == 2
    finally:
        stop(cluster)
