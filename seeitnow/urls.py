"""The root URLconf: the composition root, wiring each app's routes by name."""

from __future__ import annotations

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from seeitnow import health, metrics, storage_views

admin.site.site_header = "See It Now — staff"
admin.site.site_title = "See It Now staff"
admin.site.index_title = "Operations"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("livez", health.livez, name="livez"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("storage/upload/<str:token>", storage_views.upload, name="storage-upload"),
    path("storage/read/<str:token>", storage_views.read, name="storage-read"),
    # Shopify forwards https://{shop}/apps/see-it/<path> to /proxy/<path>.
    path("proxy/", include("storefront.urls")),
    # The demo storefront answers 404 itself unless DEBUG or DEV_ADMIN_LOGIN.
    path("preview/", include("demo.preview.urls")),
    path("", include("merchant.urls")),
    path("", include("shops.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
