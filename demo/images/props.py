"""Small room props drawn in perspective: a potted plant and a table lamp."""

from __future__ import annotations

import numpy as np

from demo.images.raster import (
    F32,
    ellipse,
    lathe,
    polygon,
    rgb,
    shade,
)
from demo.images.scene import Room


def plant(room: Room, x: float, z: float, height: float) -> None:
    canvas = room.canvas
    scale = room.f / z
    room.floor_shadow((x - 0.2, x + 0.2), (z - 0.1, z + 0.2), 0.35)
    # Its own generator: the leaf layout stays the same whatever is drawn before.
    leaves_rng = np.random.default_rng(11)
    base_x, base_y = room.p(x, 0.42, z)
    for k in range(46):
        angle = leaves_rng.uniform(-2.6, -0.5)
        reach = leaves_rng.uniform(0.25, 1.0) * height * scale
        cx = base_x + np.cos(angle) * reach * 0.55
        cy = base_y + np.sin(angle) * reach
        length, width = (
            leaves_rng.uniform(0.16, 0.26) * scale,
            leaves_rng.uniform(0.07, 0.11) * scale,
        )
        tilt = angle + leaves_rng.uniform(-0.6, 0.6)
        ca, sa = np.cos(tilt), np.sin(tilt)
        pts = [
            (
                cx + ca * length * np.cos(t) * 0.5 - sa * width * np.sin(t) * 0.5,
                cy + sa * length * np.cos(t) * 0.5 + ca * width * np.sin(t) * 0.5,
            )
            for t in np.linspace(0, 2 * np.pi, 18)
        ]
        patch = polygon(pts)
        # Later leaves sit in front: a little brighter, as they catch more light.
        light = 0.55 + 0.35 * (k / 46) + leaves_rng.uniform(-0.1, 0.1)
        colour = rgb("#3f7a3a") * light * room.exposure
        xs, ys = patch.coords()
        along = ((xs - cx) * ca + (ys - cy) * sa) / length
        across = np.abs(-(xs - cx) * sa + (ys - cy) * ca) / width
        vein = np.clip(1 - across * 12, 0, 1) * 0.25
        lit = colour * (1 + 0.25 * along - 0.25 * across)[..., None] + vein[
            ..., None
        ] * rgb("#b6d39a")
        canvas.paint(patch, lit, product=False)
    (px, py) = room.p(x, 0.45, z)
    (_, pb) = room.p(x, 0, z)
    r = 0.2 * scale
    patch, normals, _t, _u = lathe(
        px, py, pb, [(0, r), (0.1, r * 0.97), (1, r * 0.75)], tilt=0.12
    )
    canvas.paint(
        patch,
        shade(normals, rgb("#e9e3d8") * room.exposure, spec=0.4, shininess=30),
        product=False,
    )
    rim = ellipse((px - r, py - r * 0.12, px + r, py + r * 0.12))
    canvas.paint(rim, rgb("#4a3a2c") * room.exposure, product=False)


def lamp(room: Room, x: float, y: float, z: float) -> None:
    """A small table lamp standing at (x, y, z), its shade lit from inside."""
    canvas = room.canvas
    scale = room.f / z
    (bx, by) = room.p(x, y, z)
    base_h, shade_h = 0.28 * scale, 0.24 * scale
    patch, normals, _t, _u = lathe(
        bx,
        by - base_h,
        by,
        [(0, 0.03 * scale), (0.4, 0.09 * scale), (1, 0.06 * scale)],
        tilt=0.08,
    )
    canvas.paint(
        patch,
        shade(normals, rgb("#c7b79a") * room.exposure, spec=0.5, shininess=40),
        product=False,
    )
    top = by - base_h - shade_h * 0.85
    patch, _normals, t, _u = lathe(
        bx, top, top + shade_h, [(0, 0.11 * scale), (1, 0.17 * scale)], tilt=0.05
    )
    canvas.paint(patch, rgb("#fbe7c2") * (0.9 + 0.3 * t)[..., None], product=False)


def lamp_glow(room: Room, x: float, y: float, z: float) -> None:
    """The warm light a lamp() at (x, y, z) throws on everything around it."""
    scale = room.f / z
    bx, by = room.p(x, y, z)
    centre_y = by - 0.28 * scale - 0.24 * scale * 0.35
    w, h = room.canvas.size
    ys = np.arange(h, dtype=F32)[:, None]
    xs = np.arange(w, dtype=F32)[None, :]
    dist2 = ((xs - bx) ** 2 + (ys - centre_y) ** 2 * 1.3) / (0.9 * scale) ** 2
    room.canvas.rgb += (np.exp(-dist2 * 1.5) * 0.55)[..., None] * rgb("#ffc777")
    room.canvas.rgb += (np.exp(-dist2 * 12) * 0.25)[..., None] * rgb("#ffe2b0")
