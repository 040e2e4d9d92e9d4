"""Wake-ups across processes (seeitnow.wakeup) on a real PostgreSQL LISTEN."""

from __future__ import annotations

import threading

import psycopg
import pytest
from django.db import connection, transaction

from seeitnow import wakeup
from seeitnow.wakeup import wakeup_listener_stop, wakeup_send, wakeup_watch

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# Generous: a wake-up that works arrives in milliseconds; these only bound a
# broken one so the test fails instead of hanging.
BOUND_S = 30


@pytest.fixture(autouse=True)
def fresh_listener():
    wakeup_listener_stop()
    yield
    wakeup_listener_stop()


def listening(key: str):
    """A watch whose listener is up (notifications sent now will arrive)."""
    watch = wakeup_watch(key)
    watch.__enter__()
    assert watch._listener.live.wait(BOUND_S), "the listener never connected"
    watch.wait(0)  # the listener's look-again on connecting
    return watch


def send_from_another_connection(key: str) -> None:
    params = wakeup._listener_params()
    with psycopg.connect(**params, autocommit=True) as conn:
        conn.execute("SELECT pg_notify(%s, %s)", [wakeup.CHANNEL, key])


def test_a_notification_wakes_the_watch_of_its_key_only():
    mine, other = listening("run-a"), listening("run-b")
    try:
        send_from_another_connection("run-a")
        assert mine.wait(BOUND_S) is True
        assert other.wait(0.3) is False
    finally:
        mine.__exit__(None, None, None)
        other.__exit__(None, None, None)


def test_it_arrives_on_commit_and_never_from_a_rolled_back_transaction():
    watch = listening("run-c")
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            wakeup_send("run-c")
            raise RuntimeError("rolled back")
        assert watch.wait(0.5) is False

        with transaction.atomic():
            wakeup_send("run-c")
        assert watch.wait(BOUND_S) is True
    finally:
        watch.__exit__(None, None, None)


def test_a_waiter_in_another_thread_is_woken():
    woken: list[bool] = []
    registered = threading.Event()

    def waiter() -> None:
        with wakeup_watch("run-d") as watch:
            assert watch._listener.live.wait(BOUND_S)
            watch.wait(0)
            registered.set()
            woken.append(watch.wait(BOUND_S))
        connection.close()

    thread = threading.Thread(target=waiter)
    thread.start()
    assert registered.wait(BOUND_S)
    wakeup_send("run-d")
    thread.join(BOUND_S)
    assert woken == [True]


def test_the_listener_comes_back_after_its_connection_is_killed_and_wakes_everyone(
    monkeypatch,
):
    monkeypatch.setattr(wakeup, "RECONNECT_S", 0.05)
    watch = listening("run-e")
    try:
        listener = watch._listener
        killed = listener.backend_pid
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [killed])
        # Back on a new connection: every waiter is woken to look again, since
        # what was sent while no one listened is lost.
        assert watch.wait(BOUND_S) is True
        assert listener.live.wait(BOUND_S)
        assert listener.backend_pid not in (None, killed)
        send_from_another_connection("run-e")
        assert watch.wait(BOUND_S) is True
    finally:
        watch.__exit__(None, None, None)


def test_while_the_listener_is_up_the_step_is_only_a_safety_net():
    watch = listening("run-f")
    try:
        assert watch.listening
        assert watch.step(0.1) == wakeup.LISTENING_STEP_S
    finally:
        watch.__exit__(None, None, None)
    wakeup_listener_stop()
    assert not watch.listening
    assert watch.step(0.1) == 0.1
