from __future__ import annotations

from django.apps import AppConfig


class StorefrontConfig(AppConfig):
    """The App Proxy endpoints the storefront widget calls (SPEC §5)."""

    name = "storefront"
    verbose_name = "Storefront"
