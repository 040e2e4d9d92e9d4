"""The embedded app's routes: its entry, `/app/` pages and `/api/` endpoints."""

from __future__ import annotations

from django.urls import path

from merchant import views

app_name = "merchant"

urlpatterns = [
    path("", views.root, name="root"),
    path("app/", views.app_home, name="app-home"),
    path("app/dashboard", views.dashboard, name="dashboard"),
    path("app/billing/return", views.billing_return, name="billing-return"),
    path("api/billing/plan", views.billing_plan, name="billing-plan"),
    path("auth/patch-id-token", views.patch_id_token, name="patch-id-token"),
]
