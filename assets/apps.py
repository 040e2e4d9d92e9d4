from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AssetsConfig(AppConfig):
    name = "assets"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from assets.signals import (
            refresh_on_product_update,
            register_schedules,
            retire_on_product_delete,
        )
        from shops.signals import product_deleted, product_updated

        product_updated.connect(
            refresh_on_product_update, dispatch_uid="assets-refresh-on-product-update"
        )
        post_migrate.connect(
            register_schedules, sender=self, dispatch_uid="assets-schedules"
        )
        product_deleted.connect(
            retire_on_product_delete, dispatch_uid="assets-retire-on-product-delete"
        )
