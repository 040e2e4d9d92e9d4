"""The embedded app's routes: its entry, `/app/` pages and `/api/` endpoints."""

from __future__ import annotations

from django.urls import path

from merchant.views import home

app_name = "merchant"

urlpatterns = [
    path("", home.root, name="root"),
    path("app/", home.app_home, name="app-home"),
    path("app/dashboard", home.dashboard, name="dashboard"),
    path("app/billing/return", home.billing_return, name="billing-return"),
    path("api/billing/plan", home.billing_plan, name="billing-plan"),
    path("auth/patch-id-token", home.patch_id_token, name="patch-id-token"),
]
