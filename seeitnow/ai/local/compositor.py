"""Pillow compositor: the product cutout placed into the room photo (SPEC §8)."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFilter, ImageOps, ImageStat

# The local renderer cannot see the room's geometry, so it assumes a standard
# interior: 260 cm of wall visible over this fraction of the image height at the
# depth where products are placed.
ROOM_HEIGHT_CM = 260.0
ROOM_HEIGHT_FRACTION = 0.8
# Rugs are photographed from above; on the floor they are seen at a grazing angle.
RUG_SQUASH = 0.35
# Largest dimension assumed per relative scale class when no dimension is known.
DEFAULT_SIZE_CM = {
    "tiny": 10.0,
    "small": 30.0,
    "medium": 70.0,
    "large": 130.0,
    "oversized": 220.0,
    "architectural": 250.0,
    "unknown": 60.0,
}


@dataclass(frozen=True)
class VariantPlan:
    """Where (anchor x, fraction of width) and how large (factor) a variant is."""

    anchor_x: float
    scale: float
    secondary: bool = False


# V02/V03 bracket V01 by ±20 %, V05 brackets V04; V04-V06 use other anchors;
# V07/V08 keep the primary placement with slight, visible shifts.
VARIANT_PLANS = {
    "V01": VariantPlan(0.50, 1.00),
    "V02": VariantPlan(0.50, 0.80),
    "V03": VariantPlan(0.50, 1.20),
    "V04": VariantPlan(0.27, 1.00, secondary=True),
    "V05": VariantPlan(0.27, 0.80, secondary=True),
    "V06": VariantPlan(0.74, 1.00),
    "V07": VariantPlan(0.40, 1.05),
    "V08": VariantPlan(0.58, 0.92),
}


def _mode(facts: dict, secondary: bool) -> str:
    modes = [m["mode"] for m in facts.get("placement", {}).get("allowed_modes", [])]
    if not modes:
        return "floor"
    return modes[1] if secondary and len(modes) > 1 else modes[0]


def _target_size(
    facts: dict, cutout: Image.Image, mode: str, px_per_cm: float
) -> tuple[int, int]:
    """Product size in pixels from its dimensions, keeping the cutout's aspect."""
    aspect = cutout.height / cutout.width
    dims = facts.get("dimensions_cm", {}) or {}
    h, w = dims.get("h"), dims.get("w")
    diameter = dims.get("diameter")
    if mode == "rug":
        across = w or diameter or dims.get("d")
        if across is None:
            across = DEFAULT_SIZE_CM[
                facts.get("relative_scale", {}).get("class", "unknown")
            ]
        width = across * px_per_cm
        return round(width), round(width * aspect * RUG_SQUASH)
    if h is not None and mode != "ceiling":
        height = h * px_per_cm
        return round(height / aspect), round(height)
    if w is not None or diameter is not None:
        width = (w or diameter) * px_per_cm
        return round(width), round(width * aspect)
    largest = DEFAULT_SIZE_CM[facts.get("relative_scale", {}).get("class", "unknown")]
    if aspect >= 1:
        return round(largest * px_per_cm / aspect), round(largest * px_per_cm)
    return round(largest * px_per_cm), round(largest * px_per_cm * aspect)


def _bottom_y(mode: str, room_h: int, height: int) -> int:
    """Where the product's base sits, by placement mode."""
    if mode in ("floor", "leaning"):
        return round(room_h * 0.90)
    if mode == "rug":
        return round(room_h * 0.97)
    if mode in ("tabletop", "shelf"):
        return round(room_h * 0.64)
    if mode == "ceiling":
        return round(room_h * 0.02) + height
    return round(room_h * 0.40) + height // 2  # wall: centred at the upper middle


def _match_light(cutout: Image.Image, room: Image.Image, box: tuple) -> Image.Image:
    """Pull the cutout's mean colour part of the way toward the room's near the spot."""
    rgb, alpha = cutout.convert("RGB"), cutout.getchannel("A")
    product_mean = ImageStat.Stat(
        rgb, mask=alpha.point(lambda a: 255 if a > 128 else 0)
    ).mean
    room_mean = ImageStat.Stat(room.crop(box)).mean
    factors = []
    for p, r in zip(product_mean, room_mean, strict=True):
        ratio = (max(r, 1.0) / max(p, 1.0)) ** 0.3
        factors.append(min(1.25, max(0.75, ratio)))
    bands = [
        band.point(lambda v, f=f: min(255, round(v * f)))
        for band, f in zip(rgb.split(), factors, strict=True)
    ]
    matched = Image.merge("RGB", bands)
    matched.putalpha(alpha)
    return matched


def _shadow(size: tuple[int, int], mode: str, product: Image.Image, at: tuple) -> tuple:
    """A soft shadow layer (RGBA, room-sized) under or behind the product."""
    layer = Image.new("L", size, 0)
    x, y = at
    w, h = product.size
    if mode == "wall":
        offset = max(3, w // 40)
        silhouette = product.getchannel("A").point(lambda a: a * 90 // 255)
        layer.paste(silhouette, (x + offset, y + offset))
        radius = max(4, w // 30)
    else:
        ew, eh = w * 0.55, max(6, h * (0.25 if mode == "rug" else 0.07))
        cx, cy = x + w / 2, y + h - (h * 0.1 if mode == "rug" else eh * 0.2)
        ImageDraw.Draw(layer).ellipse((cx - ew, cy - eh, cx + ew, cy + eh), fill=120)
        radius = max(5, round(eh * 0.9))
    return layer.filter(ImageFilter.GaussianBlur(radius))


def composite(
    *, product_png: bytes, room_jpeg: bytes, facts: dict, variant_id: str
) -> bytes:
    """The room with the product placed per the variant's plan, as JPEG bytes."""
    room = ImageOps.exif_transpose(Image.open(io.BytesIO(room_jpeg))).convert("RGB")
    cutout = Image.open(io.BytesIO(product_png)).convert("RGBA")
    bbox = cutout.getchannel("A").getbbox()
    if bbox is None:
        raise ValueError("the product cutout is fully transparent")
    cutout = cutout.crop(bbox)
    plan = VARIANT_PLANS[variant_id]
    mode = _mode(facts, plan.secondary)
    room_w, room_h = room.size
    px_per_cm = room_h * ROOM_HEIGHT_FRACTION / ROOM_HEIGHT_CM
    if mode in ("tabletop", "shelf"):
        px_per_cm *= 0.8  # the table top stands further back than the floor front
    width, height = _target_size(facts, cutout, mode, px_per_cm)
    width, height = (
        max(1, round(width * plan.scale)),
        max(1, round(height * plan.scale)),
    )
    # Scale down rather than crop: the product always fits inside the frame.
    fit = min(1.0, room_w * 0.9 / width, room_h * 0.85 / height)
    width, height = max(4, round(width * fit)), max(4, round(height * fit))
    product = cutout.resize((width, height), Image.Resampling.LANCZOS)

    bottom = min(room_h - 1, _bottom_y(mode, room_h, height))
    top = max(0, bottom - height)
    left = round(room_w * plan.anchor_x - width / 2)
    left = min(max(0, left), room_w - width)
    box = (
        max(0, left - width // 4),
        max(0, top - height // 4),
        min(room_w, left + width + width // 4),
        min(room_h, top + height + height // 4),
    )
    product = _match_light(product, room, box)
    shadow = _shadow(room.size, mode, product, (left, top))
    out = room.copy()
    out.paste(Image.new("RGB", room.size, (20, 18, 16)), (0, 0), shadow)
    out.paste(product, (left, top), product)
    buffer = io.BytesIO()
    out.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def upscale_jpeg(data: bytes, *, factor: int = 2, max_side: int = 4096) -> bytes:
    """LANCZOS upscale (long side capped) with an unsharp mask, JPEG q 92."""
    image = ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB")
    scale = max(1.0, min(float(factor), max_side / max(image.size)))
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    if size != image.size:
        image = image.resize(size, Image.Resampling.LANCZOS)
    image = image.filter(ImageFilter.UnsharpMask(radius=2, percent=80, threshold=2))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=92)
    return buffer.getvalue()
