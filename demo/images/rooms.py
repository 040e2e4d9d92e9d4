"""Room photos drawn in code: a one-point-perspective render of a furnished room."""

from __future__ import annotations

import zlib
from collections.abc import Callable

import numpy as np
from PIL import Image

from demo.images.props import lamp, lamp_glow, plant
from demo.images.raster import (
    F32,
    Canvas,
    ellipse,
    lathe,
    polygon,
    rgb,
    rounded,
    sensor_noise,
    shade,
    vignette,
)
from demo.images.scene import (
    Room,
    fabric_texture,
    noise_tex,
    shell,
    window,
)

Vec = tuple[float, float, float]


def _living_room(room: Room) -> None:
    shell(room, "#e6e0d6", "#c8955e", "#8a5a32", sun=(0.3, 0.35))
    window(room, (-2.3, -0.7), (0.85, 2.35))
    fabric, colour = fabric_texture(room.rng), rgb("#8c9aa3")
    # A flat-woven rug under the sofa.
    rug = polygon(
        [
            room.p(-0.3, 0.005, 2.9),
            room.p(2.45, 0.005, 2.9),
            room.p(2.45, 0.005, 4.6),
            room.p(-0.3, 0.005, 4.6),
        ]
    )
    room.canvas.paint(
        rug,
        rgb("#d8cdbb") * room.exposure * noise_tex(room.rng, 0.05)(rug)[..., None],
        product=False,
    )
    room.wall_shadow((-0.1, 2.45), 0.95, 0.25)
    room.floor_shadow((-0.1, 2.45), (4.05, 5.0), 0.45)
    x0, x1, zf = -0.1, 2.45, 4.05
    for lx in (x0 + 0.06, x1 - 0.1):
        room.box((lx, lx + 0.04), (0, 0.12), (zf + 0.06, zf + 0.1), rgb("#4a3322"))
    # Painter's order for a sofa right of the view axis: far-right parts first.
    arm = {"y": (0.12, 0.64), "z": (zf, 4.98)}
    back = (x0 + 0.18, x1 - 0.18)
    room.box(back, (0.12, 0.9), (4.7, 4.98), colour * 0.9, soft=0.05, texture=fabric)
    room.box(
        (x1 - 0.18, x1), arm["y"], arm["z"], colour * 0.95, soft=0.05, texture=fabric
    )
    for a, b in ((x0 + 0.2, 1.17), (1.17, x1 - 0.2)):
        room.box(
            (a + 0.02, b - 0.02),
            (0.45, 0.88),
            (4.52, 4.72),
            colour,
            soft=0.07,
            texture=fabric,
        )
    room.box(back, (0.12, 0.42), (zf, 4.7), colour * 0.85, soft=0.03, texture=fabric)
    for a, b in ((1.17, x1 - 0.18), (x0 + 0.18, 1.17)):
        room.box(
            (a, b), (0.42, 0.55), (zf + 0.02, 4.55), colour, soft=0.05, texture=fabric
        )
    pillow = rgb("#d9a441")
    room.box(
        (x0 + 0.3, x0 + 0.72),
        (0.5, 0.82),
        (4.4, 4.5),
        pillow,
        soft=0.08,
        texture=fabric,
    )
    room.box(
        (x0, x0 + 0.18), arm["y"], arm["z"], colour * 0.95, soft=0.05, texture=fabric
    )
    plant(room, -2.2, 4.4, 1.2)


def _bedroom(room: Room) -> None:
    shell(room, "#b9a58e", "#a9764a", "#6d4526", sun=None)
    window(room, (1.55, 2.45), (0.9, 2.2), night=True)
    canvas = room.canvas
    (ax, ay), (bx, by) = room.p(-1.0, 1.95, 4.97), room.p(0.2, 1.35, 4.97)
    art = rounded((ax, ay, bx, by), 1)
    _gx, gy = art.coords()
    v = (gy - ay) / (by - ay)
    painting = rgb("#d9c7a8") * (1 - v)[..., None] + rgb("#7d8f8a") * v[..., None]
    canvas.paint(
        rounded((ax - 6, ay - 6, bx + 6, by + 6), 1),
        rgb("#2b2118") * room.exposure,
        product=False,
    )
    canvas.paint(art, painting * room.exposure, product=False)
    linen, duvet = rgb("#efe9df"), rgb("#f2efe8")
    room.wall_shadow((-1.05, 0.75), 1.3, 0.3)
    room.floor_shadow((-1.0, 0.8), (2.8, 4.95), 0.45)
    room.box(
        (-1.05, 0.75),
        (0.0, 1.3),
        (4.88, 4.98),
        rgb("#6f7f73"),
        soft=0.08,
        texture=fabric_texture(room.rng),
    )
    # Nightstands first: the bed's foot is nearer the camera and overlaps them.
    for x0 in (-1.6, 1.0):
        room.floor_shadow((x0, x0 + 0.5), (4.45, 4.95), 0.4)
        room.box((x0, x0 + 0.5), (0.0, 0.55), (4.45, 4.95), rgb("#8a6444"))
        (dx0, dy0), (dx1, dy1) = (
            room.p(x0 + 0.04, 0.45, 4.45),
            room.p(x0 + 0.46, 0.3, 4.45),
        )
        canvas.paint(
            rounded((dx0, dy0, dx1, dy1), 2),
            rgb("#7a5639") * room.exposure,
            product=False,
        )
        kx, ky = room.p(x0 + 0.25, 0.375, 4.44)
        canvas.paint(
            ellipse((kx - 4, ky - 4, kx + 4, ky + 4)), rgb("#c9a45a"), product=False
        )
        lamp(room, x0 + 0.25, 0.55, 4.7)
    room.box((-0.95, 0.65), (0.08, 0.32), (2.85, 4.88), rgb("#5b4634"))
    for a, b in ((-0.88, -0.12), (-0.08, 0.62)):
        room.box(
            (a, b),
            (0.6, 0.82),
            (4.55, 4.8),
            linen,
            soft=0.07,
            texture=fabric_texture(room.rng),
        )
    room.box(
        (-0.98, 0.78),
        (0.3, 0.6),
        (2.8, 4.55),
        duvet,
        soft=0.06,
        texture=noise_tex(room.rng, 0.04),
    )
    room.box(
        (-0.99, 0.79),
        (0.6, 0.64),
        (3.15, 3.75),
        rgb("#c98a3a"),
        texture=fabric_texture(room.rng),
    )
    for x0 in (-1.6, 1.0):
        lamp_glow(room, x0 + 0.25, 0.55, 4.7)


def _dining_room(room: Room) -> None:
    shell(room, "#dfe3df", "#b98a58", "#7c5330", sun=(0.3, 0.35))
    window(room, (-1.3, 1.3), (0.8, 2.4))
    walnut, seat = rgb("#6a4429"), rgb("#c2a47c")

    def chair(cx: float, z0: float, facing_camera: bool) -> None:
        room.floor_shadow((cx - 0.24, cx + 0.24), (z0, z0 + 0.45), 0.3)
        bz = z0 + 0.41 if facing_camera else z0

        def back() -> None:
            for px in (cx - 0.22, cx + 0.18):
                room.box((px, px + 0.04), (0.46, 0.95), (bz, bz + 0.04), walnut)
            room.box((cx - 0.22, cx + 0.22), (0.8, 0.95), (bz, bz + 0.035), walnut)
            room.box(
                (cx - 0.18, cx + 0.18), (0.6, 0.66), (bz + 0.01, bz + 0.03), walnut
            )

        if facing_camera:
            back()
        for lx in (cx - 0.22, cx + 0.18):
            for lz in (z0, z0 + 0.41):
                room.box((lx, lx + 0.04), (0, 0.44), (lz, lz + 0.04), walnut)
        room.box((cx - 0.23, cx + 0.23), (0.42, 0.48), (z0, z0 + 0.45), seat, soft=0.02)
        if not facing_camera:
            back()

    for cx in (-0.55, 0.55):
        chair(cx, 4.05, True)
    room.floor_shadow((-1.1, 1.1), (3.0, 4.1), 0.35)
    for lx in (-1.0, 0.92):
        for lz in (3.05, 3.95):
            room.box((lx, lx + 0.07), (0, 0.72), (lz, lz + 0.07), walnut)
    room.box(
        (-1.1, 1.1),
        (0.72, 0.77),
        (3.0, 4.05),
        walnut,
        texture=noise_tex(room.rng, 0.04),
    )
    for cx in (-1.55, 1.55):
        chair(cx, 3.3, cx > 0)
    for cx in (-0.55, 0.55):
        chair(cx, 2.4, False)
    (px, py) = room.p(0, 1.75, 3.5)
    (_, cord_top) = room.p(0, room.height, 3.5)
    room.canvas.paint(
        polygon([(px - 1, cord_top), (px + 1, cord_top), (px + 1, py), (px - 1, py)]),
        rgb("#222222"),
        product=False,
    )
    r = 0.28 * room.f / 3.5
    patch, normals, _t, _u = lathe(
        px, py, py + r * 0.8, [(0, r * 0.15), (0.3, r * 0.7), (1, r)], tilt=-0.1
    )
    room.canvas.paint(
        patch,
        shade(normals, rgb("#2f3a36"), spec=0.5, shininess=20) * room.exposure,
        product=False,
    )


PAINTERS: dict[str, Callable[[Room], None]] = {
    "living_room": _living_room,
    "bedroom": _bedroom,
    "dining_room": _dining_room,
}
ROOM_KINDS = tuple(PAINTERS)
EXPOSURE = {"living_room": 1.0, "bedroom": 0.62, "dining_room": 1.0}
EYE = {"living_room": 1.1, "bedroom": 1.25, "dining_room": 1.4}


def room_photo(kind: str, size: tuple[int, int] = (1600, 1200)) -> Image.Image:
    """A photo-like render (RGB) of a furnished room of the given kind."""
    painter = PAINTERS.get(kind)
    if painter is None:
        raise ValueError(
            f"unknown room kind {kind!r}; expected one of {', '.join(ROOM_KINDS)}"
        )
    w, h = size
    rng = np.random.default_rng(zlib.crc32(kind.encode()))
    room = Room(
        Canvas(np.zeros((h, w, 3), F32)), rng, eye=EYE[kind], exposure=EXPOSURE[kind]
    )
    painter(room)
    room.canvas.rgb *= vignette((h, w), 0.22)[..., None]
    sensor_noise(room.canvas.rgb, rng, 0.01)
    return room.canvas.image()
