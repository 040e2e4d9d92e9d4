"""Background removal for studio product shots, and manual cutout validation."""

from __future__ import annotations

import io
from dataclasses import dataclass

import cv2
import numpy as np
from django.conf import settings
from PIL import Image, ImageOps, UnidentifiedImageError

WORK_SIDE = 512  # the mask is found on a copy this size at most
BORDER_FRACTION = 0.03
# The border is "near-uniform" when this share of its pixels lies within
# BORDER_TOLERANCE (Lab distance) of its median colour.
BORDER_UNIFORM_SHARE = 0.85
BORDER_TOLERANCE = 18.0
# The border flood stops where the smoothed Lab image steps by more than this per
# pixel (lightness is lenient so soft shadows do not stop it), or by this many
# times the border's median step in a noisy photo.
EDGE_SMOOTH_SIGMA = 1.0
EDGE_LIGHTNESS_STEP = 3.0
EDGE_CHROMA_STEP = 1.0
EDGE_NOISE_FACTOR = 6.0
EDGE_CLOSE = 5  # outlines are thickened to this many px
EDGE_BAND = 3  # px either side of an outline that GrabCut may still move
GRABCUT_ITERATIONS = 3
MIN_FOREGROUND = 0.005
MAX_FOREGROUND = 0.97
FEATHER_PX = 2.0
MARGIN_FRACTION = 0.02
MANUAL_MAX_BYTES = 25 * 1024 * 1024
MANUAL_MIN_SIDE = 32


class CutoutError(Exception):
    """The image cannot be cut out; `code` is stable for the UI."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class CutoutResult:
    """A transparent PNG trimmed to the product, and where it was in the source."""

    png_bytes: bytes
    width: int
    height: int
    bbox: tuple[int, int, int, int]  # left, top, right, bottom in the source image
    foreground_ratio: float


def _open(data: bytes) -> tuple[Image.Image, str | None]:
    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > settings.IMAGE_MAX_PIXELS:
            raise CutoutError("invalid_image", "the image has too many pixels")
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise CutoutError("invalid_image", "the file is not a readable image") from exc
    return ImageOps.exif_transpose(image), image.format


def _border_mask(h: int, w: int) -> np.ndarray:
    band = max(2, round(min(h, w) * BORDER_FRACTION))
    mask = np.zeros((h, w), bool)
    mask[:band], mask[-band:], mask[:, :band], mask[:, -band:] = True, True, True, True
    return mask


def _reaches_border(passable: np.ndarray) -> np.ndarray:
    """The passable pixels connected (4-way, through passable ones) to the border."""
    _, labels = cv2.connectedComponents(passable.astype(np.uint8), connectivity=4)
    rim = np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])
    return np.isin(labels, np.unique(rim[rim > 0]))


def _edge_stopped_flood(lab: np.ndarray, border: np.ndarray) -> np.ndarray:
    """Pixels reachable from the border without crossing an edge (a magic wand)."""
    smooth = cv2.GaussianBlur(lab, (0, 0), EDGE_SMOOTH_SIGMA)
    steps = []
    for channel in cv2.split(smooth):
        dx = cv2.Sobel(channel, cv2.CV_32F, 1, 0, ksize=3) / 8
        dy = cv2.Sobel(channel, cv2.CV_32F, 0, 1, ksize=3) / 8
        steps.append(np.hypot(dx, dy))
    lightness_step, chroma_step = steps[0], np.hypot(steps[1], steps[2])
    # A soft shadow or the backdrop's sweep changes lightness slowly and keeps the
    # hue; an outline is a steep step. Thresholds rise with the photo's own noise.
    edges = (
        lightness_step
        > max(
            EDGE_LIGHTNESS_STEP, EDGE_NOISE_FACTOR * np.median(lightness_step[border])
        )
    ) | (
        chroma_step
        > max(EDGE_CHROMA_STEP, EDGE_NOISE_FACTOR * np.median(chroma_step[border]))
    )
    # Thicken the outlines so a one-pixel gap in them does not let the flood in.
    edges = cv2.dilate(edges.astype(np.uint8), np.ones((EDGE_CLOSE,) * 2, np.uint8))
    return _reaches_border(edges == 0)


def _foreground_mask(bgr: np.ndarray) -> np.ndarray:
    """A boolean foreground mask of a small BGR image: edge-stopped flood + GrabCut."""
    h, w = bgr.shape[:2]
    lab = cv2.cvtColor(bgr, cv2.COLOR_BGR2LAB).astype(np.float32)
    border = _border_mask(h, w)
    background = np.median(lab[border], axis=0)
    distance = np.linalg.norm(lab - background, axis=2)
    if (distance[border] < BORDER_TOLERANCE).mean() < BORDER_UNIFORM_SHARE:
        raise CutoutError(
            "no_separable_background",
            "the photo has no plain background to separate the product from",
        )
    # Whatever an edge encloses is the product, even a white lamp shade or a mirror's
    # grey glass; only the outline's exact course is left to GrabCut.
    inside = ~_edge_stopped_flood(lab, border) & ~border
    # A soft studio shadow is the background colour, darker, with the same hue; a
    # shadow the flood did not reach is left for GrabCut, never forced in.
    chroma = np.linalg.norm(lab[..., 1:] - background[1:], axis=2)
    shadow_like = (chroma < 8) & (lab[..., 0] > background[0] * 0.45)
    shadow = shadow_like & (lab[..., 0] < background[0])
    disk = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * EDGE_BAND + 1,) * 2)
    inside_u8 = inside.astype(np.uint8)
    near = cv2.dilate(inside_u8, disk).astype(bool)
    core = cv2.erode(inside_u8, disk).astype(bool)
    mask = np.full((h, w), cv2.GC_BGD, np.uint8)
    mask[near | (distance > BORDER_TOLERANCE * 2)] = cv2.GC_PR_BGD
    mask[inside & ~shadow] = cv2.GC_PR_FGD
    mask[(core | (distance > BORDER_TOLERANCE * 4)) & ~shadow_like] = cv2.GC_FGD
    mask[border] = cv2.GC_BGD
    if not (mask == cv2.GC_FGD).any() and not (mask == cv2.GC_PR_FGD).any():
        raise CutoutError(
            "no_separable_background", "no product stands out from the background"
        )
    # Far from the product everything is settled: run GrabCut on the rest only.
    ys, xs = np.nonzero(mask != cv2.GC_BGD)
    pad = EDGE_BAND * 4
    top, left = max(0, ys.min() - pad), max(0, xs.min() - pad)
    bottom, right = min(h, ys.max() + 1 + pad), min(w, xs.max() + 1 + pad)
    window = mask[top:bottom, left:right].copy()
    if (window == cv2.GC_BGD).any() and (window != cv2.GC_FGD).any():
        bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
        crop = np.ascontiguousarray(bgr[top:bottom, left:right])
        cv2.grabCut(
            crop, window, None, bgd, fgd, GRABCUT_ITERATIONS, cv2.GC_INIT_WITH_MASK
        )
    fg = np.zeros((h, w), np.uint8)
    fg[top:bottom, left:right] = (window == cv2.GC_FGD) | (window == cv2.GC_PR_FGD)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3))
    fg = cv2.morphologyEx(fg, cv2.MORPH_OPEN, kernel)
    fg = cv2.morphologyEx(fg, cv2.MORPH_CLOSE, kernel, iterations=2)
    # A region the background cannot reach is part of the product (a mirror's glass,
    # a pale inlay), however much its colour resembles the backdrop.
    fg = (~_reaches_border(fg == 0)).astype(np.uint8)
    # Drop specks: keep the components that are a real part of the product.
    count, labels, stats, _ = cv2.connectedComponentsWithStats(fg, connectivity=8)
    if count > 1:
        areas = stats[1:, cv2.CC_STAT_AREA]
        keep = 1 + np.flatnonzero(areas >= max(areas.max() * 0.05, 4))
        fg = np.isin(labels, keep).astype(np.uint8)
    return fg.astype(bool)


def remove_background(data: bytes) -> CutoutResult:
    """Cut the product out of a plain-background photo; raises CutoutError."""
    image = _open(data)[0].convert("RGB")
    full_w, full_h = image.size
    scale = min(1.0, WORK_SIDE / max(full_w, full_h))
    small = image.resize(
        (max(1, round(full_w * scale)), max(1, round(full_h * scale))),
        Image.Resampling.BILINEAR,
    )
    fg = _foreground_mask(cv2.cvtColor(np.asarray(small), cv2.COLOR_RGB2BGR))
    ratio = float(fg.mean())
    if not MIN_FOREGROUND <= ratio <= MAX_FOREGROUND:
        raise CutoutError(
            "no_separable_background",
            f"the product covers {ratio:.1%} of the photo: nothing to separate",
        )
    soft = cv2.resize(
        fg.astype(np.float32), (full_w, full_h), interpolation=cv2.INTER_LINEAR
    )
    sigma = FEATHER_PX * max(1.0, 1 / scale) ** 0.5
    alpha = cv2.GaussianBlur((soft >= 0.5).astype(np.float32), (0, 0), sigma)
    alpha_u8 = np.clip(alpha * 255 + 0.5, 0, 255).astype(np.uint8)
    ys, xs = np.nonzero(alpha_u8 > 8)
    margin = max(2, round(max(full_w, full_h) * MARGIN_FRACTION))
    bbox = (
        max(0, int(xs.min()) - margin),
        max(0, int(ys.min()) - margin),
        min(full_w, int(xs.max()) + 1 + margin),
        min(full_h, int(ys.max()) + 1 + margin),
    )
    rgba = image.convert("RGBA")
    rgba.putalpha(Image.fromarray(alpha_u8, "L"))
    cropped = rgba.crop(bbox)
    buffer = io.BytesIO()
    # Level 3: a noisy photo barely compresses; higher levels cost 4-15x the time.
    cropped.save(buffer, format="PNG", compress_level=3)
    return CutoutResult(
        png_bytes=buffer.getvalue(),
        width=cropped.width,
        height=cropped.height,
        bbox=bbox,
        foreground_ratio=round(ratio, 4),
    )


def validate_manual_cutout(data: bytes) -> CutoutResult:
    """Check a merchant's own cutout (PNG, real alpha); raises CutoutError."""
    if len(data) > MANUAL_MAX_BYTES:
        raise CutoutError("image_too_large", "the cutout is larger than 25 MB")
    image, fmt = _open(data)
    if fmt != "PNG":
        raise CutoutError("not_png", "a cutout must be a PNG file")
    if min(image.size) < MANUAL_MIN_SIDE:
        raise CutoutError("image_too_small", "the cutout is too small")
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if not has_alpha:
        raise CutoutError("no_alpha", "the PNG has no transparency (alpha channel)")
    rgba = image.convert("RGBA")
    alpha = np.asarray(rgba.getchannel("A"))
    if not (alpha < 16).any():
        raise CutoutError("no_transparency", "the PNG has no transparent pixels")
    if not (alpha > 240).any():
        raise CutoutError("no_opaque_pixels", "the PNG has no opaque pixels")
    ys, xs = np.nonzero(alpha > 8)
    bbox = (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)
    cropped = rgba.crop(bbox)
    buffer = io.BytesIO()
    cropped.save(buffer, format="PNG", optimize=True)
    return CutoutResult(
        png_bytes=buffer.getvalue(),
        width=cropped.width,
        height=cropped.height,
        bbox=bbox,
        foreground_ratio=round(float((alpha > 128).mean()), 4),
    )
