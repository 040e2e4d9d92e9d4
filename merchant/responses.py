"""How merchant pages are answered: every page gets the shell's context."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

# Shopify opens the app with these; links keep them so a page load without a
# session token can be bounced through patch-id-token for a fresh one.
_CARRIED_PARAMS = ("shop", "host", "embedded")


def app_query(request: HttpRequest) -> str:
    """`?shop=…&host=…` of the current request, or "" when there is none."""
    carried = {k: request.GET[k] for k in _CARRIED_PARAMS if k in request.GET}
    return f"?{urlencode(carried)}" if carried else ""


def page(
    request: HttpRequest, template: str, context: dict[str, Any], *, nav: str
) -> HttpResponse:
    """Render a page of the embedded app inside the shell (base.html)."""
    return render(
        request,
        template,
        {
            "shop": request.shop,
            "api_key": settings.SHOPIFY_API_KEY,
            "app_query": app_query(request),
            "nav": nav,
            **context,
        },
    )
