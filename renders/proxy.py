"""Storefront endpoints behind the Shopify App Proxy (SPEC §5).

`app_proxy_required` verifies the signature, sets `request.shop`, answers OPTIONS
with 204, turns AppError into its JSON and adds `Cache-Control: no-store` and the
shop's CORS headers (it also exempts the view from CSRF: the query is signed).
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse

from renders import services
from seeitnow import storage
from seeitnow.http import AppError, json_ok, parse_json_body
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
