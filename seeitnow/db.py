"""Small database helpers shared by every app's services."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def model_update(*, instance: M, data: dict[str, Any]) -> M:
    """Set `data`'s fields on `instance` and save only those; returns it."""
    for field, value in data.items():
        setattr(instance, field, value)
    instance.save(update_fields=list(data))
    return instance
