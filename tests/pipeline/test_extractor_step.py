from __future__ import annotations

from assets.pipeline.extractor import extract_facts, product_text, strip_html
from seeitnow.ai.base import ImageInput, ProductText
from seeitnow.ai.local import LocalProvider


def test_strip_html_keeps_blocks_and_entities():
    html = (
        "<div><h2>Details</h2><p>Solid&nbsp;oak &amp; brass.</p>"
        "<ul><li>W 80 cm</li><li>H&nbsp;120&nbsp;cm</li></ul>"
        "<script>alert('x')</script><style>p{}</style>"
        "<table><tr><td>Depth</td><td>40 cm</td></tr></table></div>"
    )
    assert strip_html(html) == (
        "Details\nSolid oak & brass.\nW 80 cm\nH 120 cm\nDepth 40 cm"
    )
    assert strip_html("") == ""
    assert strip_html("plain 3 < 4 text") == "plain 3 < 4 text"


def test_product_text_from_shopify_fields():
    text = product_text(
        title="  Oak Chair ",
        description_html="<p>Seat <b>45</b> cm high</p>",
        product_type="Chairs",
        vendor="Acme",
        tags=["oak", " ", "dining "],
        metafields={"custom.dimensions": "<p>H 80 cm</p>"},
    )
    assert text == ProductText(
        title="Oak Chair",
        description="Seat 45 cm high",
        product_type="Chairs",
        vendor="Acme",
        tags=("oak", "dining"),
        metafields={"custom.dimensions": "H 80 cm"},
    )


def test_extract_facts_step_with_the_local_provider():
    product = product_text(
        title="Ceramic table lamp",
        description_html="<p>Dimensions: 45cm high x 30cm wide</p>",
    )
    image = ImageInput(b"unused", "image/png")
    facts = extract_facts(provider=LocalProvider(), product=product, images=[image] * 5)
    assert facts.identity.product_kind == "table lamp"
    assert facts.dimensions_cm.h == 45.0 and facts.dimensions_cm.w == 30.0
    assert facts.placement.allowed_modes[0].mode == "tabletop"


def test_metafield_dimensions_are_read():
    product = product_text(
        title="Console table", metafields={"specs.size": "120 x 35 x 80 cm"}
    )
    facts = extract_facts(provider=LocalProvider(), product=product, images=[])
    assert facts.dimensions_cm.model_dump() == {
        "h": 80.0,
        "w": 120.0,
        "d": 35.0,
        "diameter": None,
        "thickness": None,
    }
