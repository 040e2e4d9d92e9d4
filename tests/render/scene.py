"""A render-ready scene: a live product with its cutout and a confirmed room."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.utils import timezone
from PIL import Image, ImageDraw

from assets.models import AssetStatus, ProductAsset
from renders.models import RoomSession
from seeitnow import storage
from seeitnow.storage import keys
from shops.models import Shop
from tests.factories import make_ready_asset, make_room


def cutout_png(size: tuple[int, int] = (240, 320)) -> bytes:
    """A transparent PNG with an opaque product shape in the middle."""
    im = Image.new("RGBA", size, (0, 0, 0, 0))
    w, h = size
    ImageDraw.Draw(im).rectangle(
        (w // 5, h // 8, 4 * w // 5, h - 4), fill=(120, 80, 40, 255)
    )
    out = io.BytesIO()
    im.save(out, "PNG")
    return out.getvalue()


def room_jpeg(size: tuple[int, int] = (800, 600)) -> bytes:
    """A plain room-like JPEG: a wall over a floor."""
    im = Image.new("RGB", size, (200, 195, 185))
    w, h = size
    ImageDraw.Draw(im).rectangle((0, int(h * 0.7), w, h), fill=(150, 120, 90))
    out = io.BytesIO()
    im.save(out, "JPEG", quality=85)
    return out.getvalue()


@dataclass
class Scene:
    shop: Shop
    asset: ProductAsset
    room: RoomSession
    product_png: bytes
    room_jpg: bytes


def live_asset(*, shop: Shop, **fields) -> tuple[ProductAsset, bytes]:
    """A live default asset whose cutout is stored."""
    png = cutout_png()
    asset = make_ready_asset(shop=shop, status=AssetStatus.LIVE, enabled=True, **fields)
    asset.prepared_image_key = (
        f"shops/{shop.id}/products/{asset.product_id}/prepared-{asset.id}.png"
    )
    asset.save(update_fields=["prepared_image_key"])
    storage.save(asset.prepared_image_key, png, content_type="image/png")
    return asset, png


def confirmed_room(*, shop: Shop, **fields) -> tuple[RoomSession, bytes]:
    """A room session whose canonical 4:3 image is stored."""
    jpg = room_jpeg()
    room = make_room(shop=shop, **fields)
    key = keys.room_key(shop_id=shop.id, room_session_id=room.id, name="canonical.jpg")
    storage.save(key, jpg, content_type="image/jpeg")
    RoomSession.objects.filter(pk=room.pk).update(
        canonical_room_image_key=key,
        canonical_room_width=800,
        canonical_room_height=600,
        canonical_room_ratio_label="4:3",
        canonical_room_ratio_value=4 / 3,
        canonical_created_at=timezone.now(),
    )
    room.refresh_from_db()
    return room, jpg


def make_scene(*, shop: Shop) -> Scene:
    asset, png = live_asset(shop=shop)
    room, jpg = confirmed_room(shop=shop)
    return Scene(shop=shop, asset=asset, room=room, product_png=png, room_jpg=jpg)
