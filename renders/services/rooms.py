"""Write-side business logic of renders: room sessions and their retention."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_q.tasks import async_task

from renders import imaging
from renders.inputs import ROOM_CONTENT_TYPES
from renders.models import RenderRun, RoomSession
from renders.renderer import with_file_uri
from renders.selectors import room_session_live
from seeitnow import storage
from seeitnow.ai import ImageInput, get_provider
from seeitnow.db import model_update
from seeitnow.http import AppError
from seeitnow.logging import get_request_id
from seeitnow.storage import keys
from shops.models import Shop

logger = logging.getLogger(__name__)

ROOM_CANONICAL_NAME = "canonical.jpg"
ROOM_UPLOAD_TASK = "renders.tasks.room_upload_to_provider"
ROOM_STRIP_TASK = "renders.tasks.room_strip_original"


@dataclass(frozen=True)
class RoomUpload:
    room_session: RoomSession
    content_type: str
    upload: storage.SignedUpload
    room_image_future_url: str
    max_bytes: int


def _room_session_new(*, shop: Shop, content_type: str) -> RoomSession:
    extension = ROOM_CONTENT_TYPES[content_type][1]
    now = timezone.now()
    room = RoomSession(
        shop=shop,
        created_at=now,
        expires_at=now + timedelta(hours=settings.ROOM_SESSION_TTL_HOURS),
    )
    room.original_room_image_key = keys.room_key(
        shop_id=shop.id, room_session_id=room.id, name=f"room.{extension}"
    )
    room.save(force_insert=True)
    return room


def room_session_create(*, shop: Shop, content_type: str) -> RoomUpload:
    """Start a room session and sign its upload (`content_type` is normalised)."""
    room = _room_session_new(shop=shop, content_type=content_type)
    max_bytes = settings.ROOM_MAX_UPLOAD_BYTES
    upload = storage.signed_upload_url(
        room.original_room_image_key, content_type=content_type, max_bytes=max_bytes
    )
    return RoomUpload(
        room_session=room,
        content_type=content_type,
        upload=upload,
        room_image_future_url=storage.signed_read_url(room.original_room_image_key),
        max_bytes=max_bytes,
    )


def room_session_from_photo(
    *, shop: Shop, data: bytes, content_type: str
) -> RoomSession:
    """A confirmed room session from a photo the merchant sent the app directly
    (a test render), with the storefront's size limit and canonicalisation.

    Raises AppError invalid_image (nothing kept) like room/confirm.
    """
    max_bytes = settings.ROOM_MAX_UPLOAD_BYTES
    if len(data) > max_bytes:
        raise AppError(
            "invalid_image", f"The image is larger than {max_bytes // 2**20} MB."
        )
    with transaction.atomic():
        room = _room_session_new(shop=shop, content_type=content_type)
        storage.save(room.original_room_image_key, data, content_type=content_type)
        try:
            return room_session_confirm(shop=shop, room_session_id=room.id)
        except AppError:
            storage.delete_prefix(
                keys.room_prefix(shop_id=shop.id, room_session_id=room.id)
            )
            raise


def room_session_confirm(
    *, shop: Shop, room_session_id: uuid.UUID, crop: imaging.CropParams | None = None
) -> RoomSession:
    """Canonicalise the uploaded room photo and store canonical.jpg (idempotent).

    Raises AppError room_not_found, room_not_uploaded, invalid_image or
    invalid_crop_params (a rectangle whose shape misses its label); nothing is
    written on failure.
    """
    room = room_session_live(shop=shop, room_session_id=room_session_id)
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
        canonical = imaging.canonicalise(
            data, crop=crop, max_pixels=settings.IMAGE_MAX_PIXELS
        )
    except imaging.InvalidCropParams as exc:
        raise AppError("invalid_crop_params", str(exc)) from exc
    except imaging.InvalidImage as exc:
        raise AppError("invalid_image", str(exc)) from exc

    key = keys.room_key(
        shop_id=shop.id, room_session_id=room.id, name=ROOM_CANONICAL_NAME
    )
    storage.save(key, canonical.jpeg, content_type="image/jpeg")
    now = timezone.now()
    model_update(
        instance=room,
        data={
            "canonical_room_image_key": key,
            "canonical_room_width": canonical.width,
            "canonical_room_height": canonical.height,
            "canonical_room_ratio_label": canonical.ratio_label,
            "canonical_room_ratio_value": canonical.ratio_value,
            "canonical_room_crop": canonical.crop,
            "canonical_created_at": now,
            "last_used_at": now,
            # A copy of the previous canonical image at Gemini would be rendered.
            "gemini_file_uri": None,
            "gemini_file_expires_at": None,
        },
    )
    # The original keeps EXIF (GPS, device) until a task rewrites it without.
    transaction.on_commit(
        lambda: async_task(ROOM_STRIP_TASK, str(room.id), task_name="room metadata")
    )
    if get_provider().caches_files:
        request_id = get_request_id()
        # Ahead of the shopper's first render, off the request: no render waits
        # for the room's upload to the provider's file store.
        transaction.on_commit(
            lambda: async_task(
                ROOM_UPLOAD_TASK,
                str(room.id),
                request_id,
                task_name=f"room upload {room.id}",
            )
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


def room_session_upload_to_provider(*, room_session_id: uuid.UUID) -> str | None:
    """Put the room's canonical image in the provider's file store (Gemini's
    Files API) and remember its URI; the URI, or None when there is nothing to
    do (expired, not confirmed, a provider without a store) or it failed."""
    room = RoomSession.objects.filter(
        pk=room_session_id, expires_at__gt=timezone.now()
    ).first()
    if room is None or not room.canonical_room_image_key:
        return None
    try:
        data = storage.read(
            room.canonical_room_image_key, max_bytes=settings.FETCH_MAX_BYTES
        )
    except storage.ObjectNotFound:
        return None
    image = with_file_uri(
        provider=get_provider(),
        image=ImageInput(data=data, mime_type="image/jpeg"),
        owner=room,
    )
    return image.file_uri


def room_session_strip_original(*, room_session_id: uuid.UUID) -> bool:
    """Rewrite the shopper's original photo without its metadata (EXIF with GPS,
    device, XMP, comments), upright, so nothing but pixels stays for the 24 h the
    room lives; True when it was rewritten (False: gone, or nothing to strip)."""
    room = RoomSession.objects.filter(pk=room_session_id).first()
    key = room.original_room_image_key if room is not None else None
    if not key:
        return False
    try:
        data = storage.read(key, max_bytes=settings.ROOM_MAX_UPLOAD_BYTES)
        if not imaging.has_metadata(data, max_pixels=settings.IMAGE_MAX_PIXELS):
            return False
        clean = imaging.metadata_free(data, max_pixels=settings.IMAGE_MAX_PIXELS)
    except (storage.ObjectNotFound, storage.ObjectTooLarge, imaging.InvalidImage):
        return False
    storage.save(key, clean, content_type="image/jpeg")
    return True


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
                keys.room_prefix(shop_id=shop_id, room_session_id=room_id)
            )
        run_ids = RenderRun.objects.filter(room_session_id__in=room_ids).values_list(
            "id", flat=True
        )
        for run_id in run_ids:
            counts["runs"] += 1
            counts["variant_files"] += storage.delete_prefix(
                keys.variant_prefix(run_id=run_id)
            )
        RoomSession.objects.filter(id__in=room_ids).delete()
        counts["room_sessions"] += len(room_ids)
    logger.info("expired rooms purged", extra={"operation": "room_retention", **counts})
    return counts
