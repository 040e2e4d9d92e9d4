"""The embedded app's routes: its entry, `/app/` pages and `/api/` endpoints."""

from __future__ import annotations

from django.urls import path

from merchant.views import api_products, home, monitor, products, settings

app_name = "merchant"

urlpatterns = [
    path("", home.root, name="root"),
    path("app/", home.app_home, name="app-home"),
    path("app/dashboard", home.dashboard, name="dashboard"),
    path("app/billing/return", home.billing_return, name="billing-return"),
    path("api/billing/plan", home.billing_plan, name="billing-plan"),
    path("app/products", products.product_list, name="products"),
    path("app/products/<str:product_id>", products.product_detail, name="product"),
    path("api/products", api_products.product_list, name="api-products"),
    path(
        "api/products/prepare",
        api_products.product_prepare_many,
        name="api-products-prepare",
    ),
    path("api/products/<str:product_id>", api_products.product_detail),
    path("api/products/<str:product_id>/prepare", api_products.product_prepare),
    path("api/products/<str:product_id>/enable", api_products.product_enable),
    path("api/products/<str:product_id>/disable", api_products.product_disable),
    path("api/products/<str:product_id>/overrides", api_products.product_overrides),
    path("api/products/<str:product_id>/cutout", api_products.product_cutout),
    path(
        "api/products/<str:product_id>/test-render",
        api_products.product_test_render,
        name="api-product-test-render",
    ),
    path("auth/patch-id-token", home.patch_id_token, name="patch-id-token"),
]

urlpatterns += [
    path("app/settings", settings.settings_page, name="settings"),
    path("api/settings", settings.settings_api, name="settings-api"),
    path(
        "api/settings/reprepare",
        settings.settings_reprepare,
        name="settings-reprepare",
    ),
    path("app/monitor", monitor.monitor_page, name="monitor"),
    path("app/monitor/export.csv", monitor.export_csv, name="monitor-export"),
    path("app/monitor/runs/<str:run_id>", monitor.run_page, name="monitor-run"),
    path("api/monitor/run/<str:run_id>", monitor.run_api, name="monitor-run-api"),
]
