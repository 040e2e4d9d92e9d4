"""Dev storefront routes, mounted under `preview/`."""

from __future__ import annotations

from django.urls import path

from demo.preview import views

urlpatterns = [
    path("", views.storefront, name="preview-storefront"),
    path("products/<slug:handle>", views.product, name="preview-product"),
    path("apps/see-it/<path:path>", views.app_proxy, name="preview-app-proxy"),
    path("widget/<str:name>", views.widget_asset, name="preview-widget-asset"),
    path("cart/add.js", views.cart_add, name="preview-cart-add"),
    path("cart.js", views.cart_js, name="preview-cart"),
]
