"""Room photo canonicalisation: sniff, cap, orient, crop, downscale, encode JPEG.

Pure functions on bytes; no storage, no database. The service layer maps the two
exceptions below to the storefront's `invalid_image` / `invalid_crop_params`.
"""

from __future__ import annotations

import io
import math
import threading
import warnings
from dataclasses import dataclass
from typing import Any

import pillow_heif
from django.conf import settings
from PIL import Image, ImageOps, UnidentifiedImageError

pillow_heif.register_heif_opener()

MAX_LONG_SIDE = 2048
JPEG_QUALITY = 90
# A JPEG decoded at 1/2, 1/4 or 1/8 scale may come out slightly under the cap (a
# 4032 px photo gives 2016 px at 1/2); accepting that instead of upscaling the
# half-size decode saves a full-resolution decode and a resample (see
# docs/BENCHMARKS.md). Never go under 7/8 of the target.
DRAFT_MIN_FRACTION = 0.875
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
# Gemini's supported aspect ratios (NOTES.md); the canonical room is one of them.
RATIOS: dict[str, float] = {
    "1:1": 1.0,
    "4:5": 4 / 5,
    "5:4": 5 / 4,
    "3:4": 3 / 4,
    "4:3": 4 / 3,
    "2:3": 2 / 3,
    "3:2": 3 / 2,
    "9:16": 9 / 16,
    "16:9": 16 / 9,
    "21:9": 21 / 9,
}
# The widget computes ratio_value itself; allow rounding, refuse a wrong label.
RATIO_VALUE_TOLERANCE = 0.02
_EPS = 1e-6
# A crop smaller than this on either side is not a room photo any more (a 1e-300
# rectangle rounded to a 1x1 canonical image before this floor).
MIN_CROP_SIDE_PX = 64
# The pixel cap counts RGB pixels; a decoded image costs width x height x bands
# bytes, so an RGBA image may have 3/4 of the cap's pixels.
BUDGET_BANDS = 3


class InvalidImage(ValueError):
    """The bytes are not an accepted, decodable image within the pixel cap."""


class InvalidCropParams(ValueError):
    """crop_params is malformed, out of range, or its rectangle is not its ratio."""


@dataclass(frozen=True)
class CropParams:
    ratio_label: str
    ratio_value: float
    x: float
    y: float
    w: float
    h: float

    def as_json(self) -> dict[str, Any]:
        return {
            "ratio_label": self.ratio_label,
            "ratio_value": self.ratio_value,
            "crop_rect_norm": {"x": self.x, "y": self.y, "w": self.w, "h": self.h},
        }


@dataclass(frozen=True)
class CanonicalImage:
    jpeg: bytes
    width: int
    height: int
    ratio_label: str
    ratio_value: float
    crop: dict[str, Any]
    source_format: str
    source_width: int
    source_height: int


def _number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidCropParams(f"{name} must be a number")
    number = float(value)
    if not math.isfinite(number):
        raise InvalidCropParams(f"{name} must be finite")
    return number


def parse_crop_params(raw: Any) -> CropParams | None:
    """Validated crop_params, None when absent. Raises InvalidCropParams."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise InvalidCropParams("crop_params must be an object")
    label = raw.get("ratio_label")
    if label not in RATIOS:
        raise InvalidCropParams(f"ratio_label must be one of {', '.join(RATIOS)}")
    value = _number(raw.get("ratio_value"), "ratio_value")
    if abs(value - RATIOS[label]) > RATIO_VALUE_TOLERANCE * RATIOS[label]:
        raise InvalidCropParams("ratio_value does not match ratio_label")
    rect = raw.get("crop_rect_norm")
    if not isinstance(rect, dict):
        raise InvalidCropParams("crop_rect_norm must be an object with x, y, w, h")
    x, y, w, h = (_number(rect.get(k), f"crop_rect_norm.{k}") for k in "xywh")
    if not all(0.0 <= v <= 1.0 for v in (x, y, w, h)):
        raise InvalidCropParams("crop_rect_norm values must be within [0, 1]")
    if w <= 0 or h <= 0 or x + w > 1 + _EPS or y + h > 1 + _EPS:
        raise InvalidCropParams("crop_rect_norm must be a non-empty rectangle inside")
    return CropParams(label, value, x, y, min(w, 1 - x), min(h, 1 - y))


def _check_crop_shape(crop: CropParams, width: int, height: int) -> None:
    """The rectangle's pixel shape on this image must be its label's ratio.

    The label is what the image model is told, so a strip labelled 16:9 would
    mislead it. Allow the widget's rounding: 2 %, or one whole pixel per side.
    """
    crop_w, crop_h = crop.w * width, crop.h * height
    if min(crop_w, crop_h) < MIN_CROP_SIDE_PX:
        raise InvalidCropParams(
            f"crop_rect_norm is {round(crop_w)}x{round(crop_h)} px; each side must "
            f"be at least {MIN_CROP_SIDE_PX} px."
        )
    ratio = RATIOS[crop.ratio_label]
    slack = max(RATIO_VALUE_TOLERANCE * crop_h * ratio, 1 + ratio)
    if abs(crop_w - crop_h * ratio) > slack:
        raise InvalidCropParams(
            f"crop_rect_norm is {round(crop_w)}x{round(crop_h)} px, "
            f"which is not {crop.ratio_label}."
        )


def nearest_ratio(width: int, height: int) -> str:
    """Label of the supported ratio closest to width:height (in log space)."""
    actual = math.log(width / height)
    return min(RATIOS, key=lambda label: abs(math.log(RATIOS[label]) - actual))


def _centre_crop(width: int, height: int, label: str) -> tuple[float, ...]:
    ratio = RATIOS[label]
    if width / height > ratio:
        crop_w, crop_h = min(width, max(1, round(height * ratio))), height
    else:
        crop_w, crop_h = width, min(height, max(1, round(width / ratio)))
    x = (width - crop_w) // 2
    y = (height - crop_h) // 2
    return x / width, y / height, crop_w / width, crop_h / height


def _open(data: bytes, max_pixels: int) -> Image.Image:
    try:
        with warnings.catch_warnings():
            # Our own cap below is the limit; Pillow's warning would only be noise.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except Image.DecompressionBombError as exc:
        raise InvalidImage(f"Image exceeds the limit of {max_pixels} pixels") from exc
    except (UnidentifiedImageError, OSError) as exc:
        raise InvalidImage("Not a JPEG, PNG, WebP, HEIC or HEIF image") from exc
    width, height = image.size
    if width < 1 or height < 1 or _decoded_size(image) > max_pixels * BUDGET_BANDS:
        raise InvalidImage(f"Image exceeds the limit of {max_pixels} pixels")
    return image


def _decoded_size(image: Image.Image) -> int:
    """Bytes of samples the decode allocates (a palette image with transparency
    is expanded to RGBA)."""
    bands = len(image.getbands())
    if image.mode == "P":
        bands = 4 if "transparency" in image.info else 3
    return image.width * image.height * bands


def _resizable(image: Image.Image) -> Image.Image:
    """A mode that LANCZOS can resample: RGB, or RGBA when there is transparency.

    RGB and RGBA (the usual photo and PNG) are kept as decoded: no full-size copy.
    """
    if image.mode in ("RGB", "RGBA"):
        return image
    has_alpha = image.mode in ("LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    return image.convert("RGBA" if has_alpha else "RGB")


def _flatten(image: Image.Image) -> Image.Image:
    """RGB with transparency composited on white (a black room would mislead).

    Called on the canonical-size result, so the copies here are small.
    """
    if image.mode != "RGBA":
        return image
    flat = Image.new("RGB", image.size, (255, 255, 255))
    flat.paste(image, mask=image.getchannel("A"))
    return flat


_slots_lock = threading.Lock()
_slots: threading.BoundedSemaphore | None = None


def _canonicalise_slots() -> threading.BoundedSemaphore:
    """Process-wide: at most IMAGE_CANONICALISE_CONCURRENCY decodes at a time, so
    N simultaneous uploads cannot each hold a full-size decode."""
    global _slots
    with _slots_lock:
        if _slots is None:
            _slots = threading.BoundedSemaphore(
                max(1, settings.IMAGE_CANONICALISE_CONCURRENCY)
            )
        return _slots


def canonicalise(
    data: bytes,
    *,
    crop: CropParams | None,
    max_pixels: int,
    max_long_side: int = MAX_LONG_SIDE,
) -> CanonicalImage:
    """Normalise a room photo to the canonical JPEG.

    Raises InvalidImage, or InvalidCropParams when the crop rectangle's shape on
    this image is not its ratio label.
    """
    image = _open(data, max_pixels)
    try:
        with _canonicalise_slots():
            return _canonicalise(image, crop=crop, max_long_side=max_long_side)
    except InvalidCropParams:
        raise
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        # Pillow reports truncated or corrupt data lazily, at decode time.
        raise InvalidImage("The image is truncated or corrupt") from exc
    finally:
        image.close()


def _canonicalise(
    image: Image.Image, *, crop: CropParams | None, max_long_side: int
) -> CanonicalImage:
    source_format = image.format or ""
    raw_w, raw_h = image.size
    orientation = image.getexif().get(0x0112, 1)
    swapped = orientation in (5, 6, 7, 8)
    width, height = (raw_h, raw_w) if swapped else (raw_w, raw_h)

    if crop is None:
        label = nearest_ratio(width, height)
        x, y, w, h = _centre_crop(width, height, label)
        crop = CropParams(label, RATIOS[label], x, y, w, h)
    else:
        _check_crop_shape(crop, width, height)
    crop_w, crop_h = crop.w * width, crop.h * height
    long_side = max(crop_w, crop_h)
    scale = min(1.0, max_long_side / long_side)

    if scale < 1.0:
        # Ask the JPEG decoder for the smallest DCT scale that keeps the crop at or
        # above DRAFT_MIN_FRACTION of the target; other formats ignore draft().
        floor = scale * DRAFT_MIN_FRACTION
        image.draft("RGB", (math.ceil(raw_w * floor), math.ceil(raw_h * floor)))
    image.load()

    # A CMYK or grey profile would mislabel the RGB output.
    icc_profile = (
        image.info.get("icc_profile") if image.mode in ("RGB", "RGBA") else None
    )
    if orientation != 1:
        ImageOps.exif_transpose(image, in_place=True)
    image = _resizable(image)
    decoded_w, decoded_h = image.size
    box = (
        crop.x * decoded_w,
        crop.y * decoded_h,
        (crop.x + crop.w) * decoded_w,
        (crop.y + crop.h) * decoded_h,
    )
    target = (max(1, round(crop_w * scale)), max(1, round(crop_h * scale)))
    decoded_crop = (box[2] - box[0], box[3] - box[1])
    if decoded_crop[0] < target[0] and decoded_crop[1] < target[1]:
        # The draft undershot the cap slightly: keep its pixels, never upscale.
        target = (max(1, round(decoded_crop[0])), max(1, round(decoded_crop[1])))
    if target == image.size:
        result = image
    elif target == (round(decoded_crop[0]), round(decoded_crop[1])):
        left = min(round(box[0]), decoded_w - target[0])
        top = min(round(box[1]), decoded_h - target[1])
        result = image.crop((left, top, left + target[0], top + target[1]))
    else:
        result = image.resize(target, Image.Resampling.LANCZOS, box=box)
    result = _flatten(result)
    # Nothing of the upload's metadata (EXIF with GPS, comments, XMP) is kept.
    result.info = {}

    out = io.BytesIO()
    params: dict[str, Any] = {"quality": JPEG_QUALITY}
    if icc_profile:
        params["icc_profile"] = icc_profile
    result.save(out, "JPEG", **params)
    return CanonicalImage(
        jpeg=out.getvalue(),
        width=result.width,
        height=result.height,
        ratio_label=crop.ratio_label,
        ratio_value=crop.ratio_value,
        crop=crop.as_json(),
        source_format=source_format,
        source_width=width,
        source_height=height,
    )


# Longest side kept of a shopper's original once its metadata is stripped: twice
# the canonical size, so a later re-crop loses nothing it would have kept.
ORIGINAL_LONG_SIDE = 2 * MAX_LONG_SIDE
# EXIF, XMP, IPTC and comments: where a phone puts GPS, device and owner.
_METADATA_KEYS = ("exif", "xmp", "XML:com.adobe.xmp", "comment", "photoshop")


def has_metadata(data: bytes, *, max_pixels: int) -> bool:
    """Whether the photo carries EXIF/XMP/IPTC/comment metadata (header only)."""
    image = _open(data, max_pixels)
    try:
        return bool(image.getexif()) or any(k in image.info for k in _METADATA_KEYS)
    finally:
        image.close()


def metadata_free(
    data: bytes, *, max_pixels: int, max_long_side: int = ORIGINAL_LONG_SIDE
) -> bytes:
    """The photo upright (its EXIF orientation applied) as a JPEG with no
    metadata at all, no longer than `max_long_side`. Raises InvalidImage."""
    image = _open(data, max_pixels)
    try:
        with _canonicalise_slots():
            raw_w, raw_h = image.size
            scale = min(1.0, max_long_side / max(raw_w, raw_h))
            if scale < 1.0:
                image.draft("RGB", (math.ceil(raw_w * scale), math.ceil(raw_h * scale)))
            image.load()
            upright = ImageOps.exif_transpose(_resizable(image))
            upright.thumbnail((max_long_side, max_long_side), Image.Resampling.LANCZOS)
            clean = _flatten(upright)
            # Pillow writes some of `info` back (the JPEG comment): start empty.
            clean.info = {}
            out = io.BytesIO()
            clean.save(out, "JPEG", quality=JPEG_QUALITY)
            return out.getvalue()
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise InvalidImage("The image is truncated or corrupt") from exc
    finally:
        image.close()
