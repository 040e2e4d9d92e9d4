from __future__ import annotations

import pytest

from assets.pipeline.extractor import product_text
from seeitnow.ai.base import ProductText
from seeitnow.ai.local import LocalProvider
from seeitnow.ai.local.dimensions import parse_dimensions
from seeitnow.ai.rules import relative_scale_for
from tests.ai.extractor_cases import CASES
from tests.ai.size_cases import SIZE_CASES

DIM_KEYS = ("h", "w", "d", "diameter", "thickness")


def _extract(title, product_type, description):
    product = product_text(
        title=title, description_html=description, product_type=product_type
    )
    return LocalProvider().extract_facts(product=product, images=[], instructions="")


@pytest.mark.parametrize(
    "title,product_type,description,dims,scale_class,mode,material",
    CASES,
    ids=[c[0] for c in CASES],
)
def test_extractor_reads_real_world_listings(
    title, product_type, description, dims, scale_class, mode, material
):
    facts = _extract(title, product_type, description)
    found = facts.dimensions_cm.model_dump()
    assert {k: found[k] for k in dims} == dims
    assert facts.relative_scale.class_ == scale_class
    assert facts.placement.allowed_modes[0].mode == mode
    assert facts.material_profile.primary == material
    assert "dimensions_cm" not in facts.unknowns
    assert ("material" in facts.unknowns) == (material == "unknown")


def test_case_table_is_large_enough_and_covers_every_unit():
    text = " ".join(c[0] + " " + c[2] for c in CASES)
    assert len(CASES) >= 20
    for unit in (" cm", " mm", " m ", " in", '"', "'", "inches", "W x"):
        assert unit in text.replace("\u00d7", "x").replace("100W x", "W x"), unit


def test_nothing_known_is_reported_honestly():
    facts = LocalProvider().extract_facts(
        product=ProductText(title="The Everything Gift"), images=[], instructions=""
    )
    assert facts.dimensions_cm.model_dump() == dict.fromkeys(DIM_KEYS)
    assert facts.relative_scale.class_ == "unknown"
    assert facts.scale.priority == "flexible_if_no_reference"
    assert facts.unknowns == [
        "identity.product_kind",
        "placement",
        "weight_class",
        "dimensions_cm",
        "material",
        "material_profile.sheen",
    ]
    assert facts.placement.allowed_modes == []


@pytest.mark.parametrize(
    "text,expected",
    [
        ("80 x 40 x 120 cm", {"unlabelled": (80.0, 40.0, 120.0)}),
        ("W 80 x D 40 x H 120 cm", {"w": 80.0, "d": 40.0, "h": 120.0}),
        ("80Wx40Dx120H cm", {"w": 80.0, "d": 40.0, "h": 120.0}),
        ("H 92 cm", {"h": 92.0}),
        ("Diameter 45cm", {"diameter": 45.0}),
        ("\u00d8 45 cm", {"diameter": 45.0}),
        ("36 in x 24 in", {"unlabelled": (91.4, 61.0)}),
        ("6' x 9'", {"unlabelled": (182.9, 274.3)}),
        ("1200 x 600 mm", {"unlabelled": (120.0, 60.0)}),
        ("Height: 1.8 m", {"h": 180.0}),
        ("thickness 2,5 cm", {"thickness": 2.5}),
        ("6 ft tall", {"h": 182.9}),
        ("Dimensions (cm): 40 x 40 x 38", {"unlabelled": (40.0, 40.0, 38.0)}),
        ("W x D x H: 80 x 30 x 180 cm", {"w": 80.0, "d": 30.0, "h": 180.0}),
        (
            "Dimensions (H x W x D): 180 x 80 x 30 cm",
            {"h": 180.0, "w": 80.0, "d": 30.0},
        ),
        ("WxDxH 120x45x75cm", {"w": 120.0, "d": 45.0, "h": 75.0}),
        ("W x H: 24 x 36 in", {"w": 61.0, "h": 91.4}),
        ("L x W: 200 x 300 cm", {"l": 200.0, "w": 300.0}),
        ("Size (W x L): 5' x 8'", {"w": 152.4, "l": 243.8}),
        ("Width x Height (cm): 50 x 70", {"w": 50.0, "h": 70.0}),
        ("H x W in inches: 30 x 20", {"h": 76.2, "w": 50.8}),
        ("\u00d8 x H: 30 x 45 cm", {"diameter": 30.0, "h": 45.0}),
        ("Dimensions: 40 (W) x 40 (D) x 38 (H) cm", {"w": 40.0, "d": 40.0, "h": 38.0}),
        # A label on the value beats the header, the header beats the default order.
        (
            "Height 92 cm. W x D x H: 80 x 30 x 180 cm",
            {"h": 92.0, "w": 80.0, "d": 30.0},
        ),
        # A header that names another number of axes than follow is ignored.
        ("W x D x H: 80 x 30 cm", {"unlabelled": (80.0, 30.0)}),
        ("W x H", {}),
        ("A lovely 3 seater in 2 colours", {}),
        ("Model 2024 x 3", {}),
    ],
)
def test_parse_dimensions_forms(text, expected):
    parsed = parse_dimensions(text)
    found = {k: getattr(parsed, k) for k in (*DIM_KEYS, "l") if getattr(parsed, k)}
    if parsed.unlabelled:
        found["unlabelled"] = parsed.unlabelled
    assert found == expected


@pytest.mark.parametrize(
    "largest,expected",
    [
        (None, "unknown"),
        (0, "unknown"),
        (14.9, "tiny"),
        (15, "small"),
        (39.9, "small"),
        (40, "medium"),
        (99, "medium"),
        (100, "large"),
        (199.9, "large"),
        (200, "oversized"),
        (299, "oversized"),
        (300, "architectural"),
    ],
)
def test_relative_scale_thresholds(largest, expected):
    assert relative_scale_for(largest) == expected


def test_weight_and_deformability_follow_kind_and_material():
    rug = _extract("Wool rug", "", "160 x 230 cm")
    assert (rug.weight_class, rug.deformability) == ("medium", "flexible_drape")
    table = _extract("Marble dining table", "", "L 180 x W 90 x H 75 cm")
    assert (table.weight_class, table.deformability) == ("very_heavy", "rigid")
    lamp = _extract("Glass pendant", "", "Frosted glass, 30 cm diameter")
    assert lamp.material_profile.transparency == "translucent"


@pytest.mark.parametrize(
    "title,product_type,description,dims,scale_class",
    SIZE_CASES,
    ids=[c[0] for c in SIZE_CASES],
)
def test_size_class_follows_the_kind_and_the_words(
    title, product_type, description, dims, scale_class
):
    facts = _extract(title, product_type, description)
    found = facts.dimensions_cm.model_dump()
    assert {k: found[k] for k in dims} == dims
    assert facts.relative_scale.class_ == scale_class
