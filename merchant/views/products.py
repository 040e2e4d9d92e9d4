"""The Products and product detail pages; their data comes from /api/products."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from assets.selectors import PRODUCT_FILTERS, product_with_asset
from merchant.facts import facts_form
from merchant.responses import page
from seeitnow.http import AppError
from shops.auth import shop_admin_required


@require_GET
@shop_admin_required
def product_list(request: HttpRequest) -> HttpResponse:
    """The shop's products, their status and actions; rows load from the API."""
    return page(
        request, "merchant/products.html", {"filters": PRODUCT_FILTERS}, nav="products"
    )


# A document load gets a page, not JSON: an id this shop does not have (or
# that is no product id at all) is a page that does not exist.
_NOT_FOUND = ("product_not_found", "invalid_product_id")


def _missing(request: HttpRequest, exc: AppError) -> HttpResponse:
    if exc.code in _NOT_FOUND:
        heading, status = "Product not found", 404
        message = "This store has no product with that id. It may have been deleted."
    else:
        heading, status, message = "Product unavailable", exc.status, exc.message
    return page(
        request,
        "merchant/missing.html",
        {
            "heading": heading,
            "message": message,
            "back_url": "/app/products",
            "back_label": "Products",
        },
        nav="products",
        status=status,
    )


@require_GET
@shop_admin_required
def product_detail(request: HttpRequest, product_id: str) -> HttpResponse:
    """A product's images, facts editor, instructions and prompt pack."""
    try:
        row = product_with_asset(shop=request.shop, product_id=product_id)
    except AppError as exc:
        return _missing(request, exc)
    return page(
        request,
        "merchant/product_detail.html",
        {"row": row, "fields": facts_form()},
        nav="products",
    )
