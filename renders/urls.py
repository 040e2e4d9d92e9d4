"""Storefront routes, mounted under `proxy/` (Shopify forwards /apps/see-it/...)."""

from __future__ import annotations

from django.urls import path

from renders import proxy

urlpatterns = [
    path("room/upload", proxy.room_upload, name="proxy-room-upload"),
    path("room/confirm", proxy.room_confirm, name="proxy-room-confirm"),
]
