"""django-q2 tasks of renders: thin wrappers that call one service."""

from __future__ import annotations

from renders import services

RETENTION_SCHEDULE_NAME = "renders.purge_expired_rooms"


def purge_expired_rooms() -> dict[str, int]:
    """Scheduled hourly: delete expired room sessions and their images."""
    return services.room_sessions_purge_expired()
