"""Write-side business logic of renders: room sessions and their retention."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from renders import rooms
from renders.models import RenderRun, RoomSession
from seeitnow import storage
from seeitnow.http import AppError
from shops.models import Shop

logger = logging.getLogger(__name__)

# ---------------------------------------------------------------------------------
# Room sessions (room/upload, room/confirm, retention)
# ---------------------------------------------------------------------------------

# Accepted upload content types, their normalised form and the original's extension.
ROOM_CONTENT_TYPES: dict[str, tuple[str, str]] = {
    "image/jpeg": ("image/jpeg", "jpg"),
    "image/jpg": ("image/jpeg", "jpg"),
    "image/png": ("image/png", "png"),
    "image/webp": ("image/webp", "webp"),
    "image/heic": ("image/heic", "heic"),
    "image/heif": ("image/heif", "heif"),
}
ROOM_CANONICAL_NAME = "canonical.jpg"


@dataclass(frozen=True)
class RoomUpload:
    room_session: RoomSession
    content_type: str
    upload: storage.SignedUpload
    room_image_future_url: str
    max_bytes: int


def room_content_type_normalise(*, content_type: Any) -> str:
    """`image/jpg` → `image/jpeg` etc. Raises AppError invalid_content_type."""
    if content_type is None or content_type == "":
        return "image/jpeg"
    if isinstance(content_type, str):
        value = content_type.split(";", 1)[0].strip().lower()
        if "/" not in value:
            value = f"image/{value}"
        if value in ROOM_CONTENT_TYPES:
            return ROOM_CONTENT_TYPES[value][0]
    raise AppError(
        "invalid_content_type",
        "content_type must be image/jpeg, image/png, image/webp, image/heic or "
        "image/heif.",
    )


def room_session_create(*, shop: Shop, content_type: Any) -> RoomUpload:
    """Start a room session, sign its upload. Raises AppError invalid_content_type."""
    normalised = room_content_type_normalise(content_type=content_type)
    extension = ROOM_CONTENT_TYPES[normalised][1]
    now = timezone.now()
    room = RoomSession(
        shop=shop,
        created_at=now,
        expires_at=now + timedelta(hours=settings.ROOM_SESSION_TTL_HOURS),
    )
    room.original_room_image_key = storage.room_key(
        shop_id=shop.id, room_session_id=room.id, name=f"room.{extension}"
    )
    room.save(force_insert=True)
    max_bytes = settings.ROOM_MAX_UPLOAD_BYTES
    upload = storage.signed_upload_url(
        room.original_room_image_key, content_type=normalised, max_bytes=max_bytes
    )
    return RoomUpload(
        room_session=room,
        content_type=normalised,
        upload=upload,
        room_image_future_url=storage.signed_read_url(room.original_room_image_key),
        max_bytes=max_bytes,
    )


def room_session_get(*, shop: Shop, room_session_id: Any) -> RoomSession:
    """The shop's live room session. Raises AppError invalid_session_id (400) or
    room_not_found (404: unknown, another shop's, or expired)."""
    try:
        room_id = uuid.UUID(str(room_session_id)) if room_session_id else None
    except ValueError:
        room_id = None
    if room_id is None or not isinstance(room_session_id, str):
        raise AppError("invalid_session_id", "room_session_id must be a UUID.")
    room = RoomSession.objects.filter(
        id=room_id, shop=shop, expires_at__gt=timezone.now()
    ).first()
    if room is None:
        raise AppError("room_not_found", "Room session not found.", 404)
    return room


def room_session_confirm(
    *, shop: Shop, room_session_id: Any, crop_params: Any = None
) -> RoomSession:
    """Canonicalise the uploaded room photo and store canonical.jpg (idempotent).

    Raises AppError invalid_session_id, room_not_found, invalid_crop_params,
    room_not_uploaded or invalid_image; nothing is written on failure.
    """
    room = room_session_get(shop=shop, room_session_id=room_session_id)
    try:
        crop = rooms.parse_crop_params(crop_params)
    except rooms.InvalidCropParams as exc:
        raise AppError("invalid_crop_params", str(exc)) from exc
    if room.canonical_room_image_key and (
        crop is None or crop.as_json() == room.canonical_room_crop
    ):
        return room

    max_bytes = settings.ROOM_MAX_UPLOAD_BYTES
    try:
        data = storage.read(room.original_room_image_key or "", max_bytes=max_bytes)
    except storage.ObjectNotFound as exc:
        raise AppError("room_not_uploaded", "Room image not uploaded yet") from exc
    except storage.ObjectTooLarge as exc:
        raise AppError(
            "invalid_image", f"The image is larger than {max_bytes // 2**20} MB."
        ) from exc
    try:
        canonical = rooms.canonicalise(
            data, crop=crop, max_pixels=settings.IMAGE_MAX_PIXELS
        )
    except rooms.InvalidCropParams as exc:
        raise AppError("invalid_crop_params", str(exc)) from exc
    except rooms.InvalidImage as exc:
        raise AppError("invalid_image", str(exc)) from exc

    key = storage.room_key(
        shop_id=shop.id, room_session_id=room.id, name=ROOM_CANONICAL_NAME
    )
    storage.save(key, canonical.jpeg, content_type="image/jpeg")
    now = timezone.now()
    room.canonical_room_image_key = key
    room.canonical_room_width = canonical.width
    room.canonical_room_height = canonical.height
    room.canonical_room_ratio_label = canonical.ratio_label
    room.canonical_room_ratio_value = canonical.ratio_value
    room.canonical_room_crop = canonical.crop
    room.canonical_created_at = now
    room.last_used_at = now
    # A copy of the previous canonical image at Gemini would be rendered instead.
    room.gemini_file_uri = None
    room.gemini_file_expires_at = None
    room.save(
        update_fields=[
            "canonical_room_image_key",
            "canonical_room_width",
            "canonical_room_height",
            "canonical_room_ratio_label",
            "canonical_room_ratio_value",
            "canonical_room_crop",
            "canonical_created_at",
            "last_used_at",
            "gemini_file_uri",
            "gemini_file_expires_at",
        ]
    )
    logger.info(
        "room canonicalised",
        extra={
            "operation": "room_confirm",
            "shop": shop.shop_domain,
            "room_session_id": str(room.id),
            "source_format": canonical.source_format,
            "source_size": [canonical.source_width, canonical.source_height],
            "canonical_size": [canonical.width, canonical.height],
        },
    )
    return room


def room_sessions_purge_expired(
    *, now: datetime | None = None, batch_size: int = 200
) -> dict[str, int]:
    """Delete expired room sessions with their room images and their runs' variant
    images, in batches; RenderRun/RenderJob rows stay. Returns the counts."""
    now = now or timezone.now()
    counts = {"room_sessions": 0, "room_files": 0, "runs": 0, "variant_files": 0}
    while True:
        batch = list(
            RoomSession.objects.filter(expires_at__lte=now)
            .order_by("expires_at")
            .values_list("id", "shop_id")[:batch_size]
        )
        if not batch:
            break
        room_ids = [room_id for room_id, _shop_id in batch]
        # Files first: if a deletion fails, the row stays and the next run retries.
        for room_id, shop_id in batch:
            counts["room_files"] += storage.delete_prefix(
                storage.room_key(shop_id=shop_id, room_session_id=room_id, name="")
            )
        run_ids = RenderRun.objects.filter(room_session_id__in=room_ids).values_list(
            "id", flat=True
        )
        for run_id in run_ids:
            counts["runs"] += 1
            counts["variant_files"] += storage.delete_prefix(
                storage.variant_prefix(run_id=run_id)
            )
        RoomSession.objects.filter(id__in=room_ids).delete()
        counts["room_sessions"] += len(room_ids)
    logger.info("expired rooms purged", extra={"operation": "room_retention", **counts})
    return counts
