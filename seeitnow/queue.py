"""django-q2's ORM broker, woken by PostgreSQL when a task is queued.

The stock ORM broker's pusher looks for new tasks every Q_POLL_S, and a render's
first image waits on that look. This one sends a wake-up (seeitnow.wakeup) with
every task it queues, and its pusher sleeps on the wake-up between looks instead;
it still looks every `max(Q_POLL_S, LISTENING_STEP_S)` as a safety net (a task
whose lock expired for a retry, a wake-up lost while the listener reconnected),
and every Q_POLL_S while the listener is not up. Redis needs none of this (its
broker blocks on BLPOP).
"""

from __future__ import annotations

from django_q.brokers.orm import ORM
from django_q.conf import Conf

from seeitnow.wakeup import LISTENING_STEP_S, wakeup_send, wakeup_watch


class WakingORM(ORM):
    def _wakeup_key(self) -> str:
        return f"q2:{self.list_key}"

    def enqueue(self, task):
        task_id = super().enqueue(task)
        # Delivered when the queueing transaction commits, like the task itself.
        wakeup_send(self._wakeup_key())
        return task_id

    def dequeue(self):
        # Watching starts before the look, so a task queued right after it wakes
        # the wait below instead of waiting for the next look.
        with wakeup_watch(self._wakeup_key()) as watching:
            if self.queue_size():
                return super().dequeue()
            watching.wait(
                watching.step(
                    Conf.POLL, listening_step_s=max(Conf.POLL, LISTENING_STEP_S)
                )
            )
        return None
