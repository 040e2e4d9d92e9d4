"""How merchant pages and JSON answers are built: the shell's context, products."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from assets.selectors import ProductRow
from seeitnow import storage
from seeitnow.http import AppError, error_response

# Shopify opens the app with these; links keep them so a page load without a
# session token can be bounced through patch-id-token for a fresh one.
_CARRIED_PARAMS = ("shop", "host", "embedded")


def app_query(request: HttpRequest) -> str:
    """`?shop=…&host=…` of the current request, or "" when there is none."""
    carried = {k: request.GET[k] for k in _CARRIED_PARAMS if k in request.GET}
    return f"?{urlencode(carried)}" if carried else ""


def page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    nav: str,
    status: int = 200,
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
        status=status,
    )


def json_api(view: Callable) -> Callable:
    """Answer a JSON endpoint's AppError in the one error shape."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except AppError as exc:
            return error_response(exc)

    return wrapper


def _image_url(row: ProductRow) -> str | None:
    """The cutout when there is one (what renders use), else the product photo."""
    if row.asset is not None and row.asset.prepared_image_key:
        return storage.signed_read_url(row.asset.prepared_image_key)
    return row.preview_url


def product_json(row: ProductRow) -> dict[str, Any]:
    """A product as the list and its actions answer it."""
    asset = row.asset
    return {
        "product_id": row.product_id,
        "title": row.title,
        "image_url": _image_url(row),
        "status": row.status,
        "enabled": bool(asset and asset.enabled),
        "prompt_outdated": row.outdated,
        "error_message": asset.error_message if asset else None,
        "prompt_pack_version": asset.prompt_pack_version if asset else None,
    }


def product_detail_json(row: ProductRow) -> dict[str, Any]:
    """A product with everything the detail page edits and shows."""
    asset = row.asset
    return {
        **product_json(row),
        "source_image_url": row.preview_url,
        "cutout_url": (
            storage.signed_read_url(asset.prepared_image_key)
            if asset is not None and asset.prepared_image_key
            else None
        ),
        "prep_strategy": asset.prep_strategy if asset else None,
        "extracted_facts": asset.extracted_facts if asset else None,
        "merchant_overrides": asset.merchant_overrides if asset else None,
        "resolved_facts": asset.resolved_facts if asset else None,
        "prompt_pack": asset.prompt_pack if asset else None,
        "render_instructions": (asset.render_instructions_see_it_now or "")
        if asset
        else "",
    }
