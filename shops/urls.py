"""Shopify's webhook deliveries (HMAC-verified in `shops.webhooks`)."""

from __future__ import annotations

from django.urls import path

from shops import webhooks

app_name = "shops"

urlpatterns = [
    path("webhooks", webhooks.webhook, name="webhooks"),
    path("webhooks/<path:topic>", webhooks.webhook, name="webhooks-topic"),
]
