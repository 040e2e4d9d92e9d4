from __future__ import annotations

from django.apps import AppConfig
from django.conf import settings


class DemoConfig(AppConfig):
    """The demo shop: drawn images, seed_demo, rundemo and the preview storefront."""

    name = "demo"
    verbose_name = "Demo shop"

    def ready(self) -> None:
        from demo.catalog import DemoCatalog
        from shops.catalog import catalog_register

        catalog_register(shop_domain=settings.DEMO_SHOP_DOMAIN, factory=DemoCatalog)
