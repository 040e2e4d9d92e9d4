"""Storefront endpoints behind the Shopify App Proxy (SPEC §5).

`app_proxy_required` verifies the signature, sets `request.shop`, answers OPTIONS
with 204, turns AppError into its JSON and adds `Cache-Control: no-store` and the
shop's CORS headers (it also exempts the view from CSRF: the query is signed).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, JsonResponse

from renders import runs, selection, selectors, services
from seeitnow import storage
from seeitnow.http import AppError, json_ok, parse_json_body
from seeitnow.logging import get_request_id
from shops.auth import app_proxy_required

# =================================================================================
# Room sessions: room/upload, room/confirm
# =================================================================================


def _require_post(request: HttpRequest) -> None:
    if request.method != "POST":
        raise AppError("method_not_allowed", "Use POST.", 405)


@app_proxy_required
def room_upload(request: HttpRequest) -> JsonResponse:
    """Start a room session; answer with the signed upload URL."""
    _require_post(request)
    body = parse_json_body(request)
    result = services.room_session_create(
        shop=request.shop, content_type=body.get("content_type")
    )
    max_bytes = result.max_bytes
    return json_ok(
        {
            "room_session_id": str(result.room_session.id),
            "upload_url": result.upload.url,
            "upload_headers": result.upload.headers,
            "room_image_future_url": result.room_image_future_url,
            "content_type": result.content_type,
            "max_file_size_bytes": max_bytes,
            "max_file_size_mb": max_bytes // 2**20,
        }
    )


@app_proxy_required
def room_confirm(request: HttpRequest) -> JsonResponse:
    """Validate and canonicalise the uploaded room photo."""
    _require_post(request)
    body = parse_json_body(request)
    room = services.room_session_confirm(
        shop=request.shop,
        room_session_id=body.get("room_session_id"),
        crop_params=body.get("crop_params"),
    )
    return json_ok(
        {
            "ok": True,
            "room_session_id": str(room.id),
            "canonical_room_image_url": storage.signed_read_url(
                room.canonical_room_image_key
            ),
            "canonical_width": room.canonical_room_width,
            "canonical_height": room.canonical_room_height,
            "ratio_label": room.canonical_room_ratio_label,
        }
    )


# =================================================================================
# End of room sessions
# =================================================================================


@app_proxy_required(allowlist=False)
def not_found(request: HttpRequest) -> JsonResponse:
    """Any other path under the proxy: JSON 404, only once the request verified."""
    raise AppError("not_found", "Unknown storefront route.", 404)


# =================================================================================
# See-it-now renders: render, poll, select
# =================================================================================

RENDER_POLL_PATH = "see-it-now/render/{run_id}"


def _poll_url(request: HttpRequest, run_id: object) -> str:
    """The storefront path of the poll route (under the shop's signed proxy prefix)."""
    prefix = request.GET.get("path_prefix") or "/apps/see-it"
    return f"{prefix.rstrip('/')}/{RENDER_POLL_PATH.format(run_id=run_id)}"


@app_proxy_required
def render(request: HttpRequest) -> JsonResponse:
    """Start a run; wait for it (sync, default) or answer 202 at once (async)."""
    _require_post(request)
    render_request = runs.render_request_parse(body=parse_json_body(request))
    run = runs.render_start(
        shop=request.shop, request=render_request, request_id=get_request_id()
    )
    if not render_request.is_async:
        run = runs.render_run_wait(run=run, timeout_s=settings.RENDER_SYNC_WAIT_S)
    if not run.is_finished:
        public = selectors.render_run_public(run=run)
        status = "pending" if render_request.is_async else public["status"]
        return json_ok(
            {
                "run_id": str(run.id),
                "status": status,
                "poll_url": _poll_url(request, run.id),
            },
            status=202,
        )
    public = selectors.render_run_public(run=run)
    if not public["variants"]:
        raise AppError(
            "all_variants_failed", "No image could be rendered; please try again.", 422
        )
    return json_ok(public)


@app_proxy_required
def render_poll(request: HttpRequest, run_id: str) -> JsonResponse:
    """Progress of a run and the variants finished so far."""
    if request.method != "GET":
        raise AppError("method_not_allowed", "Use GET.", 405)
    run = selectors.render_run_get(shop=request.shop, run_id=run_id)
    return json_ok(selectors.render_run_public(run=run))


@app_proxy_required
def select(request: HttpRequest) -> JsonResponse:
    """Record the shopper's chosen variant, optionally upscaled."""
    _require_post(request)
    chosen = selection.render_select(shop=request.shop, body=parse_json_body(request))
    return json_ok(
        {
            "success": True,
            "render_job_id": str(chosen.job.id),
            "selected_variant": chosen.job.variant_id,
            "final_image_url": storage.signed_read_url(chosen.final_key),
            "upscaled": chosen.upscaled,
            "duration_ms": chosen.duration_ms,
            "version": runs.RENDER_VERSION,
        }
    )


@app_proxy_required
def added_to_cart(request: HttpRequest) -> JsonResponse:
    """The shopper added the chosen variant to the cart: count it for the merchant."""
    _require_post(request)
    job = selection.render_job_added_to_cart(
        shop=request.shop, body=parse_json_body(request)
    )
    return json_ok(
        {"success": True, "render_job_id": str(job.id), "variant_id": job.variant_id}
    )


# =================================================================================
# End of see-it-now renders
# =================================================================================
