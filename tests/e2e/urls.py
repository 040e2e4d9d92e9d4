"""The app's URLconf plus media files, which the live server must serve (the app
only adds them when DEBUG is on at import, and the test-suite runs with it off)."""

from __future__ import annotations

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from seeitnow.urls import urlpatterns as app_urlpatterns


def media(request, path: str):
    # MEDIA_ROOT is per test (the autouse `media_root` fixture): read it per request.
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [
    re_path(r"^media/(?P<path>.*)$", media),
    *app_urlpatterns,
]
