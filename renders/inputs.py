"""What the storefront sends, parsed into typed values before any service runs.

Each parser takes a decoded JSON body and raises AppError with the SPEC §5 code
of the first problem; services never see a request body.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from renders.imaging import CropParams, InvalidCropParams, parse_crop_params
from seeitnow.http import AppError, parse_uuid
from shops.ids import product_id_numeric, variant_id_numeric

# Accepted upload content types, their normalised form and the original's extension.
ROOM_CONTENT_TYPES: dict[str, tuple[str, str]] = {
    "image/jpeg": ("image/jpeg", "jpg"),
    "image/jpg": ("image/jpeg", "jpg"),
    "image/png": ("image/png", "png"),
    "image/webp": ("image/webp", "webp"),
    "image/heic": ("image/heic", "heic"),
    "image/heif": ("image/heif", "heif"),
}
_VARIANT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class RoomConfirmInput:
    room_session_id: uuid.UUID
    crop: CropParams | None


@dataclass(frozen=True)
class RenderInput:
    room_session_id: uuid.UUID
    product_id: str
    is_async: bool
    # The shopper's selected product variant (numeric), when the theme sent one.
    variant_id: str | None = None


@dataclass(frozen=True)
class SelectInput:
    room_session_id: uuid.UUID
    variant_id: str
    product_id: str
    upscale: bool
    session_id: str


def room_content_type_parse(value: Any) -> str:
    """`image/jpg` → `image/jpeg` etc. (default JPEG); AppError invalid_content_type."""
    if value is None or value == "":
        return "image/jpeg"
    if isinstance(value, str):
        normalised = value.split(";", 1)[0].strip().lower()
        if "/" not in normalised:
            normalised = f"image/{normalised}"
        if normalised in ROOM_CONTENT_TYPES:
            return ROOM_CONTENT_TYPES[normalised][0]
    raise AppError(
        "invalid_content_type",
        "content_type must be image/jpeg, image/png, image/webp, image/heic or "
        "image/heif.",
    )


def room_confirm_parse(body: dict[str, Any]) -> RoomConfirmInput:
    """room/confirm: invalid_session_id, then invalid_crop_params."""
    room_session_id = parse_uuid(
        body.get("room_session_id"),
        code="invalid_session_id",
        message="room_session_id must be a UUID.",
    )
    try:
        crop = parse_crop_params(body.get("crop_params"))
    except InvalidCropParams as exc:
        raise AppError("invalid_crop_params", str(exc)) from exc
    return RoomConfirmInput(room_session_id=room_session_id, crop=crop)


def _room_session_id(value: Any) -> uuid.UUID:
    if value in (None, ""):
        raise AppError("missing_room_session", "room_session_id is required.")
    return parse_uuid(
        value,
        code="missing_room_session",
        message="room_session_id must be a room session id.",
    )


def _product_id(value: Any) -> str:
    if value in (None, ""):
        raise AppError("missing_product_id", "product_id is required.")
    numeric = product_id_numeric(value)
    if numeric is None:
        raise AppError("missing_product_id", "product_id must be a Shopify product id.")
    return numeric


def _product_variant_id(value: Any) -> str | None:
    if value in (None, ""):
        return None
    numeric = variant_id_numeric(value)
    if numeric is None:
        raise AppError(
            "invalid_variant_id",
            "variant_id must be a Shopify product variant id.",
        )
    return numeric


def render_parse(body: dict[str, Any]) -> RenderInput:
    """see-it-now/render: missing_room_session, missing_product_id, then
    invalid_variant_id (the optional product variant)."""
    return RenderInput(
        room_session_id=_room_session_id(body.get("room_session_id")),
        product_id=_product_id(body.get("product_id")),
        is_async=body.get("async") is True,
        variant_id=_product_variant_id(body.get("variant_id")),
    )


def select_parse(body: dict[str, Any]) -> SelectInput:
    """see-it-now/select: missing_room_session, invalid_variant_id, then
    missing_product_id. `selected_image_url` is ignored on purpose: it is never
    fetched (SSRF); the variant's own stored image is what gets chosen."""
    room_session_id = _room_session_id(body.get("room_session_id"))
    variant_id = body.get("selected_variant_id")
    if not isinstance(variant_id, str) or not _VARIANT_ID.match(variant_id):
        raise AppError(
            "invalid_variant_id", "selected_variant_id is missing or malformed."
        )
    return SelectInput(
        room_session_id=room_session_id,
        variant_id=variant_id,
        product_id=_product_id(body.get("product_id")),
        upscale=body.get("upscale") is True,
        session_id=str(body.get("session_id") or "")[:128],
    )


def cart_parse(body: dict[str, Any]) -> uuid.UUID:
    """see-it-now/cart: the render job id select returned; invalid_render_job."""
    return parse_uuid(
        body.get("render_job_id"),
        code="invalid_render_job",
        message="render_job_id must be the id select returned.",
    )


def run_id_parse(value: Any) -> uuid.UUID:
    """A run id in the poll path; a malformed one is as unknown as a missing run."""
    return parse_uuid(
        value, code="run_not_found", message="Render run not found.", status=404
    )


@dataclass(frozen=True)
class PollInput:
    after: int
    wait_s: float


def poll_parse(query: Any, *, max_wait_s: float) -> PollInput:
    """The poll's optional `after` (variants the widget has) and `wait` (seconds
    to hold for more, capped at `max_wait_s`); without them it answers at once.
    Raises AppError invalid_poll_params."""
    try:
        after = int(query.get("after") or 0)
        wait_s = float(query.get("wait") or 0)
    except (TypeError, ValueError):
        after, wait_s = -1, -1.0
    if not (0 <= after <= 64) or not (0 <= wait_s < float("inf")):
        raise AppError(
            "invalid_poll_params", "after and wait must be non-negative numbers."
        )
    return PollInput(after=after, wait_s=min(wait_s, max_wait_s))
