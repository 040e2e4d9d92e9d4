from __future__ import annotations

from django.apps import AppConfig


class AssetsConfig(AppConfig):
    name = "assets"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from assets.signals import refresh_on_product_update, retire_on_product_delete
        from shops.signals import product_deleted, product_updated

        product_updated.connect(
            refresh_on_product_update, dispatch_uid="assets-refresh-on-product-update"
        )
        product_deleted.connect(
            retire_on_product_delete, dispatch_uid="assets-retire-on-product-delete"
        )
