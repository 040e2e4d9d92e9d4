"""Decor painters for the studio photos: mirror, table lamp, vase and rug."""

from __future__ import annotations

import numpy as np
from PIL import Image

from demo.images.raster import (
    F32,
    Canvas,
    Patch,
    draw_patch,
    ellipse,
    lathe,
    polygon,
    rgb,
    shade,
    smooth_noise,
)


def mirror(canvas: Canvas, s: float, rng: np.random.Generator) -> None:
    cx, cy, r_out, r_in = 500 * s, 520 * s, 320 * s, 282 * s
    strap = polygon(
        [
            (cx - 14 * s, 140 * s),
            (cx + 14 * s, 140 * s),
            (cx + 22 * s, cy - r_out + 8 * s),
            (cx - 22 * s, cy - r_out + 8 * s),
        ]
    )
    xs, ys = strap.coords()
    leather = (
        rgb("#6b3b22") * (0.8 + 0.2 * np.cos((xs - cx) / (22 * s) * 1.4))[..., None]
    )
    canvas.paint(strap, np.broadcast_to(leather, (*strap.alpha.shape, 3)))
    knob = ellipse((cx - 18 * s, 122 * s, cx + 18 * s, 158 * s))
    kx, ky = knob.coords()
    knx, kny = (kx - cx) / (18 * s), (ky - 140 * s) / (18 * s)
    knz = np.sqrt(np.clip(1 - knx**2 - kny**2, 0.01, 1))
    canvas.paint(
        knob,
        shade(
            (
                np.broadcast_to(knx, knob.alpha.shape),
                np.broadcast_to(kny, knob.alpha.shape),
                knz,
            ),
            rgb("#b8893a"),
            spec=0.9,
            shininess=30,
            spec_colour=rgb("#fff3cf"),
        ),
    )
    ring = ellipse((cx - r_out, cy - r_out, cx + r_out, cy + r_out), pad=3)
    xs, ys = ring.coords()
    dx, dy = xs - cx, ys - cy
    d = np.sqrt(dx * dx + dy * dy) + 1e-3
    p = np.clip((d - r_in) / (r_out - r_in), 0, 1)
    radial = -np.cos(np.pi * p)
    nz = np.sin(np.pi * p) + 0.05
    n = np.sqrt(radial**2 + nz**2)
    normals = (radial * dx / d / n, radial * dy / d / n, nz / n)
    brass = rgb("#b08a3e")
    band = 0.85 + 0.15 * np.cos(np.arctan2(dy, dx) * 2 + 0.7)
    metal = shade(
        normals,
        brass * band[..., None],
        ambient=0.3,
        diffuse=0.7,
        spec=1.1,
        shininess=22,
        spec_colour=rgb("#fff0c8"),
    )
    canvas.paint(ring, metal)
    glass = ellipse((cx - r_in - 1, cy - r_in - 1, cx + r_in + 1, cy + r_in + 1))
    xs, ys = glass.coords()
    gx, gy = (xs - cx) / r_in, (ys - cy) / r_in
    shape = glass.alpha.shape
    sky = (
        rgb("#b9c4cc") * (1 - gy * 0.5 + 0.5)[..., None] * 0.5
        + rgb("#7f8a8f") * (gy * 0.5 + 0.5)[..., None] * 0.9
    )
    sky = np.broadcast_to(sky, (*shape, 3)).copy()
    # A defocused window reflected in the glass: a soft bright rectangle.
    edge_x = np.clip((0.28 - np.abs(gx + 0.35)) / 0.12, 0, 1)
    edge_y = np.clip((0.42 - np.abs(gy + 0.2)) / 0.15, 0, 1)
    window = (edge_x * edge_y) ** 1.5
    sky += (window * 0.18)[..., None] * rgb("#fffaf0")
    floor = np.clip((gy - 0.45) * 4, 0, 1)
    sky = sky * (1 - floor[..., None] * 0.25) + floor[..., None] * rgb("#8a6a4e") * 0.25
    streak = (
        np.exp(-((gx + gy + 0.45) ** 2) / 0.012) * 0.22
        + np.exp(-((gx + gy + 0.1) ** 2) / 0.004) * 0.12
    )
    sky += streak[..., None]
    edge = np.sqrt(gx**2 + gy**2)
    sky *= (1 - 0.35 * np.clip((edge - 0.9) / 0.1, 0, 1) ** 2)[..., None]
    canvas.paint(glass, sky * (1 + smooth_noise(rng, shape, 8) * 0.02)[..., None])


def table_lamp(canvas: Canvas, s: float, rng: np.random.Generator) -> None:
    tilt = 0.2
    glaze = rgb("#2f6b8f")
    patch, normals, t, u = lathe(
        500 * s,
        540 * s,
        850 * s,
        [
            (0, 40 * s),
            (0.12, 78 * s),
            (0.45, 132 * s),
            (0.8, 112 * s),
            (0.93, 70 * s),
            (1, 66 * s),
        ],
        tilt=tilt,
    )
    mottled = glaze * (1 + smooth_noise(rng, patch.alpha.shape, 8) * 0.1)[..., None]
    canvas.paint(patch, shade(normals, mottled, spec=0.9, shininess=55))
    patch, normals, t, u = lathe(
        500 * s, 470 * s, 545 * s, [(0, 9 * s), (0.7, 9 * s), (1, 20 * s)], tilt=tilt
    )
    canvas.paint(
        patch,
        shade(
            normals, rgb("#c49a4a"), spec=0.9, shininess=25, spec_colour=rgb("#fff1cc")
        ),
    )
    patch, normals, t, u = lathe(
        500 * s, 160 * s, 480 * s, [(0, 170 * s), (1, 262 * s)], tilt=tilt
    )
    linen = (
        rgb("#efe6d6")
        * (
            1 + 0.04 * np.sin(u * 260) + smooth_noise(rng, patch.alpha.shape, 30) * 0.03
        )[..., None]
    )
    lit = shade(normals, linen, ambient=0.62, diffuse=0.35)
    glow = (0.18 + 0.25 * t**2) * (1 - np.abs(u) ** 3 * 0.4)
    canvas.paint(patch, lit + glow[..., None] * rgb("#ffd9a0"))
    # Looking down into the shade: a linen rim, then the lit inside and the bulb glow.
    canvas.paint(_shade_opening(170, s, tilt), rgb("#e8dcc8"))
    inner = _shade_opening(162, s, tilt)
    xs, ys = inner.coords()
    q = np.sqrt(
        ((xs - 500 * s) / (162 * s)) ** 2 + ((ys - 160 * s) / (162 * tilt * s)) ** 2
    )
    inside = rgb("#f6d9a8") * (0.75 + 0.35 * (1 - np.clip(q, 0, 1)))[..., None]
    canvas.paint(inner, np.broadcast_to(inside, (*inner.alpha.shape, 3)))


def _shade_opening(radius: float, s: float, tilt: float) -> Patch:
    return ellipse(
        (
            (500 - radius) * s,
            (160 - radius * tilt) * s,
            (500 + radius) * s,
            (160 + radius * tilt) * s,
        )
    )


def vase(canvas: Canvas, s: float, rng: np.random.Generator) -> None:
    tilt = 0.2
    prof = [
        (0, 92),
        (0.05, 84),
        (0.2, 70),
        (0.3, 96),
        (0.55, 188),
        (0.72, 196),
        (0.88, 150),
        (1, 112),
    ]
    patch, normals, t, u = lathe(
        500 * s, 200 * s, 850 * s, [(a, b * s) for a, b in prof], tilt=tilt
    )
    glaze = (
        rgb("#b5532f") * (1 - t * 0.35)[..., None]
        + rgb("#6e2c18") * (t * 0.35)[..., None]
    )
    glaze = glaze * (1 + smooth_noise(rng, patch.alpha.shape, 12) * 0.06)[..., None]
    drip = np.clip((0.3 - t) * 8, 0, 1) * (0.85 + 0.15 * np.sin(u * 9))
    glaze = glaze * (1 - drip[..., None]) + rgb("#e2d3b5") * drip[..., None]
    canvas.paint(patch, shade(normals, glaze, spec=1.0, shininess=70, ambient=0.33))
    mouth = ellipse(
        ((500 - 92) * s, (200 - 92 * tilt) * s, (500 + 92) * s, (200 + 92 * tilt) * s)
    )
    canvas.paint(mouth, rgb("#e9dcc2") * 0.92)
    hole = ellipse(
        ((500 - 74) * s, (203 - 74 * tilt) * s, (500 + 74) * s, (203 + 74 * tilt) * s)
    )
    _xs, ys = hole.coords()
    depth = np.clip((ys - (203 - 74 * tilt) * s) / (148 * tilt * s), 0, 1)
    inner = rgb("#4a2516") * (0.35 + 0.5 * depth)[..., None]
    canvas.paint(hole, np.broadcast_to(inner, (*hole.alpha.shape, 3)))


def rug(canvas: Canvas, s: float, rng: np.random.Generator) -> None:
    tw, th = 920, 640
    u = np.linspace(0, 1, tw, dtype=F32)[None, :]
    v = np.linspace(0, 1, th, dtype=F32)[:, None]
    field = np.broadcast_to(rgb("#9c3b2b"), (th, tw, 3)).copy()
    border_d = np.minimum(np.minimum(u, 1 - u) * tw, np.minimum(v, 1 - v) * th)
    navy, cream, ochre = rgb("#1f2f4d"), rgb("#e8dcc0"), rgb("#c9953b")
    for lo, hi, colour in (
        (0, 60, navy),
        (60, 70, cream),
        (70, 82, ochre),
        (82, 90, cream),
    ):
        band = (border_d >= lo) & (border_d < hi)
        field[band] = colour
    motif = (np.sin(u * np.pi * 2 * 14) * np.sin(v * np.pi * 2 * 10)) > 0.55
    field[motif & (border_d > 15) & (border_d < 45)] = ochre
    du, dv = np.abs(u - 0.5) * tw, np.abs(v - 0.5) * th
    diamond = du / 230 + dv / 190
    for lo, hi, colour in (
        (0, 0.25, cream),
        (0.25, 0.45, navy),
        (0.45, 0.52, ochre),
        (0.52, 0.6, cream),
    ):
        field[(diamond >= lo) & (diamond < hi) & (border_d > 90)] = colour
    lattice = (np.abs(np.sin(u * np.pi * 18 + v * np.pi * 12)) < 0.08) | (
        np.abs(np.sin(u * np.pi * 18 - v * np.pi * 12)) < 0.08
    )
    field[lattice & (diamond >= 0.6) & (border_d > 100)] = rgb("#7b2a1f")
    pile = (
        rng.standard_normal((th, tw), dtype=F32) * 0.05
        + smooth_noise(rng, (th, tw), 12) * 0.06
    )
    field *= (1 + pile)[..., None]
    texture = Image.fromarray((np.clip(field, 0, 1) * 255).astype(np.uint8))
    near_y, far_y, near_half, far_half = 760, 330, 330, 262
    quad = [
        ((500 - far_half) * s, far_y * s),
        ((500 + far_half) * s, far_y * s),
        ((500 + near_half) * s, near_y * s),
        ((500 - near_half) * s, near_y * s),
    ]
    coeffs = _perspective_coeffs(quad, [(0, 0), (tw, 0), (tw, th), (0, th)])
    size = canvas.size
    warped = (
        np.asarray(
            texture.transform(
                size, Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BICUBIC
            ),
            F32,
        )
        / 255
    )
    patch = polygon(quad)
    xs, ys = patch.coords()
    h, w = patch.alpha.shape
    colour = warped[patch.y0 : patch.y0 + h, patch.x0 : patch.x0 + w]
    light = (
        1.0 - 0.08 * (ys - far_y * s) / ((near_y - far_y) * s) + 0.05 * (xs < 500 * s)
    )
    canvas.paint(patch, colour * light[..., None] * 0.95)
    edge = polygon(
        [
            quad[3],
            quad[2],
            (quad[2][0], quad[2][1] + 7 * s),
            (quad[3][0], quad[3][1] + 7 * s),
        ]
    )
    canvas.paint(edge, rgb("#5a2219"))
    fringe_rng = np.random.default_rng(7)
    for side in (0, 1):
        a, b = (quad[0], quad[3]) if side == 0 else (quad[1], quad[2])
        direction = -1 if side == 0 else 1
        strands = []
        for k in np.linspace(0.01, 0.99, 60):
            x = a[0] + (b[0] - a[0]) * k
            y = a[1] + (b[1] - a[1]) * k
            length = (22 + fringe_rng.uniform(-4, 4)) * s * (0.8 + 0.3 * k)
            strands.append(
                (x, y, x + direction * length, y + fringe_rng.uniform(-3, 3) * s)
            )
        xs_all = [p for st in strands for p in (st[0], st[2])]
        ys_all = [p for st in strands for p in (st[1], st[3])]

        def draw(d, t, strands=strands):
            for x0, y0, x1, y1 in strands:
                d.line([t(x0, y0), t(x1, y1)], fill=235, width=max(int(4 * s * 3), 2))

        fringe = draw_patch((min(xs_all), min(ys_all), max(xs_all), max(ys_all)), draw)
        canvas.paint(fringe, rgb("#ece2cc"))


def _perspective_coeffs(
    dst: list[tuple[float, float]], src: list[tuple[float, float]]
) -> list[float]:
    """Pillow PERSPECTIVE coefficients mapping output points dst to input points src."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs.extend([u, v])
    return list(np.linalg.solve(np.array(rows, float), np.array(rhs, float)))
