"""django-q2 tasks of renders: thin wrappers that call one service."""

from __future__ import annotations

from django.conf import settings

from renders.renderer import render_run_execute
from renders.services import rooms
from renders.services.closing import render_runs_sweep
from seeitnow.logging import bind_request_id


def room_upload_to_provider(room_session_id: str, request_id: str | None = None):
    """Queued at room/confirm: the room in the provider's file store ahead of
    the first render."""
    with bind_request_id(request_id):
        return rooms.room_session_upload_to_provider(room_session_id=room_session_id)


def room_strip_original(room_session_id: str) -> bool:
    """Queued at room/confirm: the shopper's original without its metadata."""
    return rooms.room_session_strip_original(room_session_id=room_session_id)


def purge_expired_rooms() -> dict[str, int]:
    """Scheduled hourly: delete expired room sessions and their images."""
    return rooms.room_sessions_purge_expired()


# =================================================================================
# See-it-now renders: the render task and the sweeper of abandoned runs
# =================================================================================


def render_run(run_id: str, request_id: str | None = None) -> str:
    """Queued per run: render its variants (resumes a run a dead worker left)."""
    with bind_request_id(request_id):
        return render_run_execute(run_id=run_id).status


def render_run_stale_after_s() -> float:
    """Age past which an open run cannot have a live worker: the broker's redelivery
    delay plus a full task timeout (the redelivered attempt's own lifetime)."""
    cluster = settings.Q_CLUSTER
    timeout = cluster.get("timeout") or settings.Q_TASK_TIMEOUT_S
    return float(cluster.get("retry") or timeout) + float(timeout)


def sweep_abandoned_runs() -> int:
    """Scheduled every 5 minutes: close runs whose worker died as failed/partial."""
    return render_runs_sweep(stale_after_s=render_run_stale_after_s())
