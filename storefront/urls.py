"""Storefront routes, mounted under `proxy/` (Shopify forwards /apps/see-it/...)."""

from __future__ import annotations

from django.urls import path, re_path

from storefront import views

urlpatterns = [
    path("room/upload", views.room_upload, name="proxy-room-upload"),
    path("room/confirm", views.room_confirm, name="proxy-room-confirm"),
    path("see-it-now/render", views.render, name="proxy-render"),
    path("see-it-now/render/<str:run_id>", views.render_poll, name="proxy-render-poll"),
    path("see-it-now/select", views.select, name="proxy-select"),
    path("see-it-now/cart", views.added_to_cart, name="proxy-added-to-cart"),
    # Last: Django's own 404 would be an HTML page the widget cannot read.
    re_path(r"^.*$", views.not_found, name="proxy-not-found"),
]
