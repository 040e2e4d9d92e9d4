from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_delete


class RendersConfig(AppConfig):
    name = "renders"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from renders.signals import (
            delete_run_images_of_shop,
            record_order_lines,
            register_schedules,
        )
        from shops.models import Shop
        from shops.signals import order_paid

        post_migrate.connect(
            register_schedules, sender=self, dispatch_uid="renders-schedules"
        )
        pre_delete.connect(
            delete_run_images_of_shop,
            sender=Shop,
            dispatch_uid="renders-delete-run-images-of-shop",
        )
        order_paid.connect(record_order_lines, dispatch_uid="renders-order-lines")
