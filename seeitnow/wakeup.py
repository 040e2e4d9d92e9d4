"""Wake-ups across processes: a waiting request learns at once that something it
watches has changed, instead of re-reading it on a timer.

On PostgreSQL a writer sends `NOTIFY` with the watched key as payload; PostgreSQL
delivers it when the writer's transaction commits (never if it rolls back). Each
process that waits keeps one listener thread on a connection of its own (outside
the pool: one more connection per web process) that LISTENs and wakes the threads
watching that key. Elsewhere (SQLite in development), or while the listener
(re)connects, a watch falls back to the caller's own polling step; once the
listener is up it is only a safety net (`LISTENING_STEP_S`).

A wake-up only says "look again": a waiter re-reads what it waits for after each
one, and starts watching before its first read, so a notification sent between
that read and the wait is not lost.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import defaultdict
from types import TracebackType

from django.db import DatabaseError, connection

logger = logging.getLogger("seeitnow.wakeup")

CHANNEL = "seeitnow_wakeup"
# With the listener up, a waiter still re-reads this often: a notification is
# only lost while the listener reconnects, and it wakes every waiter when it is back.
LISTENING_STEP_S = 1.0
# The listener's own timeout between looks at its stop flag, and its wait before
# reconnecting after an error.
LISTEN_TICK_S = 1.0
RECONNECT_S = 1.0
MAX_RECONNECT_S = 30.0


def wakeup_send(key: str) -> None:
    """Wake whoever watches `key`, in every process, once the current transaction
    commits (at once in autocommit). Never raises: the waiters' safety step
    covers a notification that could not be sent."""
    if connection.vendor != "postgresql":
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, key])
    except DatabaseError as exc:
        if connection.in_atomic_block:
            raise
        logger.warning("wake-up for %s not sent: %s", key, exc)


class Watch:
    """One thread's registration for wake-ups on one key; a context manager."""

    def __init__(self, key: str, listener: _Listener | None) -> None:
        self.key = key
        self._listener = listener
        self._event = threading.Event()

    def __enter__(self) -> Watch:
        if self._listener is not None:
            self._listener.add(self.key, self._event)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._listener is not None:
            self._listener.discard(self.key, self._event)

    @property
    def listening(self) -> bool:
        """True while notifications for the key can arrive."""
        return self._listener is not None and self._listener.live.is_set()

    def step(
        self, polling_step_s: float, listening_step_s: float = LISTENING_STEP_S
    ) -> float:
        """How long to wait before the next look: the safety step while the
        listener is up, else the caller's own polling step."""
        return listening_step_s if self.listening else polling_step_s

    def wait(self, timeout: float) -> bool:
        """Block up to `timeout` seconds; True when woken by a notification."""
        woken = self._event.wait(max(0.0, timeout))
        self._event.clear()
        return woken


class _Listener:
    """The process's LISTEN connection and the threads waiting on it."""

    def __init__(self, conn_params: dict) -> None:
        self._conn_params = conn_params
        self._lock = threading.Lock()
        self._waiters: dict[str, set[threading.Event]] = defaultdict(set)
        self._stop = threading.Event()
        self.live = threading.Event()
        self.pid = os.getpid()
        self.backend_pid: int | None = None
        self._thread = threading.Thread(
            target=self._run, name="seeitnow-wakeup", daemon=True
        )
        self._thread.start()

    def add(self, key: str, event: threading.Event) -> None:
        with self._lock:
            self._waiters[key].add(event)

    def discard(self, key: str, event: threading.Event) -> None:
        with self._lock:
            events = self._waiters.get(key)
            if events is not None:
                events.discard(event)
                if not events:
                    del self._waiters[key]

    def _wake(self, key: str | None) -> None:
        """Wake the key's waiters, or every waiter when `key` is None."""
        with self._lock:
            if key is None:
                events = [e for group in self._waiters.values() for e in group]
            else:
                events = list(self._waiters.get(key, ()))
        for event in events:
            event.set()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=LISTEN_TICK_S + 5)

    def _run(self) -> None:
        import psycopg

        pause = RECONNECT_S
        while not self._stop.is_set():
            try:
                with psycopg.connect(**self._conn_params, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.backend_pid = conn.info.backend_pid
                    # Anything sent while no one listened is lost: look again now.
                    self._wake(None)
                    self.live.set()
                    pause = RECONNECT_S
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=LISTEN_TICK_S):
                            self._wake(note.payload)
            except Exception as exc:
                # Never die: waiters fall back to their polling step meanwhile.
                if not self._stop.is_set():
                    logger.warning(
                        "wake-up listener down (%s), retrying in %.0fs", exc, pause
                    )
            finally:
                self.live.clear()
                self.backend_pid = None
            self._stop.wait(pause)
            # A database that stays away is asked less and less often.
            pause = min(pause * 2, MAX_RECONNECT_S)


_listener: _Listener | None = None
_listener_lock = threading.Lock()


def _listener_params() -> dict:
    params = connection.get_connection_params()
    # Django's own connection settings; the listener uses psycopg's defaults.
    for name in ("cursor_factory", "context", "prepare_threshold"):
        params.pop(name, None)
    return params


def wakeup_watch(key: str) -> Watch:
    """A watch on `key` for this thread (`with wakeup_watch(key) as watch:`); the
    first one in a process (or after a fork) starts its listener."""
    global _listener
    if connection.vendor != "postgresql":
        return Watch(key, None)
    with _listener_lock:
        if _listener is None or _listener.pid != os.getpid():
            _listener = _Listener(_listener_params())
        return Watch(key, _listener)


def wakeup_listener_stop() -> None:
    """Close this process's listener (tests, before their database is dropped)."""
    global _listener
    with _listener_lock:
        if _listener is not None and _listener.pid == os.getpid():
            _listener.stop()
        _listener = None
