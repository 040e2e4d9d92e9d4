"""`/api/products…`: the JSON the Products and product detail pages run on."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import reverse

from assets.models import ProductAsset
from assets.selectors import (
    asset_default_for_product,
    asset_row,
    product_with_asset,
    products_with_assets,
)
from assets.services import edits, preparation, status
from merchant import inputs
from merchant.responses import json_api, product_detail_json, product_json
from renders.services import rooms, runs
from seeitnow.http import AppError, json_methods, json_ok, parse_json_body
from seeitnow.logging import get_request_id
from shops.auth import shop_admin_required
from shops.ids import product_id_numeric


def _asset(request: HttpRequest, product_id: str) -> ProductAsset:
    """The shop's default asset of the product; 404 for anything else."""
    numeric = product_id_numeric(product_id)
    asset = (
        asset_default_for_product(shop=request.shop, product_id=numeric)
        if numeric
        else None
    )
    if asset is None:
        raise AppError("product_not_found", "Product not found.", 404)
    return asset


def _answer(request: HttpRequest, asset: ProductAsset, **extra) -> JsonResponse:
    row = asset_row(shop=request.shop, asset=asset)
    return json_ok({"product": product_json(row), **extra})


@json_methods("GET")
@shop_admin_required
@json_api
def product_list(request: HttpRequest) -> JsonResponse:
    """GET /api/products?status=&query=&cursor=&limit= → products, next_cursor."""
    q = inputs.product_list_query(request)
    rows, next_cursor = products_with_assets(
        shop=request.shop,
        status=q.status,
        query=q.query,
        cursor=q.cursor,
        limit=q.limit,
    )
    return json_ok(
        {"products": [product_json(r) for r in rows], "next_cursor": next_cursor}
    )


@json_methods("POST")
@shop_admin_required
@json_api
def product_prepare_many(request: HttpRequest) -> JsonResponse:
    """POST /api/products/prepare `{"product_ids"}` or `{"all_unprepared": true}`."""
    ids = inputs.product_ids(parse_json_body(request))
    if ids is None:
        result = preparation.assets_prepare_catalog(shop=request.shop)
    else:
        result = preparation.assets_prepare_batch(shop=request.shop, product_ids=ids)
    return json_ok(result)


@json_methods("GET")
@shop_admin_required
@json_api
def product_detail(request: HttpRequest, product_id: str) -> JsonResponse:
    """GET /api/products/{id} → the product, its asset, facts and prompt pack."""
    row = product_with_asset(shop=request.shop, product_id=product_id)
    return json_ok({"product": product_detail_json(row)})


@json_methods("POST")
@shop_admin_required
@json_api
def product_prepare(request: HttpRequest, product_id: str) -> JsonResponse:
    """POST /api/products/{id}/prepare: queue (re-)preparation of one product."""
    row = product_with_asset(shop=request.shop, product_id=product_id)
    asset = preparation.asset_prepare(shop=request.shop, product_id=row.product_id)
    return _answer(request, asset)


@json_methods("POST")
@shop_admin_required
@json_api
def product_enable(request: HttpRequest, product_id: str) -> JsonResponse:
    """POST /api/products/{id}/enable: live on the storefront (tag added)."""
    asset = status.asset_go_live(asset=_asset(request, product_id))
    return _answer(request, asset)


@json_methods("POST")
@shop_admin_required
@json_api
def product_disable(request: HttpRequest, product_id: str) -> JsonResponse:
    """POST /api/products/{id}/disable: off the storefront (tag removed); when
    the tag stays, 200 all the same with a `warning` the page shows."""
    result = status.asset_go_offline(asset=_asset(request, product_id))
    if result.warning:
        return _answer(request, result.asset, warning=result.warning)
    return _answer(request, result.asset)


@json_methods("POST")
@shop_admin_required
@json_api
def product_overrides(request: HttpRequest, product_id: str) -> JsonResponse:
    """POST /api/products/{id}/overrides `{"facts", "render_instructions"}`:
    the edited facts are stored as their diff and the prompt pack rebuilt."""
    # Ownership first: another shop's id is 404 whatever the body holds.
    asset = _asset(request, product_id)
    data = parse_json_body(request)
    instructions = data.get("render_instructions")
    if instructions is not None and not isinstance(instructions, str):
        raise AppError("invalid_instructions", "render_instructions must be text.", 400)
    asset = edits.asset_save_facts(
        shop=request.shop,
        asset=asset,
        facts=data.get("facts"),
        render_instructions=instructions,
    )
    # Through the catalog, as GET answers it: the source photo is the catalog's.
    row = product_with_asset(shop=request.shop, product_id=asset.product_id)
    return json_ok({"product": product_detail_json(row)})


@json_methods("POST")
@shop_admin_required
@json_api
def product_cutout(request: HttpRequest, product_id: str) -> JsonResponse:
    """POST /api/products/{id}/cutout (multipart `cutout`): a manual cutout PNG."""
    asset = _asset(request, product_id)
    asset = edits.asset_upload_manual_cutout(
        shop=request.shop, asset=asset, data=inputs.uploaded_cutout(request)
    )
    return _answer(request, asset)


@json_methods("POST")
@shop_admin_required
@json_api
def product_test_render(request: HttpRequest, product_id: str) -> JsonResponse:
    """POST /api/products/{id}/test-render (multipart `photo`): render the eight
    variants in that room; 202 with the run to follow on /api/monitor/run/{id}.
    Paid as preparation usage, never from the storefront's render quota."""
    asset = _asset(request, product_id)
    photo = inputs.uploaded_room_photo(request)
    room = rooms.room_session_from_photo(
        shop=request.shop, data=photo.data, content_type=photo.content_type
    )
    run = runs.render_start_test(
        shop=request.shop,
        product_id=asset.product_id,
        room=room,
        request_id=get_request_id(),
    )
    return json_ok(
        {
            "run_id": str(run.id),
            "status": "pending",
            "run_url": reverse("merchant:monitor-run-api", args=[run.id]),
        },
        status=202,
    )
