"""Merchant pages, mounted under `app/` (the embedded app's URLs)."""

from __future__ import annotations

from django.urls import path

from assets import views

app_name = "merchant"

urlpatterns = [
    path("dashboard", views.dashboard, name="dashboard"),
]
