from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw

from seeitnow.ai.base import AIError, ImageInput, ProductText
from seeitnow.ai.local import LocalProvider
from seeitnow.ai.schema import VARIANT_IDS

ROOM_SIZE = (800, 600)


def _room() -> ImageInput:
    room = Image.new("RGB", ROOM_SIZE, (200, 190, 170))
    ImageDraw.Draw(room).rectangle((0, 430, 800, 600), fill=(120, 90, 60))
    buffer = io.BytesIO()
    room.save(buffer, "JPEG", quality=95)
    return ImageInput(buffer.getvalue(), "image/jpeg")


def _cutout() -> ImageInput:
    cut = Image.new("RGBA", (300, 400), (0, 0, 0, 0))
    ImageDraw.Draw(cut).rectangle((20, 20, 280, 380), fill=(40, 80, 160, 255))
    buffer = io.BytesIO()
    cut.save(buffer, "PNG")
    return ImageInput(buffer.getvalue(), "image/png")


def _facts(title: str) -> dict:
    return (
        LocalProvider()
        .extract_facts(product=ProductText(title=title), images=[], instructions="")
        .model_dump()
    )


def _render(facts: dict, variant_id: str, room=None) -> np.ndarray:
    data = LocalProvider().render_variant(
        product_image=_cutout(),
        room_image=room or _room(),
        prompt="ignored locally",
        aspect_ratio="4:3",
        variant_id=variant_id,
        facts=facts,
        timeout_s=45,
    )
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    return np.asarray(image.convert("RGB")).astype(int)


def _product_box(pixels: np.ndarray) -> tuple[int, int, int, int]:
    """Bounding box of the blue product (the room has no blue)."""
    blue = (pixels[..., 2] - pixels[..., 0] > 50) & (pixels[..., 2] > 100)
    ys, xs = np.nonzero(blue)
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


def _centre_x(box):
    return (box[0] + box[2]) / 2


def _height(box):
    return box[3] - box[1]


def test_output_keeps_room_size_and_changes_the_floor_band():
    room = np.asarray(Image.open(io.BytesIO(_room().data)).convert("RGB")).astype(int)
    out = _render(_facts("Oak armchair 70 x 80 x 90 cm"), "V01")
    assert out.shape == (600, 800, 3)
    box = _product_box(out)
    assert box[3] > 600 * 0.8  # base in the bottom band
    changed = np.abs(out - room).sum(axis=2) > 30
    assert changed[box[1] : box[3], box[0] : box[2]].mean() > 0.9
    assert changed[:100].mean() < 0.01  # the ceiling area is untouched
    # 90 cm against 260 cm of visible wall over 80 % of the height.
    assert _height(box) == pytest.approx(90 * 600 * 0.8 / 260, rel=0.08)


def test_bracket_and_anchors():
    facts = _facts("Oak armchair 70 x 80 x 90 cm")
    boxes = {vid: _product_box(_render(facts, vid)) for vid in VARIANT_IDS}
    v01, v02, v03 = (_height(boxes[v]) for v in ("V01", "V02", "V03"))
    assert v02 == pytest.approx(v01 * 0.8, rel=0.05)
    assert v03 == pytest.approx(v01 * 1.2, rel=0.05)
    assert _height(boxes["V05"]) == pytest.approx(_height(boxes["V04"]) * 0.8, rel=0.05)
    centres = {vid: _centre_x(box) for vid, box in boxes.items()}
    assert centres["V04"] < centres["V01"] - 100
    assert centres["V06"] > centres["V01"] + 100
    assert len(set(boxes.values())) == 8  # eight visibly different variants


def test_wall_piece_sits_in_the_upper_middle():
    box = _product_box(_render(_facts("Canvas wall art 60 x 80 cm"), "V01"))
    centre_y = (box[1] + box[3]) / 2
    assert 600 * 0.25 < centre_y < 600 * 0.55


def test_tabletop_object_sits_at_mid_height():
    box = _product_box(_render(_facts("Ceramic vase H 30 cm"), "V01"))
    assert 600 * 0.5 < box[3] < 600 * 0.7


def test_rug_is_flattened_on_the_floor():
    box = _product_box(_render(_facts("Wool rug 160 x 230 cm"), "V01"))
    assert box[3] > 600 * 0.9
    assert (box[2] - box[0]) > 2 * _height(box)


def test_product_too_large_is_scaled_down_not_cropped():
    box = _product_box(_render(_facts("Wardrobe 300 x 60 x 400 cm"), "V03"))
    assert box[0] > 0 and box[1] > 0 and box[2] < 800 and box[3] < 600


def test_output_follows_a_portrait_room():
    room = Image.new("RGB", (480, 640), (180, 180, 180))
    buffer = io.BytesIO()
    room.save(buffer, "JPEG")
    out = _render(
        _facts("Oak armchair 70 x 80 x 90 cm"),
        "V06",
        room=ImageInput(buffer.getvalue(), "image/jpeg"),
    )
    assert out.shape == (640, 480, 3)


def test_render_errors_are_ai_errors():
    provider = LocalProvider()
    with pytest.raises(AIError) as err:
        provider.render_variant(
            product_image=ImageInput(b"nope", "image/png"),
            room_image=_room(),
            prompt="",
            aspect_ratio="4:3",
            variant_id="V01",
            facts={},
            timeout_s=45,
        )
    assert (err.value.code, err.value.retryable) == ("ai_error", False)
    with pytest.raises(AIError):
        provider.render_variant(
            product_image=_cutout(),
            room_image=_room(),
            prompt="",
            aspect_ratio="4:3",
            variant_id="V09",
            facts={},
            timeout_s=45,
        )


def test_upscale_doubles_and_caps_the_long_side():
    provider = LocalProvider()
    out = Image.open(io.BytesIO(provider.upscale(image=_room(), timeout_s=60)))
    assert (out.format, out.size) == ("JPEG", (1600, 1200))
    big = Image.new("RGB", (3000, 2000), (90, 90, 90))
    buffer = io.BytesIO()
    big.save(buffer, "JPEG")
    out = Image.open(
        io.BytesIO(
            provider.upscale(
                image=ImageInput(buffer.getvalue(), "image/jpeg"),
                timeout_s=60,
            )
        )
    )
    assert out.size == (4096, 2731)


def test_provider_identity():
    provider = LocalProvider()
    assert (provider.name, provider.prep_strategy) == ("local", "fallback")
    assert provider.model_for("image") == "local-compositor"
    assert provider.model_for("upscale") == "local-compositor"
    assert provider.model_for("text") == "local-heuristics"
    assert provider.ensure_uploaded(image=_room(), cached=None) is None


def test_get_provider_is_local_without_a_key(settings):
    from seeitnow.ai import get_provider

    settings.GEMINI_API_KEY = ""
    assert isinstance(get_provider(), LocalProvider)
