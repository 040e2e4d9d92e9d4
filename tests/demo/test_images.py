"""The demo image generator: sizes, determinism, masks, backdrops, files."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from PIL import Image

from demo.images import (
    DEMO_PRODUCTS,
    PRODUCT_KINDS,
    ROOM_KINDS,
    encode,
    product_photo,
    room_photo,
    write_demo_assets,
)


@pytest.fixture(scope="module")
def photos():
    return {kind: product_photo(kind) for kind in PRODUCT_KINDS}


def _border(pixels: np.ndarray, width: int) -> np.ndarray:
    return np.concatenate(
        [
            pixels[:width].reshape(-1, 3),
            pixels[-width:].reshape(-1, 3),
            pixels[:, :width].reshape(-1, 3),
            pixels[:, -width:].reshape(-1, 3),
        ]
    )


def test_product_kinds_are_the_catalog_kinds():
    assert set(PRODUCT_KINDS) == {
        "armchair",
        "side_table",
        "mirror",
        "table_lamp",
        "vase",
        "rug",
    }
    assert {p["kind"] for p in DEMO_PRODUCTS} == set(PRODUCT_KINDS)


@pytest.mark.parametrize("kind", PRODUCT_KINDS)
def test_product_photo_has_the_default_size_and_modes(photos, kind):
    image, mask = photos[kind]
    assert (image.mode, image.size) == ("RGB", (1024, 1024))
    assert (mask.mode, mask.size) == ("L", (1024, 1024))


@pytest.mark.parametrize("kind", PRODUCT_KINDS)
def test_product_photo_renders_at_a_requested_size(kind):
    image, mask = product_photo(kind, 300)
    assert (image.mode, image.size, mask.mode, mask.size) == (
        "RGB",
        (300, 300),
        "L",
        (300, 300),
    )


@pytest.mark.parametrize("kind", PRODUCT_KINDS)
def test_product_photo_is_deterministic(kind):
    first, second = product_photo(kind, 256), product_photo(kind, 256)
    assert encode(first[0], "PNG") == encode(second[0], "PNG")
    assert encode(first[1], "PNG") == encode(second[1], "PNG")


@pytest.mark.parametrize("kind", PRODUCT_KINDS)
def test_mask_is_centred_with_a_margin_and_a_plausible_size(photos, kind):
    mask = np.asarray(photos[kind][1]) > 127
    ys, xs = np.nonzero(mask)
    size = mask.shape[0]
    margin = int(size * 0.05)
    assert xs.min() > margin and ys.min() > margin
    assert xs.max() < size - margin and ys.max() < size - margin
    extent = max(xs.max() - xs.min(), ys.max() - ys.min()) / size
    assert 0.55 <= extent <= 0.78, extent
    assert 0.12 <= mask.mean() <= 0.6, mask.mean()
    centre = ((xs.min() + xs.max()) / 2 / size, (ys.min() + ys.max()) / 2 / size)
    assert abs(centre[0] - 0.5) < 0.05 and abs(centre[1] - 0.5) < 0.08, centre


@pytest.mark.parametrize("kind", PRODUCT_KINDS)
def test_border_is_plain_backdrop_distinct_from_the_product(photos, kind):
    image, mask = photos[kind]
    pixels = np.asarray(image, np.float32)
    border = _border(pixels, 8)
    assert border.std(axis=0).max() < 6, border.std(axis=0)
    assert border.mean() > 200
    inside = pixels[np.asarray(mask) > 250]
    distance = np.linalg.norm(inside - border.mean(axis=0), axis=1)
    # Most of the product must stand clearly apart from the backdrop colour.
    assert np.median(distance) > 40, np.median(distance)


def test_mask_excludes_the_contact_shadow(photos):
    image, mask = photos["armchair"]
    pixels = np.asarray(image.convert("L"), np.float32)
    alpha = np.asarray(mask)
    shadow_band = pixels[850:870, 300:700]
    assert shadow_band.mean() < pixels[:20].mean() - 8
    assert alpha[850:870, 300:700].max() == 0


@pytest.mark.parametrize("kind", ROOM_KINDS)
def test_room_photo_renders_at_sizes(kind):
    image = room_photo(kind)
    assert (image.mode, image.size) == ("RGB", (1600, 1200))
    small = room_photo(kind, (400, 300))
    assert (small.mode, small.size) == ("RGB", (400, 300))
    pixels = np.asarray(small, np.float32)
    assert pixels.std() > 15
    assert 40 < pixels.mean() < 220


@pytest.mark.parametrize("kind", ROOM_KINDS)
def test_room_photo_is_deterministic(kind):
    assert encode(room_photo(kind, (480, 360))) == encode(room_photo(kind, (480, 360)))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: product_photo("sofa"), "unknown product kind 'sofa'"),
        (lambda: room_photo("kitchen"), "unknown room kind 'kitchen'"),
        (lambda: encode(Image.new("RGB", (4, 4)), "GIF"), "unsupported format"),
    ],
)
def test_unknown_names_raise_value_error(call, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call()


def test_encode_round_trips_jpeg_and_png():
    image = room_photo("bedroom", (160, 120))
    jpeg = Image.open(io.BytesIO(encode(image)))
    png = Image.open(io.BytesIO(encode(image, "PNG")))
    assert (jpeg.format, jpeg.size) == ("JPEG", (160, 120))
    assert png.format == "PNG"
    assert np.array_equal(np.asarray(png), np.asarray(image))


def test_demo_products_describe_a_catalog():
    ids = [p["id"] for p in DEMO_PRODUCTS]
    handles = [p["handle"] for p in DEMO_PRODUCTS]
    assert len(set(ids)) == len(ids) and all(i.isdigit() for i in ids)
    assert len(set(handles)) == len(handles)
    assert all(re.fullmatch(r"[a-z0-9-]+", h) for h in handles)
    keys = {"id", "title", "handle", "product_type", "vendor", "tags"}
    keys |= {"description", "kind", "price", "prepare"}
    assert all(set(p) == keys for p in DEMO_PRODUCTS)
    assert [p["kind"] for p in DEMO_PRODUCTS if not p["prepare"]] == ["vase"]
    assert all(re.search(r"\d+\s*(cm|in)\b", p["description"]) for p in DEMO_PRODUCTS)


def test_write_demo_assets_is_idempotent(tmp_path):
    paths = write_demo_assets(tmp_path, product_size=128, room_size=(160, 120))
    expected = {f"products/{p['handle']}" for p in DEMO_PRODUCTS}
    expected |= {f"rooms/{kind}" for kind in ROOM_KINDS}
    assert set(paths) == expected
    assert all(path == tmp_path / f"{key}.jpg" for key, path in paths.items())
    assert all(Image.open(path).format == "JPEG" for path in paths.values())
    before = {key: path.stat().st_mtime_ns for key, path in paths.items()}

    again = write_demo_assets(tmp_path, product_size=128, room_size=(160, 120))

    assert again == paths
    assert {key: path.stat().st_mtime_ns for key, path in again.items()} == before
    assert sorted(p.name for p in tmp_path.rglob("*.tmp")) == []


def test_write_demo_assets_rewrites_only_a_changed_file(tmp_path):
    paths = write_demo_assets(tmp_path, product_size=128, room_size=(160, 120))
    damaged = paths["rooms/bedroom"]
    damaged.write_bytes(b"not a picture")
    before = {key: path.stat().st_mtime_ns for key, path in paths.items()}

    write_demo_assets(tmp_path, product_size=128, room_size=(160, 120))

    after = {key: path.stat().st_mtime_ns for key, path in paths.items()}
    changed = {key for key in paths if after[key] != before[key]}
    assert changed == {"rooms/bedroom"}
    assert Image.open(damaged).size == (160, 120)
