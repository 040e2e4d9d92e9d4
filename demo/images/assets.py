"""Encoding and writing the demo images to disk."""

from __future__ import annotations

import hashlib
import io
import pathlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial

from PIL import Image

from demo.images.catalog import DEMO_PRODUCTS
from demo.images.products import product_photo
from demo.images.rooms import ROOM_KINDS, room_photo


def encode(image: Image.Image, fmt: str = "JPEG", quality: int = 90) -> bytes:
    """The image as JPEG or PNG bytes (no metadata, so the bytes are stable)."""
    fmt = fmt.upper()
    if fmt not in ("JPEG", "PNG"):
        raise ValueError(f"unsupported format {fmt!r}; expected JPEG or PNG")
    buffer = io.BytesIO()
    if fmt == "JPEG":
        image.convert("RGB").save(buffer, "JPEG", quality=quality, optimize=True)
    else:
        image.save(buffer, "PNG")
    return buffer.getvalue()


def _write_if_changed(path: pathlib.Path, data: bytes) -> None:
    if path.exists():
        old = hashlib.sha256(path.read_bytes()).digest()
        if old == hashlib.sha256(data).digest():
            return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def write_demo_assets(
    directory: pathlib.Path,
    *,
    product_size: int = 1024,
    room_size: tuple[int, int] = (1600, 1200),
) -> dict[str, pathlib.Path]:
    """Write products/<handle>.jpg and rooms/<kind>.jpg under directory.

    Files whose content would not change are not rewritten. Returns the paths
    keyed "products/<handle>" and "rooms/<kind>".
    """
    directory = pathlib.Path(directory)
    jobs: dict[str, tuple[pathlib.Path, Callable[[], Image.Image]]] = {}
    for product in DEMO_PRODUCTS:
        key = f"products/{product['handle']}"
        draw = partial(product_photo, product["kind"], product_size)
        jobs[key] = (directory / f"{key}.jpg", lambda draw=draw: draw()[0])
    for kind in ROOM_KINDS:
        jobs[f"rooms/{kind}"] = (
            directory / "rooms" / f"{kind}.jpg",
            partial(room_photo, kind, room_size),
        )

    def render(job: tuple[pathlib.Path, Callable[[], Image.Image]]) -> None:
        path, draw = job
        _write_if_changed(path, encode(draw()))

    # numpy and Pillow release the GIL for the heavy work: two threads ~halve it.
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(render, jobs.values()))
    return {key: path for key, (path, _draw) in jobs.items()}
