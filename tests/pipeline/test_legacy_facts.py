"""Facts exported from the original app load after mapping; nothing is lost."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command
from pydantic import ValidationError

from assets.pipeline.legacy import LegacyFactsError, legacy_facts_convert
from seeitnow.ai.schema import ProductPlacementFacts
from tests.factories import make_asset

# Shaped like the original app's stored facts: numeric confidences, free mode
# strings, nulls for strings and enums, a key our schema does not have.
ORIGINAL = {
    "identity": {
        "title": "Arched Oak Floor Mirror",
        "product_kind": "floor mirror",
        "category_path": None,
        "style_cues": ["scandinavian"],
    },
    "dimensions_cm": {"h": 180, "w": "90", "d": 4, "diameter": None, "thickness": None},
    "weight_class": "heavy",
    "deformability": None,
    "placement": {
        "allowed_modes": [
            {"mode": "leaning", "confidence": 0.92, "evidence": None},
            {"mode": "wall_mounted", "confidence": 0.55, "evidence": "has D-rings"},
            {"mode": "floating in the air", "confidence": 0.1, "evidence": None},
        ],
        "support_surfaces": [{"surface": "floor", "confidence": 0.8, "evidence": None}],
        "constraints": None,
        "do_not_do": ["do not hang from the ceiling"],
    },
    "orientation": {"constraint": "upright", "notes": None},
    "scale": {"priority": None, "notes": None},
    "relative_scale": {
        "class": "large",
        "evidence": None,
        "comparisons": [{"to": "a door", "confidence": 0.3, "evidence": None}],
    },
    "material_profile": {
        "primary": "mirror",
        "sheen": None,
        "transparency": "opaque",
        "notes": None,
    },
    "render_behavior": {
        "surface": [{"kind": "reflection", "strength": None, "notes": None}],
        "lighting": None,
        "interaction_rules": None,
        "cropping_policy": None,
    },
    "scale_guardrails": None,
    "affordances": None,
    "unknowns": None,
    "scene_role": "hero",
}


def test_the_original_record_does_not_validate_as_is():
    with pytest.raises(ValidationError) as info:
        ProductPlacementFacts.model_validate(ORIGINAL)
    assert info.value.error_count() >= 15


def test_an_original_record_imports_with_everything_kept():
    facts = legacy_facts_convert(record=ORIGINAL)

    assert ProductPlacementFacts.model_validate(facts).model_dump() == facts
    assert facts["placement"]["allowed_modes"] == [
        {"mode": "leaning", "confidence": "high", "evidence": ""},
        {"mode": "wall", "confidence": "medium", "evidence": "has D-rings"},
    ]
    assert facts["placement"]["support_surfaces"][0]["confidence"] == "high"
    assert facts["relative_scale"]["comparisons"][0]["confidence"] == "low"
    assert facts["dimensions_cm"] == {
        "h": 180.0,
        "w": 90.0,
        "d": 4.0,
        "diameter": None,
        "thickness": None,
    }
    assert facts["identity"]["category_path"] == []
    assert facts["identity"]["visual_description"] == ""
    assert facts["deformability"] == "unknown"
    assert facts["material_profile"]["sheen"] == "unknown"
    assert facts["scale"] == {"priority": "flexible_if_no_reference", "notes": ""}
    assert facts["render_behavior"]["cropping_policy"] == "never_crop_product"
    assert facts["render_behavior"]["surface"] == [
        {"kind": "reflection", "strength": "medium", "notes": ""}
    ]
    assert facts["scale_guardrails"] == ""
    assert facts["unknowns"] == [
        'placement.allowed_modes.2: {"mode": "floating in the air", '
        '"confidence": 0.1, "evidence": null}',
        'orientation.constraint: "upright"',
        'scene_role: "hero"',
    ]
    assert facts["orientation"]["constraint"] == "unknown"


def test_original_unknowns_are_kept_and_percentages_read_as_scores():
    record = {
        **ORIGINAL,
        "unknowns": ["weight"],
        "placement": {
            "allowed_modes": [{"mode": "Floor", "confidence": 80, "evidence": ""}]
        },
    }
    facts = legacy_facts_convert(record=record)
    assert facts["unknowns"][0] == "weight"
    assert facts["placement"]["allowed_modes"] == [
        {"mode": "floor", "confidence": "high", "evidence": ""}
    ]


def test_a_record_that_is_not_an_object_is_refused():
    with pytest.raises(LegacyFactsError):
        legacy_facts_convert(record=["not", "facts"])


@pytest.mark.django_db
def test_command_imports_facts_into_the_asset(shop, tmp_path):
    asset = make_asset(shop=shop)
    path = tmp_path / "facts.json"
    path.write_text(json.dumps({str(asset.pk): ORIGINAL}))

    call_command("import_legacy_facts", str(path))

    asset.refresh_from_db()
    assert asset.extracted_facts == legacy_facts_convert(record=ORIGINAL)
    assert asset.resolved_facts["scale_guardrails"].startswith(
        "a large floor mirror, 180 cm high, 90 cm wide, 4 cm deep"
    )
    assert asset.extracted_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "cannot read"),
        ("[]", "must hold a JSON object"),
        ('{"nope": {}}', "nope:"),
        ('{"00000000-0000-0000-0000-000000000001": {}}', "no such product assets"),
    ],
)
def test_command_refuses_bad_files_and_changes_nothing(
    shop, tmp_path, content, message
):
    asset = make_asset(shop=shop)
    before = asset.extracted_facts
    path = tmp_path / "facts.json"
    path.write_text(content)

    with pytest.raises(CommandError, match=message):
        call_command("import_legacy_facts", str(path))

    asset.refresh_from_db()
    assert asset.extracted_facts == before
