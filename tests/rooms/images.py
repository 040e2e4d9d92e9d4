"""Room photos made in the tests (nothing downloaded): one function per case."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pillow_heif
from PIL import Image

pillow_heif.register_heif_opener()

RED = (220, 30, 30)
BLUE = (30, 30, 220)


def photo(width: int, height: int, *, noise: float = 12.0) -> Image.Image:
    """A photo-like RGB image: gradients plus sensor-like noise (which gives the
    JPEG a realistic size and decoding cost)."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    channels = [x / width * 255, y / height * 255, (x + y) / (width + height) * 255]
    pixels = np.stack(channels, axis=-1)
    if noise:
        rng = np.random.default_rng(0)
        pixels += rng.normal(0, noise, pixels.shape).astype(np.float32)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def encode(image: Image.Image, fmt: str, **params) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()


def jpeg(width: int, height: int, **params) -> bytes:
    return encode(photo(width, height), "JPEG", quality=90, **params)


def exif_rotated_jpeg() -> bytes:
    """Stored 1200×800 with orientation 6 (display rotated 90° clockwise):
    the stored top band (red) must end up on the right."""
    image = Image.new("RGB", (1200, 800), BLUE)
    image.paste(RED, (0, 0, 1200, 200))
    exif = Image.Exif()
    exif[0x0112] = 6
    return encode(image, "JPEG", quality=95, exif=exif.tobytes())


def png_with_alpha() -> bytes:
    """800×600: transparent left half (must become white), opaque green right."""
    image = Image.new("RGBA", (800, 600), (0, 0, 0, 0))
    image.paste((20, 160, 20, 255), (400, 0, 800, 600))
    return encode(image, "PNG")


def webp() -> bytes:
    return encode(photo(1024, 768), "WEBP", quality=85)


def heic() -> bytes:
    # Smooth and small: the HEVC encoder is slow on noise.
    return encode(photo(640, 480, noise=0), "HEIF", quality=80)


def gif() -> bytes:
    return encode(Image.new("P", (300, 200)), "GIF")


def truncated_jpeg() -> bytes:
    data = jpeg(1600, 1200)
    return data[: len(data) // 2]


def truncated_png() -> bytes:
    data = encode(photo(400, 300), "PNG")
    return data[: len(data) // 2]


def cmyk_jpeg() -> bytes:
    return encode(Image.new("CMYK", (400, 300), (0, 200, 0, 0)), "JPEG")


def text_as_jpg() -> bytes:
    return b"This is not a picture of a room.\n" * 20


def png_bomb(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width×height pixels."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )
