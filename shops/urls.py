"""Routes at the site root: app entry, session-token refresh, billing, webhooks."""

from __future__ import annotations

from django.urls import path

from shops import views, webhooks

app_name = "shops"

urlpatterns = [
    path("", views.root, name="root"),
    path("app/", views.app_home, name="app-home"),
    path("app/billing/return", views.billing_return, name="billing-return"),
    path("api/billing/plan", views.billing_plan, name="billing-plan"),
    path("auth/patch-id-token", views.patch_id_token, name="patch-id-token"),
    path("webhooks", webhooks.webhook, name="webhooks"),
    path("webhooks/<path:topic>", webhooks.webhook, name="webhooks-topic"),
]
