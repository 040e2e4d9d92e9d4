"""Furniture painters for the studio photos: the armchair and the side table."""

from __future__ import annotations

import numpy as np

from demo.images.raster import (
    F32,
    Canvas,
    Patch,
    blur,
    ellipse,
    lathe,
    polygon,
    puffy,
    rgb,
    rounded,
    shade,
    smooth_noise,
    wood,
)


def _occlude(canvas: Canvas, patch: Patch, radius: float, strength: float) -> None:
    """Soft shadow a part casts on the parts already painted behind it."""
    shifted = Patch(
        blur(patch.alpha, radius) * strength,
        patch.x0 + int(radius * 0.3),
        patch.y0 + int(radius * 0.5),
    )
    canvas.darken(shifted, within_product=True)


def _fabric(
    rng: np.random.Generator, shape: tuple[int, int], scale: float
) -> np.ndarray:
    """Multiplicative velvet texture: pile noise, a faint weave, slow blotches."""
    h, w = shape
    step = 2.2 / max(scale, 0.3)
    weave_x = np.sin(np.arange(w, dtype=F32) * step)[None, :]
    weave_y = np.sin(np.arange(h, dtype=F32) * step)[:, None]
    texture = rng.random((h, w), dtype=F32) - 0.5
    texture *= 0.12
    texture += 0.02 * weave_x * weave_y + 1
    texture += 0.05 * smooth_noise(rng, shape, 10)
    return texture


def _upholstery(
    canvas: Canvas,
    patch: Patch,
    colour: np.ndarray,
    texture: np.ndarray,
    *,
    radius: float,
    brightness: float = 1.0,
    occlusion: float = 0.35,
) -> None:
    if occlusion:
        _occlude(canvas, patch, radius * 0.8, occlusion)
    normals = puffy(patch, radius, 0.9)
    tex = _crop(texture, patch)
    lit = shade(normals, colour * brightness, ambient=0.34, diffuse=0.78, sheen=0.22)
    canvas.paint(patch, lit * tex[..., None])


def _crop(full: np.ndarray, patch: Patch) -> np.ndarray:
    h, w = patch.alpha.shape
    padded = np.pad(full, ((h, h), (w, w)), mode="edge")
    return padded[patch.y0 + h : patch.y0 + 2 * h, patch.x0 + w : patch.x0 + 2 * w]


def _wood_part(
    canvas: Canvas,
    patch: Patch,
    rng: np.random.Generator,
    light: str = "#a0683c",
    dark: str = "#5e3519",
) -> None:
    xs, ys = patch.coords()
    h, w = patch.alpha.shape
    col = patch.alpha.sum(axis=0)
    span = np.nonzero(col > 0.05)[0]
    left, right = (span[0], span[-1]) if len(span) else (0, w - 1)
    u = np.clip((np.arange(w, dtype=F32) - left) / max(right - left, 1) * 2 - 1, -1, 1)
    u = np.broadcast_to(u[None, :], (h, w))
    nz = np.sqrt(1 - u * u * 0.9)
    normals = (u * 0.95, np.zeros_like(u), nz)
    albedo = wood(
        np.broadcast_to(xs / 40, (h, w)),
        np.broadcast_to(ys / 400, (h, w)),
        rng,
        light,
        dark,
        3,
    )
    canvas.paint(patch, shade(normals, albedo, spec=0.18, shininess=25))


def armchair(canvas: Canvas, s: float, rng: np.random.Generator) -> None:
    velvet = rgb("#2f5d50")
    tex = _fabric(rng, canvas.rgb.shape[:2], s)

    def leg(
        x: float, top: float, bottom: float, w_top: float, w_bot: float, splay: float
    ) -> None:
        pts = [
            ((x - w_top / 2) * s, top * s),
            ((x + w_top / 2) * s, top * s),
            ((x + splay + w_bot / 2) * s, bottom * s),
            ((x + splay - w_bot / 2) * s, bottom * s),
        ]
        _wood_part(canvas, polygon(pts), rng)

    leg(305, 700, 792, 22, 14, -6)
    leg(695, 700, 792, 22, 14, 6)
    r = 60 * s
    _upholstery(
        canvas,
        rounded((268 * s, 168 * s, 732 * s, 600 * s), 85 * s, pad=int(r * 2)),
        velvet,
        tex,
        radius=r,
        brightness=0.85,
        occlusion=0,
    )
    _upholstery(
        canvas,
        rounded((318 * s, 212 * s, 682 * s, 590 * s), 70 * s, pad=int(r * 2)),
        velvet,
        tex,
        radius=r,
        brightness=1.0,
    )
    _upholstery(
        canvas,
        rounded((300 * s, 515 * s, 700 * s, 625 * s), 45 * s, pad=int(r * 2)),
        velvet,
        tex,
        radius=r * 0.7,
        brightness=1.12,
    )
    _upholstery(
        canvas,
        rounded((296 * s, 590 * s, 704 * s, 678 * s), 30 * s, pad=int(r * 2)),
        velvet,
        tex,
        radius=r * 0.5,
        brightness=0.86,
        occlusion=0.25,
    )
    _upholstery(
        canvas,
        rounded((300 * s, 670 * s, 700 * s, 742 * s), 18 * s, pad=int(r * 2)),
        velvet,
        tex,
        radius=r * 0.4,
        brightness=0.78,
        occlusion=0.3,
    )
    for side in (-1, 1):
        x_in, x_out = 500 + side * 158, 500 + side * 302
        box = (min(x_in, x_out) * s, 372 * s, max(x_in, x_out) * s, 748 * s)
        _upholstery(
            canvas,
            rounded(box, 62 * s, pad=int(r * 2)),
            velvet,
            tex,
            radius=r * 0.9,
            brightness=0.92,
            occlusion=0.4,
        )
        top = (
            min(x_in, x_out) * s - 4 * s,
            362 * s,
            max(x_in, x_out) * s + 4 * s,
            452 * s,
        )
        _upholstery(
            canvas,
            rounded(top, 44 * s, pad=int(r * 2)),
            velvet,
            tex,
            radius=r * 0.6,
            brightness=1.1,
            occlusion=0.15,
        )
    leg(242, 742, 842, 30, 18, -10)
    leg(758, 742, 842, 30, 18, 10)


def side_table(canvas: Canvas, s: float, rng: np.random.Generator) -> None:
    light, dark = "#b27a47", "#6b3f1f"
    tilt = 0.32
    # Pedestal base, column, then the top's edge band and its face.
    for y0, y1, prof in (
        (788, 828, [(0, 118), (0.5, 126), (1, 126)]),
        (340, 800, [(0, 40), (0.15, 30), (0.55, 26), (0.85, 34), (1, 52)]),
    ):
        patch, normals, t, u = lathe(
            500 * s, y0 * s, y1 * s, [(a, b * s) for a, b in prof], tilt=tilt
        )
        albedo = wood(u * 0.5 + 0.5, t, rng, light, dark, 4)
        canvas.paint(patch, shade(normals, albedo, spec=0.25, shininess=30))
    base_top = ellipse(
        (374 * s, (788 - 126 * tilt) * s, 626 * s, (788 + 126 * tilt) * s)
    )
    xs, ys = base_top.coords()
    top_albedo = wood(
        np.broadcast_to(xs / (250 * s), base_top.alpha.shape),
        np.broadcast_to(ys / (80 * s), base_top.alpha.shape),
        rng,
        light,
        dark,
        5,
    )
    canvas.paint(
        base_top,
        shade(
            (
                np.zeros_like(base_top.alpha),
                -np.ones_like(base_top.alpha) * 0.9,
                np.ones_like(base_top.alpha) * 0.45,
            ),
            top_albedo,
            spec=0.2,
        ),
    )
    radius = 300
    patch, normals, t, u = lathe(
        500 * s, 300 * s, 336 * s, [(0, radius * s), (1, radius * s)], tilt=tilt
    )
    albedo = wood(u * 0.5 + 0.5, t * 0.2, rng, "#9a6538", "#5a3118", 2)
    canvas.paint(patch, shade(normals, albedo, spec=0.3, shininess=30))
    face = ellipse(
        (
            (500 - radius) * s,
            (300 - radius * tilt) * s,
            (500 + radius) * s,
            (300 + radius * tilt) * s,
        )
    )
    xs, ys = face.coords()
    fu = (xs - 500 * s) / (radius * s)
    fv = (ys - 300 * s) / (radius * tilt * s)
    shape = face.alpha.shape
    grain_u = np.broadcast_to(fu * 0.9 + 0.02 * np.sin(fv * 3), shape)
    albedo = wood(
        grain_u, np.broadcast_to(fv * 0.3, shape), rng, "#c08a55", "#7a4a26", 16
    )
    up = (
        np.broadcast_to(-fu * 0.05, shape),
        np.broadcast_to(-0.93 + fv * 0.02, shape),
        np.full(shape, 0.36, F32),
    )
    lit = shade(up, albedo, ambient=0.45, diffuse=0.6, spec=0.35, shininess=12)
    # A long soft reflection of the key light across the varnished top.
    streak = np.exp(-(((fu + 0.35) + (fv + 0.1) * 0.6) ** 2) / 0.05) * (
        1 - fu * fu - fv * fv
    ).clip(0)
    canvas.paint(face, lit + streak[..., None] * 0.12)
