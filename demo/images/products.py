"""Studio product photos drawn in code: one object on a seamless backdrop."""

from __future__ import annotations

import zlib
from collections.abc import Callable

import numpy as np
from PIL import Image

from demo.images.decor import mirror, rug, table_lamp, vase
from demo.images.furniture import armchair, side_table
from demo.images.raster import (
    F32,
    Canvas,
    blur,
    ellipse,
    rgb,
    sensor_noise,
    vignette,
)

Shadow = tuple[float, float, float, float, float]  # cx, cy, rx, ry, strength (0..1000)


def _backdrop(size: int) -> Canvas:
    """Light grey seamless sweep: a touch darker at the top, slight vignette."""
    ys = np.linspace(0, 1, size, dtype=F32)[:, None]
    tone = 0.915 + 0.035 * np.clip((ys - 0.15) / 0.7, 0, 1) ** 1.5
    tone = np.broadcast_to(tone, (size, size)) * vignette((size, size), 0.05)
    base = rgb("#f2f1ee")
    return Canvas(tone[..., None] * base / base.max())


def _contact_shadow(canvas: Canvas, shadows: list[Shadow], scale: float) -> None:
    for cx, cy, rx, ry, strength in shadows:
        blur_px = max(min(ry * 0.9, 45) * scale, 3)
        box = (
            (cx - rx) * scale,
            (cy - ry) * scale,
            (cx + rx) * scale,
            (cy + ry) * scale,
        )
        patch = ellipse(box, pad=int(blur_px * 2.5))
        canvas.darken(patch.like(blur(patch.alpha, blur_px) * strength))


PAINTERS: dict[str, Callable[[Canvas, float, np.random.Generator], None]] = {
    "armchair": armchair,
    "side_table": side_table,
    "mirror": mirror,
    "table_lamp": table_lamp,
    "vase": vase,
    "rug": rug,
}
PRODUCT_KINDS = tuple(PAINTERS)
# Contact shadows on the backdrop, painted before the product.
SHADOWS: dict[str, list[Shadow]] = {
    "armchair": [
        (500, 805, 290, 26, 0.42),
        (238, 842, 26, 7, 0.5),
        (762, 842, 26, 7, 0.5),
        (500, 820, 330, 40, 0.18),
    ],
    "side_table": [(500, 830, 150, 22, 0.5), (500, 838, 240, 40, 0.2)],
    "mirror": [(528, 550, 318, 318, 0.2), (500, 150, 30, 30, 0.25)],
    "table_lamp": [(500, 878, 150, 18, 0.5), (500, 885, 230, 36, 0.18)],
    "vase": [(500, 870, 170, 20, 0.5), (500, 876, 240, 38, 0.2)],
    "rug": [(500, 548, 345, 222, 0.14)],
}


def product_photo(kind: str, size: int = 1024) -> tuple[Image.Image, Image.Image]:
    """A studio photo (RGB) of one product and its object mask (L, 255 = product)."""
    painter = PAINTERS.get(kind)
    if painter is None:
        raise ValueError(
            f"unknown product kind {kind!r}; expected one of {', '.join(PRODUCT_KINDS)}"
        )
    rng = np.random.default_rng(zlib.crc32(kind.encode()))
    canvas = _backdrop(size)
    scale = size / 1000
    _contact_shadow(canvas, SHADOWS[kind], scale)
    painter(canvas, scale, rng)
    sensor_noise(canvas.rgb, rng, 0.006)
    mask = Image.fromarray(
        (np.clip(canvas.mask, 0, 1) * 255 + 0.5).astype(np.uint8), "L"
    )
    return canvas.image(), mask
