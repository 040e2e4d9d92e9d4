"""A one-point-perspective room: camera, boxes, walls, floor and windows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from demo.images.raster import (
    F32,
    Canvas,
    Patch,
    blur,
    polygon,
    puffy,
    rgb,
    rounded,
    shade,
    smooth_noise,
)

Vec = tuple[float, float, float]
# Light in room space (x right, y up, z away from the camera): from the upper left.
ROOM_LIGHT = np.array([-0.55, 0.7, -0.45]) / np.linalg.norm([-0.55, 0.7, -0.45])
FACE_NORMALS = {
    "front": (0, 0, -1),
    "top": (0, 1, 0),
    "left": (-1, 0, 0),
    "right": (1, 0, 0),
}


@dataclass
class Room:
    """Camera and shell of a rectangular room; metres, camera at x=0, z=0."""

    canvas: Canvas
    rng: np.random.Generator
    eye: float = 1.1
    half_width: float = 2.8
    depth: float = 5.0
    height: float = 2.75
    exposure: float = 1.0

    def __post_init__(self) -> None:
        w, h = self.canvas.size
        self.f = 0.75 * w
        self.cx, self.cy = w * 0.5, h * 0.42

    def p(self, x: float, y: float, z: float) -> tuple[float, float]:
        return self.cx + self.f * x / z, self.cy - self.f * (y - self.eye) / z

    def face_light(self, face: str) -> float:
        return float(0.62 + 0.5 * max(np.dot(FACE_NORMALS[face], ROOM_LIGHT), 0))

    def box(
        self,
        x: tuple[float, float],
        y: tuple[float, float],
        z: tuple[float, float],
        colour: np.ndarray,
        *,
        soft: float = 0.0,
        texture: Callable[[Patch], np.ndarray] | None = None,
    ) -> None:
        """A box in perspective: its visible faces, shaded; soft = cushion radius."""
        (x0, x1), (y0, y1), (z0, z1) = x, y, z
        faces = []
        # Cushions: pull the receding faces in so they meet the rounded front.
        i = soft * 0.7
        if x0 > 0:
            faces.append(
                (
                    "left",
                    [
                        (x0, y0, z0),
                        (x0, y1 - i, z0),
                        (x0, y1 - i, z1 - i),
                        (x0, y0, z1),
                    ],
                )
            )
        if x1 < 0:
            faces.append(
                (
                    "right",
                    [
                        (x1, y0, z0),
                        (x1, y1 - i, z0),
                        (x1, y1 - i, z1 - i),
                        (x1, y0, z1),
                    ],
                )
            )
        if y1 < self.eye:
            faces.append(
                (
                    "top",
                    [
                        (x0 + i, y1, z0),
                        (x1 - i, y1, z0),
                        (x1 - i, y1, z1 - i),
                        (x0 + i, y1, z1 - i),
                    ],
                )
            )
        faces.append(
            ("front", [(x0, y0, z0), (x1, y0, z0), (x1, y1, z0), (x0, y1, z0)])
        )
        for name, corners in faces:
            pts = [self.p(*c) for c in corners]
            light = self.face_light(name) * self.exposure
            if name == "front" and soft:
                (ax, ay), (bx, by) = pts[3], pts[1]
                radius = soft * self.f / z0
                patch = rounded((ax, ay, bx, by), radius, pad=int(radius * 2) + 2)
                lit = shade(
                    puffy(patch, radius, 0.9),
                    colour * light * 1.15,
                    ambient=0.55,
                    diffuse=0.5,
                )
            else:
                blur_px = soft * self.f / z1 * 0.4
                patch = polygon(pts, pad=int(blur_px * 2) + 2)
                if soft:
                    soft_edge = blur(patch.alpha, blur_px) * 2 - 0.5
                    patch = patch.like(np.clip(soft_edge, 0, 1))
                _xs, ys = patch.coords()
                top, bottom = min(q[1] for q in pts), max(q[1] for q in pts)
                ramp = 1 - 0.12 * np.clip((ys - top) / max(bottom - top, 1), 0, 1)
                lit = (
                    np.broadcast_to(colour * light, (*patch.alpha.shape, 3))
                    * ramp[..., None]
                )
            if texture is not None:
                lit = lit * texture(patch)[..., None]
            self.canvas.paint(patch, lit, product=False)

    def floor_shadow(
        self, x: tuple[float, float], z: tuple[float, float], strength: float
    ) -> None:
        pad = 0.12
        pts = [
            self.p(x[0] - pad, 0, z[0] - pad),
            self.p(x[1] + pad, 0, z[0] - pad),
            self.p(x[1] + pad, 0, z[1]),
            self.p(x[0] - pad, 0, z[1]),
        ]
        radius = 0.12 * self.f / z[0]
        patch = polygon(pts, pad=int(radius * 3))
        self.canvas.darken(patch.like(blur(patch.alpha, radius) * strength))

    def wall_shadow(self, x: tuple[float, float], top: float, strength: float) -> None:
        z = self.depth
        a, b = self.p(x[0] - 0.05, top + 0.05, z), self.p(x[1] + 0.05, 0, z)
        radius = 0.1 * self.f / z
        patch = rounded((a[0], a[1], b[0], b[1]), radius, pad=int(radius * 3))
        self.canvas.darken(patch.like(blur(patch.alpha, radius) * strength))


def noise_tex(rng: np.random.Generator, amount: float) -> Callable[[Patch], np.ndarray]:
    def tex(patch: Patch) -> np.ndarray:
        shape = patch.alpha.shape
        return (
            1
            + rng.standard_normal(shape, dtype=F32) * amount
            + smooth_noise(rng, shape, 6) * amount
        )

    return tex


def shell(
    room: Room,
    wall: str,
    floor_light: str,
    floor_dark: str,
    *,
    sun: tuple[float, float] | None,
) -> None:
    """Back wall, side walls, ceiling, a plank floor and skirting boards."""
    canvas = room.canvas
    w, h = canvas.size
    hw, d, top = room.half_width, room.depth, room.height
    ys = np.arange(h, dtype=F32)[:, None] + 0.5
    xs = np.arange(w, dtype=F32)[None, :] + 0.5
    bl, tr = room.p(-hw, top, d), room.p(hw, 0, d)
    wall_c = rgb(wall) * room.exposure
    # Walls: one gradient image, then side walls and ceiling shaded by their own factor.
    sx, sy = (xs - w * 0.3) / w, (ys - h * 0.35) / h
    glow = np.exp(-(sx * sx + sy * sy) * 3.0) if sun else np.ones_like(sx * sy) * 0.6
    base = wall_c * (0.78 + 0.3 * glow)[..., None]
    canvas.rgb[:] = base
    for pts, factor in (
        ([(0, 0), bl, (bl[0], tr[1]), (0, h)], 0.86),
        ([(w, 0), (tr[0], bl[1]), tr, (w, h)], 0.8),
        ([(0, 0), (w, 0), (tr[0], bl[1]), bl], 1.02),
    ):
        patch = polygon([(max(min(px, w), 0), py) for px, py in pts])
        canvas.darken(patch.like(patch.alpha * (1 - factor)))
    # Plank floor by inverse projection of every pixel below the back wall's foot.
    y_floor = int(tr[1]) - 1
    fy = ys[y_floor:] - room.cy
    zf = room.f * room.eye / fy
    xf = (xs - room.cx) * zf / room.f
    plank = 0.19
    idx = np.floor(xf / plank)
    offsets = (idx * 0.6180339) % 1.0 * 1.4
    board = np.floor((zf + offsets) / 1.4)
    tone = ((idx * 12.9898 + board * 78.233) % 1.0)[..., None] * 0.18 - 0.09
    fade = np.clip(1.6 / zf, 0, 1)
    warp = smooth_noise(room.rng, xf.shape, 8)
    g = (0.5 + 0.5 * np.sin((xf / plank * 9 + warp * 2 + board) * np.pi * 2)) ** 3
    colour = rgb(floor_light) * (1 - g[..., None] * 0.5 * fade[..., None]) + rgb(
        floor_dark
    ) * (g[..., None] * 0.5 * fade[..., None])
    colour = colour * (1 + tone)
    # Seam distances in pixels (metres / metres-per-pixel) give anti-aliased lines.
    seam_x = np.abs((xf / plank + 0.5) % 1.0 - 0.5) * plank / (zf / room.f)
    seam_z = np.abs(((zf + offsets) / 1.4 + 0.5) % 1.0 - 0.5) * 1.4 / (zf / fy)
    seam = np.clip(1.2 - np.minimum(seam_x, seam_z * 0.7), 0, 1) * 0.35
    depth_light = 0.72 + 0.28 * np.clip(1.4 / zf, 0, 1)
    floor = colour * ((1 - seam) * depth_light * room.exposure)[..., None]
    # Gloss: a soft reflection of the bright back wall near the skirting.
    floor += (np.exp(-((zf - d) ** 2) * 1.5) * 0.06 * room.exposure)[..., None]
    inside = np.clip((ys[y_floor:] - tr[1]) + 0.5, 0, 1)
    walls_l = (xs - room.cx) / (room.cx - bl[0]) * (tr[1] - room.cy) + room.cy
    walls_r = (room.cx - xs) / (tr[0] - room.cx) * (tr[1] - room.cy) + room.cy
    floor_mask = inside * np.clip(
        ys[y_floor:] - np.maximum(walls_l, walls_r) + 0.5, 0, 1
    )
    patch = Patch(floor_mask.astype(F32), 0, y_floor)
    canvas.paint(patch, floor, product=False)
    # Skirting boards: back wall strip and the two converging side strips.
    sk = 0.1
    room.box((-hw, hw), (0, sk), (d - 0.015, d), rgb("#f3f1ec"))
    for side in (-1, 1):
        pts = [
            room.p(side * hw, 0, d),
            room.p(side * hw, sk, d),
            room.p(side * hw, sk, 0.8),
            room.p(side * hw, 0, 0.8),
        ]
        patch = polygon(pts)
        canvas.paint(
            patch,
            rgb("#e9e6df") * room.exposure * (0.9 if side < 0 else 0.8),
            product=False,
        )
    # Ambient occlusion where the walls meet the floor and ceiling.
    edges = np.zeros((h, w), F32)
    edges[int(tr[1]) - 2 : int(tr[1]) + 2, int(bl[0]) : int(tr[0])] = 1
    edges[int(bl[1]) - 2 : int(bl[1]) + 2, int(bl[0]) : int(tr[0])] = 0.7
    edges[int(bl[1]) : int(tr[1]), int(bl[0]) - 1 : int(bl[0]) + 1] = 0.6
    edges[int(bl[1]) : int(tr[1]), int(tr[0]) - 1 : int(tr[0]) + 1] = 0.6
    canvas.darken(Patch(np.clip(blur(edges, w * 0.012) * 2.2, 0, 0.3), 0, 0))


def window(
    room: Room, x: tuple[float, float], y: tuple[float, float], *, night: bool = False
) -> None:
    canvas, d = room.canvas, room.depth
    (ax, ay), (bx, by) = room.p(x[0], y[1], d), room.p(x[1], y[0], d)
    frame = 0.07 * room.f / d
    if not night:
        glow = rounded((ax, ay, bx, by), frame, pad=int((bx - ax) * 0.6))
        canvas.add(glow.like(blur(glow.alpha, (bx - ax) * 0.35)), 0.12 * rgb("#fff6e6"))
    outer = rounded((ax - frame, ay - frame, bx + frame, by + frame), 2)
    canvas.paint(outer, rgb("#f4f2ee") * room.exposure, product=False)
    glass = rounded((ax, ay, bx, by), 1)
    gx, gy = glass.coords()
    v = np.clip((gy - ay) / (by - ay), 0, 1)
    if night:
        sky = (
            rgb("#1c2740") * (1 - v * 0.3)[..., None]
            + rgb("#3a3550") * (v * 0.3)[..., None]
        )
    else:
        sky = rgb("#cfe3f5") * (1 - v)[..., None] + rgb("#f7fbff") * v[..., None]
        hills = np.clip((v - 0.62 - 0.06 * np.sin((gx - ax) / (bx - ax) * 9)) * 6, 0, 1)
        trees = (
            rgb("#8fb08a")
            * (0.9 + 0.1 * smooth_noise(room.rng, glass.alpha.shape, 12))[..., None]
        )
        sky = sky * (1 - hills[..., None] * 0.55) + trees * (hills[..., None] * 0.55)
        sky = sky * 1.05 + 0.05
    canvas.paint(glass, np.broadcast_to(sky, (*glass.alpha.shape, 3)), product=False)
    bar = frame * 0.45
    mid_x = (ax + bx) / 2
    for box in (
        (mid_x - bar, ay, mid_x + bar, by),
        (ax, (ay + by) / 2 - bar, bx, (ay + by) / 2 + bar),
    ):
        canvas.paint(rounded(box, 1), rgb("#efece6") * room.exposure, product=False)
    sill = (
        room.p(x[0] - 0.08, y[0], d - 0.12),
        room.p(x[1] + 0.08, y[0] - 0.04, d - 0.12),
    )
    canvas.paint(
        rounded((sill[0][0], sill[0][1], sill[1][0], sill[1][1]), 1),
        rgb("#f7f6f2") * room.exposure,
        product=False,
    )
    if not night:
        # Daylight falling through the window onto the floor, skewed toward the camera.
        pts = [
            room.p(x[0] + 0.2 * y[0], 0, d - 0.8 * y[0]),
            room.p(x[1] + 0.2 * y[0], 0, d - 0.8 * y[0]),
            room.p(x[1] + 0.2 * y[1], 0, d - 0.8 * y[1]),
            room.p(x[0] + 0.2 * y[1], 0, d - 0.8 * y[1]),
        ]
        patch = polygon(pts, pad=40)
        canvas.add(patch.like(blur(patch.alpha, 14)), 0.2 * rgb("#fff1d6"))


def fabric_texture(rng: np.random.Generator) -> Callable[[Patch], np.ndarray]:
    return noise_tex(rng, 0.03)
