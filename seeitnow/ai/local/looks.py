"""What the local extractor can see in a product photo: its main colour and outline.

The Gemini extractor writes `identity.visual_description` from the images; the
local stand-in reads the first one just enough for a sentence like "A dark green
velvet armchair, wider than it is tall." The product is the pixels unlike the
photo's border (the studio background), or the opaque ones of a cutout.
"""

from __future__ import annotations

import colorsys
import io
import statistics

from PIL import Image, UnidentifiedImageError

# Small enough to be instant, large enough for a silhouette.
_SIDE = 96
_BORDER = 3
# How far (0-255 per channel, summed) a pixel must be from the background.
_FOREGROUND_DISTANCE = 60
# Below this share of foreground pixels the product fills the frame.
_MIN_FOREGROUND = 0.05

_HUES = (
    (15, "red"),
    (40, "orange"),
    (65, "yellow"),
    (165, "green"),
    (200, "teal"),
    (255, "blue"),
    (290, "purple"),
    (345, "pink"),
    (360, "red"),
)


def colour_name(rgb: tuple[float, float, float]) -> str:
    """A plain English name for an RGB colour ("dark green", "light grey")."""
    h, s, v = colorsys.rgb_to_hsv(*(c / 255 for c in rgb))
    if s < 0.18 or v < 0.12:
        for floor, name in ((0.88, "white"), (0.66, "light grey"), (0.4, "grey")):
            if v >= floor:
                return name
        return "dark grey" if v >= 0.2 else "black"
    hue = next(name for limit, name in _HUES if h * 360 < limit)
    # Wood, leather, terracotta: warm hues that are not bright are browns.
    dull = 0.6 if hue == "red" else 0.75
    if hue in ("red", "orange", "yellow") and v < dull and s > 0.3:
        return "dark brown" if v < 0.35 else "brown"
    if hue in ("orange", "yellow") and s < 0.45 and v >= 0.6:
        return "beige"
    if v < 0.4:
        return f"dark {hue}"
    if v > 0.85 and s < 0.45:
        return f"light {hue}"
    return hue


def _pixels(data: bytes) -> tuple[list[tuple[int, int, int]], list[bool], int]:
    """The photo's pixels at _SIDE px, which are the product, and its width."""
    with Image.open(io.BytesIO(data)) as image:
        image.draft("RGB", (_SIDE * 2, _SIDE * 2))
        image.thumbnail((_SIDE, _SIDE))
        rgba = image.convert("RGBA")
    width, height = rgba.size
    pixels = list(rgba.get_flattened_data())
    rgb = [p[:3] for p in pixels]
    if any(p[3] < 128 for p in pixels):
        # A cutout: the product is what is opaque.
        return rgb, [p[3] >= 128 for p in pixels], width
    border = [
        rgb[y * width + x]
        for y in range(height)
        for x in range(width)
        if x < _BORDER or y < _BORDER or x >= width - _BORDER or y >= height - _BORDER
    ]
    background = tuple(statistics.median(p[i] for p in border) for i in range(3))
    mask = [
        sum(abs(c - b) for c, b in zip(p, background, strict=True))
        > _FOREGROUND_DISTANCE
        for p in rgb
    ]
    if sum(mask) < _MIN_FOREGROUND * len(mask):
        mask = [True] * len(mask)
    return rgb, mask, width


def describe_looks(data: bytes, *, kind: str, material: str) -> str:
    """One sentence on the product in the photo `data`; "" when it can't be read.

    `kind` and `material` come from the text ("armchair", "velvet"; "unknown" and
    "mixed" are left out of the sentence)."""
    try:
        rgb, mask, width = _pixels(data)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return ""
    product = [p for p, inside in zip(rgb, mask, strict=True) if inside]
    colour = colour_name(
        tuple(statistics.median(p[i] for p in product) for i in range(3))
    )
    inside = [i for i, flag in enumerate(mask) if flag]
    xs = [i % width for i in inside]
    ys = [i // width for i in inside]
    ratio = (max(ys) - min(ys) + 1) / (max(xs) - min(xs) + 1)
    words = [colour]
    if material not in ("unknown", "mixed", ""):
        words.append(material)
    words.append(kind if kind not in ("unknown", "") else "product")
    sentence = " ".join(words)
    article = "An" if sentence[0] in "aeiou" else "A"
    if ratio > 1.3:
        shape = ", taller than it is wide"
    elif ratio < 1 / 1.3:
        shape = ", wider than it is tall"
    else:
        shape = ""
    return f"{article} {sentence}{shape}."
