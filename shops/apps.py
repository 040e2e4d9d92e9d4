from __future__ import annotations

from django.apps import AppConfig


class ShopsConfig(AppConfig):
    name = "shops"
    default_auto_field = "django.db.models.BigAutoField"
