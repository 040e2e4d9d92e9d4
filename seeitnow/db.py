"""Small database helpers shared by every app's services."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import connection, models

M = TypeVar("M", bound=models.Model)


def model_update(*, instance: M, data: dict[str, Any]) -> M:
    """Set `data`'s fields on `instance` and save only those; returns it."""
    for field, value in data.items():
        setattr(instance, field, value)
    instance.save(update_fields=list(data))
    return instance


def connection_release_if_pooled() -> None:
    """Give this thread's connection back to the pool (DB_POOL_MAX_SIZE) before a
    wait, so waiting requests don't hold the process's few connections; without a
    pool, or inside a transaction, keep it (reconnecting would cost more)."""
    pooled = "pool" in connection.settings_dict.get("OPTIONS", {})
    if pooled and not connection.in_atomic_block:
        connection.close()
