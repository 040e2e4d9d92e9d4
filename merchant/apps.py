from __future__ import annotations

from django.apps import AppConfig


class MerchantConfig(AppConfig):
    """The embedded admin: the merchant's pages and JSON API inside Shopify."""

    name = "merchant"
    verbose_name = "Merchant admin"
