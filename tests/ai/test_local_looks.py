"""The local extractor's look at a product photo (seeitnow/ai/local/looks.py)."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw

from seeitnow.ai.base import ImageInput, ProductText
from seeitnow.ai.local.extractor import extract_local_facts
from seeitnow.ai.local.looks import colour_name, describe_looks


def photo(size, box, fill, background=(246, 246, 244), mode="RGB") -> bytes:
    image = Image.new(mode, size, background)
    ImageDraw.Draw(image).rectangle(box, fill=fill)
    out = io.BytesIO()
    image.save(out, "PNG" if mode == "RGBA" else "JPEG", quality=92)
    return out.getvalue()


@pytest.mark.parametrize(
    ("rgb", "name"),
    [
        ((250, 250, 250), "white"),
        ((20, 20, 22), "black"),
        ((128, 128, 130), "grey"),
        ((30, 90, 40), "dark green"),
        ((40, 80, 200), "blue"),
        ((110, 70, 40), "brown"),
        ((225, 205, 170), "beige"),
        ((200, 40, 40), "red"),
        ((230, 170, 200), "light pink"),
    ],
)
def test_colours_get_plain_names(rgb, name):
    assert colour_name(rgb) == name


def test_a_studio_photo_is_described_by_its_products_colour_and_outline():
    wide = photo((800, 600), (100, 250, 700, 450), fill=(30, 90, 40))
    assert (
        describe_looks(wide, kind="armchair", material="velvet")
        == "A dark green velvet armchair, wider than it is tall."
    )
    tall = photo((600, 800), (250, 100, 350, 700), fill=(40, 80, 200))
    assert (
        describe_looks(tall, kind="floor lamp", material="unknown")
        == "A blue floor lamp, taller than it is wide."
    )


def test_a_cutout_is_read_by_its_opaque_pixels():
    cutout = photo(
        (400, 400),
        (100, 100, 300, 300),
        fill=(225, 205, 170, 255),
        background=(0, 0, 0, 0),
        mode="RGBA",
    )
    assert describe_looks(cutout, kind="ottoman", material="linen") == (
        "A beige linen ottoman."
    )


def test_an_unreadable_image_gives_no_description():
    assert describe_looks(b"not an image", kind="sofa", material="wood") == ""


def test_the_extractor_fills_visual_description_from_the_first_image():
    image = ImageInput(
        data=photo((800, 600), (100, 250, 700, 450), fill=(110, 70, 40)),
        mime_type="image/jpeg",
    )
    product = ProductText(
        title="Oak sideboard", description="Solid oak, 180 x 45 x 80 cm"
    )
    facts = extract_local_facts(product, [image]).model_dump(by_alias=True)
    description = facts["identity"]["visual_description"]
    assert description.startswith("A brown") and "sideboard" in description
    # Without an image, nothing is made up.
    bare = extract_local_facts(product).model_dump(by_alias=True)
    assert bare["identity"]["visual_description"] == ""


def test_the_demo_armchair_photo_reads_as_a_dark_green_armchair():
    from demo.images.products import product_photo

    image, _ = product_photo("armchair", 512)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    assert (
        describe_looks(out.getvalue(), kind="armchair", material="velvet")
        == "A dark green velvet armchair."
    )
