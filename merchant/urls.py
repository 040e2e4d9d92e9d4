"""The embedded app's routes: its entry, `/app/` pages and `/api/` endpoints."""

from __future__ import annotations

from django.urls import path

from merchant import monitor_views, settings_views, views

app_name = "merchant"

urlpatterns = [
    path("", views.root, name="root"),
    path("app/", views.app_home, name="app-home"),
    path("app/dashboard", views.dashboard, name="dashboard"),
    path("app/billing/return", views.billing_return, name="billing-return"),
    path("api/billing/plan", views.billing_plan, name="billing-plan"),
    path("auth/patch-id-token", views.patch_id_token, name="patch-id-token"),
]

urlpatterns += [
    path("app/settings", settings_views.settings_page, name="settings"),
    path("api/settings", settings_views.settings_api, name="settings-api"),
    path(
        "api/settings/reprepare",
        settings_views.settings_reprepare,
        name="settings-reprepare",
    ),
    path("app/monitor", monitor_views.monitor_page, name="monitor"),
    path("app/monitor/export.csv", monitor_views.export_csv, name="monitor-export"),
    path("app/monitor/runs/<str:run_id>", monitor_views.run_page, name="monitor-run"),
    path("api/monitor/run/<str:run_id>", monitor_views.run_api, name="monitor-run-api"),
]
