"""Small numpy/Pillow painting toolkit: patches, soft blur, shading, noise."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

F32 = np.float32
# Key light from the upper left, slightly in front (x right, y down, z to camera).
LIGHT = np.array([-0.45, -0.65, 0.62], F32) / np.linalg.norm([-0.45, -0.65, 0.62])
_HALF = LIGHT + np.array([0, 0, 1], F32)
HALF = _HALF / np.linalg.norm(_HALF)


def rgb(hex_colour: str) -> np.ndarray:
    """'#rrggbb' as a float RGB triple in 0..1."""
    value = int(hex_colour.lstrip("#"), 16)
    return np.array([(value >> 16) & 255, (value >> 8) & 255, value & 255], F32) / 255


@dataclass
class Patch:
    """A soft coverage map (0..1) placed at (x0, y0) in a canvas."""

    alpha: np.ndarray
    x0: int
    y0: int

    def coords(self) -> tuple[np.ndarray, np.ndarray]:
        """Pixel-centre x (1, w) and y (h, 1) canvas coordinates of the patch."""
        h, w = self.alpha.shape
        xs = np.arange(w, dtype=F32)[None, :] + self.x0 + 0.5
        ys = np.arange(h, dtype=F32)[:, None] + self.y0 + 0.5
        return xs, ys

    def like(self, alpha: np.ndarray) -> Patch:
        return Patch(alpha.astype(F32), self.x0, self.y0)


class Canvas:
    """A float RGB picture plus the coverage mask of the product painted into it."""

    def __init__(self, rgb_array: np.ndarray) -> None:
        self.rgb = rgb_array.astype(F32)
        self.mask = np.zeros(rgb_array.shape[:2], F32)

    @property
    def size(self) -> tuple[int, int]:
        return self.rgb.shape[1], self.rgb.shape[0]

    def _view(self, patch: Patch) -> tuple[np.ndarray, tuple[slice, slice]]:
        w, h = self.size
        ph, pw = patch.alpha.shape
        x0, y0 = max(patch.x0, 0), max(patch.y0, 0)
        x1, y1 = min(patch.x0 + pw, w), min(patch.y0 + ph, h)
        local = patch.alpha[
            y0 - patch.y0 : y1 - patch.y0, x0 - patch.x0 : x1 - patch.x0
        ]
        return local, (slice(y0, y1), slice(x0, x1))

    def paint(self, patch: Patch, colour: np.ndarray, *, product: bool = True) -> None:
        """Blend colour (a triple or an array the patch's shape) under the patch."""
        alpha, region = self._view(patch)
        colour = np.asarray(colour, F32)
        if colour.ndim == 3:
            colour = colour[
                region[0].start - patch.y0 : region[0].stop - patch.y0,
                region[1].start - patch.x0 : region[1].stop - patch.x0,
            ]
        target = self.rgb[region]
        target += (colour - target) * alpha[..., None]
        if product:
            np.maximum(self.mask[region], alpha, out=self.mask[region])

    def darken(self, patch: Patch, *, within_product: bool = False) -> None:
        """Multiply the picture by (1 - patch): shadows and occlusion."""
        alpha, region = self._view(patch)
        if within_product:
            alpha = alpha * self.mask[region]
        self.rgb[region] *= 1 - alpha[..., None]

    def add(self, patch: Patch, colour: np.ndarray) -> None:
        """Add light: colour scaled by the patch (glows, sun patches)."""
        alpha, region = self._view(patch)
        self.rgb[region] += alpha[..., None] * np.asarray(colour, F32)

    def image(self) -> Image.Image:
        return Image.fromarray((np.clip(self.rgb, 0, 1) * 255 + 0.5).astype(np.uint8))


def draw_patch(
    box: tuple[float, float, float, float],
    draw: Callable[[ImageDraw.ImageDraw, Callable], None],
    *,
    pad: int = 2,
    ss: int = 0,
) -> Patch:
    """Rasterise a Pillow drawing supersampled inside box (+pad) into a Patch.

    draw(d, t) receives the ImageDraw and t(x, y) that maps canvas coordinates
    into the supersampled local image.
    """
    x0, y0 = int(np.floor(box[0])) - pad, int(np.floor(box[1])) - pad
    x1, y1 = int(np.ceil(box[2])) + pad, int(np.ceil(box[3])) + pad
    # Supersample small shapes more: their edges are a larger share of them.
    area = (x1 - x0) * (y1 - y0)
    ss = ss or (4 if area < 40_000 else 3 if area < 250_000 else 2)
    image = Image.new("L", ((x1 - x0) * ss, (y1 - y0) * ss), 0)

    def t(x: float, y: float) -> tuple[float, float]:
        return (x - x0) * ss, (y - y0) * ss

    draw(ImageDraw.Draw(image), t)
    alpha = np.asarray(image.reduce(ss), F32) / 255
    return Patch(alpha, x0, y0)


def polygon(points: list[tuple[float, float]], *, pad: int = 2) -> Patch:
    xs, ys = zip(*points, strict=True)
    return draw_patch(
        (min(xs), min(ys), max(xs), max(ys)),
        lambda d, t: d.polygon([t(x, y) for x, y in points], fill=255),
        pad=pad,
    )


def rounded(
    box: tuple[float, float, float, float], radius: float, *, pad: int = 2
) -> Patch:
    def draw(d: ImageDraw.ImageDraw, t: Callable) -> None:
        (a, b), (c, e) = t(box[0], box[1]), t(box[2], box[3])
        d.rounded_rectangle(
            (a, b, c, e), radius=radius * (c - a) / (box[2] - box[0]), fill=255
        )

    return draw_patch(box, draw, pad=pad)


def ellipse(box: tuple[float, float, float, float], *, pad: int = 2) -> Patch:
    return draw_patch(
        box,
        lambda d, t: d.ellipse((*t(box[0], box[1]), *t(box[2], box[3])), fill=255),
        pad=pad,
    )


def blur(a: np.ndarray, radius: float) -> np.ndarray:
    """Near-Gaussian blur (edges clamp); wide radii are blurred at lower resolution."""
    factor = int(radius // 6)
    if factor >= 2 and min(a.shape) >= 4 * factor:
        h, w = a.shape
        small = Image.fromarray(a.astype(F32), mode="F").reduce(factor)
        out = _box_blur3(np.asarray(small, F32), radius / factor)
        big = Image.fromarray(out, mode="F").resize((w, h), Image.Resampling.BILINEAR)
        return np.asarray(big, F32)
    return _box_blur3(a, radius)


def _box_blur3(a: np.ndarray, radius: float) -> np.ndarray:
    """Three running-sum box blurs along each axis."""
    r = max(round(radius / 1.7), 1)
    out = a.astype(F32)
    for axis in (0, 1):
        for _ in range(3):
            pad = [(0, 0), (0, 0)]
            pad[axis] = (r + 1, r)
            c = np.cumsum(np.pad(out, pad, mode="edge"), axis=axis, dtype=F32)
            n = out.shape[axis]
            hi = np.take(c, np.arange(2 * r + 1, 2 * r + 1 + n), axis=axis)
            lo = np.take(c, np.arange(0, n), axis=axis)
            out = (hi - lo) / (2 * r + 1)
    return out


def smooth_noise(
    rng: np.random.Generator, shape: tuple[int, int], cells: int
) -> np.ndarray:
    """Low-frequency noise in about -1..1 with ~cells blobs across the width."""
    h, w = shape
    gw, gh = max(cells, 2), max(int(cells * h / w), 2)
    small = Image.fromarray(rng.standard_normal((gh, gw)).astype(F32), mode="F")
    return np.asarray(small.resize((w, h), Image.Resampling.BICUBIC), F32) * 0.6


def normals_from_height(height: np.ndarray, strength: float) -> tuple[np.ndarray, ...]:
    gy, gx = np.gradient(height * strength)
    inv = 1 / np.sqrt(gx * gx + gy * gy + 1)
    return -gx * inv, -gy * inv, inv


def puffy(patch: Patch, radius: float, strength: float = 1.0) -> tuple[np.ndarray, ...]:
    """Normals of a cushion-like bulge filling the patch's shape."""
    height = np.sqrt(np.clip(blur(patch.alpha, radius), 0, 1))
    return normals_from_height(height, strength * radius)


def shade(
    normals: tuple[np.ndarray, ...],
    albedo: np.ndarray,
    *,
    ambient: float = 0.38,
    diffuse: float = 0.72,
    spec: float = 0.0,
    shininess: float = 40.0,
    sheen: float = 0.0,
    spec_colour: np.ndarray | None = None,
) -> np.ndarray:
    """Lambert + Blinn-Phong (+ velvet sheen at grazing angles) for unit normals."""
    nx, ny, nz = normals
    lam = np.clip(nx * LIGHT[0] + ny * LIGHT[1] + nz * LIGHT[2], 0, 1)
    fill = np.clip(-nx * 0.5 + nz * 0.5, 0, 1) * 0.12  # soft fill from the right
    albedo = np.asarray(albedo, F32)
    out = albedo * (ambient + diffuse * lam + fill)[..., None]
    if spec:
        h = np.clip(nx * HALF[0] + ny * HALF[1] + nz * HALF[2], 0, 1) ** shininess
        colour = np.ones(3, F32) if spec_colour is None else spec_colour
        out = out + (spec * h)[..., None] * colour
    if sheen:
        rim = (1 - np.clip(nz, 0, 1)) ** 2 * (0.4 + 0.6 * lam)
        out = out + (sheen * rim)[..., None] * np.minimum(albedo * 1.8 + 0.1, 1)
    return out


def lathe(
    cx: float,
    y_top: float,
    y_bottom: float,
    profile: list[tuple[float, float]],
    *,
    tilt: float = 0.18,
) -> tuple[Patch, tuple[np.ndarray, ...], np.ndarray, np.ndarray]:
    """A solid of revolution seen slightly from above.

    profile: (t, radius px) pairs, t from 0 (top) to 1 (bottom). Returns the
    body's patch, its normals, the height parameter t and the across-parameter
    u = sin(angle) per pixel.
    """
    rows = np.linspace(y_top, y_bottom, 256, dtype=F32)
    ts, rs = zip(*profile, strict=True)
    radii = np.interp(np.linspace(0, 1, 256), ts, rs).astype(F32)
    # Two wide box passes round the profile's corners into smooth curves.
    for _ in range(2):
        radii = np.convolve(np.pad(radii, 10, mode="edge"), np.ones(21) / 21, "valid")
    radii = radii.astype(F32)
    slope = np.gradient(radii, rows)
    r_max = float(radii.max())
    drop = tilt * r_max
    patch = Patch(np.zeros((1, 1), F32), int(cx - r_max) - 2, int(y_top - 2))
    h = int(y_bottom + drop - y_top) + 5
    w = int(2 * r_max) + 5
    patch.alpha = np.zeros((h, w), F32)
    xs, ys = patch.coords()
    dx = xs - cx
    yp = np.broadcast_to(ys, (h, w)).copy()
    for _ in range(4):
        r = np.interp(yp, rows, radii)
        c = np.sqrt(np.clip(1 - (dx / np.maximum(r, 1e-3)) ** 2, 0, 1))
        yp = ys - tilt * r * c
    r = np.interp(yp, rows, radii).astype(F32)
    alpha = np.clip(r - np.abs(dx) + 0.5, 0, 1)
    alpha *= np.clip(yp - y_top + 0.5, 0, 1) * np.clip(y_bottom - yp + 0.5, 0, 1)
    u = np.clip(dx / np.maximum(r, 1e-3), -1, 1)
    cz = np.sqrt(1 - u * u)
    k = np.interp(yp, rows, slope).astype(F32)
    inv = 1 / np.sqrt(1 + k * k)
    nx, ny, nz = u * inv, -k * inv, cz * inv
    ct, st = np.sqrt(1 - tilt * tilt), tilt
    normals = (nx, ny * ct + nz * st, nz * ct - ny * st)
    t = (yp - y_top) / (y_bottom - y_top)
    return patch.like(alpha), normals, t.astype(F32), u.astype(F32)


def grain(
    u: np.ndarray, v: np.ndarray, rng: np.random.Generator, *, rings: float
) -> np.ndarray:
    """Wood-grain figure (0..1) from along/across coordinates (both ~0..1)."""
    warp = smooth_noise(rng, u.shape, 3) * 0.25 + smooth_noise(rng, u.shape, 40) * 0.02
    figure = np.sin((u * rings + warp * 2.0 + v * 0.3) * np.pi * 2)
    fine = np.sin((u * rings * 5.3 + warp * 5) * np.pi * 2)
    return np.clip((0.5 + 0.5 * figure) ** 6 * 0.8 + fine * 0.08 + 0.15, 0, 1)


def wood(
    u: np.ndarray,
    v: np.ndarray,
    rng: np.random.Generator,
    light: str,
    dark: str,
    rings: float,
) -> np.ndarray:
    g = grain(u, v, rng, rings=rings)[..., None]
    return rgb(light) * (1 - g) + rgb(dark) * g


def sensor_noise(image: np.ndarray, rng: np.random.Generator, amount: float) -> None:
    """Add grain in place: per-pixel luminance noise plus coarser colour noise.

    Uniform noise (std ~amount) is used because it is much cheaper to draw than
    Gaussian noise and looks the same at this strength.
    """
    h, w, _ = image.shape
    luma = rng.random((h, w), dtype=F32)
    luma -= 0.5
    luma *= amount * 3.46
    image += luma[..., None]
    chroma = rng.random(((h + 1) // 2, (w + 1) // 2, 3), dtype=F32) - 0.5
    chroma *= amount * 1.4
    image += chroma.repeat(2, axis=0).repeat(2, axis=1)[:h, :w]


def vignette(shape: tuple[int, int], strength: float) -> np.ndarray:
    h, w = shape
    ys = (np.arange(h, dtype=F32)[:, None] / h - 0.5) * 2
    xs = (np.arange(w, dtype=F32)[None, :] / w - 0.5) * 2
    return 1 - strength * (xs * xs * 0.5 + ys * ys * 0.5)
