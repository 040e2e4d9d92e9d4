"""Generated studio shots with a known product mask, for cutout tests."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageDraw, ImageFilter


def _vase(d, w, h, col):
    d.ellipse((w * 0.3, h * 0.3, w * 0.7, h * 0.85), fill=col)
    d.rectangle((w * 0.42, h * 0.15, w * 0.58, h * 0.4), fill=col)


def _chair(d, w, h, col):
    d.rectangle((w * 0.25, h * 0.2, w * 0.75, h * 0.5), fill=col)
    d.rectangle((w * 0.2, h * 0.5, w * 0.8, h * 0.6), fill=col)
    d.rectangle((w * 0.22, h * 0.6, w * 0.28, h * 0.86), fill=col)
    d.rectangle((w * 0.72, h * 0.6, w * 0.78, h * 0.86), fill=col)


def _lamp(d, w, h, col):
    shade = [(w * 0.3, h * 0.35), (w * 0.7, h * 0.35), (w * 0.6, h * 0.12),
             (w * 0.4, h * 0.12)]  # fmt: skip
    d.polygon(shade, fill=col)
    d.rectangle((w * 0.48, h * 0.35, w * 0.52, h * 0.8), fill=col)
    d.ellipse((w * 0.35, h * 0.78, w * 0.65, h * 0.86), fill=col)


def _cabinet(d, w, h, col):
    d.rounded_rectangle((w * 0.2, h * 0.3, w * 0.8, h * 0.84), radius=40, fill=col)


SHAPES = {"vase": _vase, "chair": _chair, "lamp": _lamp, "cabinet": _cabinet}


def studio_shot(
    shape: str,
    *,
    background=(255, 255, 255),
    colour=(170, 60, 40),
    size=(900, 1200),
    fmt="JPEG",
) -> tuple[bytes, np.ndarray]:
    """A product on a plain background with a soft floor shadow, and its mask."""
    w, h = size
    image = Image.new("RGB", size, background)
    shadow = Image.new("L", size, 0)
    ImageDraw.Draw(shadow).ellipse((w * 0.2, h * 0.78, w * 0.85, h * 0.9), fill=110)
    shadow = shadow.filter(ImageFilter.GaussianBlur(25))
    image.paste(Image.new("RGB", size, (60, 60, 60)), (0, 0), shadow)
    mask = Image.new("L", size, 0)
    SHAPES[shape](ImageDraw.Draw(image), w, h, colour)
    SHAPES[shape](ImageDraw.Draw(mask), w, h, 255)
    noise = np.random.default_rng(7).normal(0, 2, (h, w, 3))
    pixels = np.clip(np.asarray(image) + noise, 0, 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, fmt, quality=92)
    return buffer.getvalue(), np.asarray(mask) > 127


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()
