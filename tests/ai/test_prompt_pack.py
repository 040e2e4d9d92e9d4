from __future__ import annotations

import hashlib

import pytest
from pydantic import ValidationError

from assets.pipeline.builder import build_context, build_prompt_pack
from assets.prompts import config_snapshot, prompt_hashes
from assets.prompts.texts import (
    BUILDER_INSTRUCTIONS,
    EXTRACTOR_INSTRUCTIONS,
    GLOBAL_RENDER_RULES,
)
from seeitnow.ai.base import ProductText
from seeitnow.ai.local import LocalProvider
from seeitnow.ai.rules import MATERIAL_RULES, SCALE_GUARDRAILS, VARIANT_INTENTS
from seeitnow.ai.schema import VARIANT_IDS, PromptPack


def _facts(title="Reclaimed teak sideboard 180 x 45 x 80 cm"):
    return (
        LocalProvider()
        .extract_facts(product=ProductText(title=title), images=[], instructions="")
        .model_dump()
    )


def _variants(ids):
    return [{"id": i, "variation": f"place {i}"} for i in ids]


def test_local_builder_output_is_a_valid_pack_with_v01_to_v08():
    pack = build_prompt_pack(provider=LocalProvider(), resolved_facts=_facts())
    again = PromptPack.model_validate(pack.model_dump())
    assert [v.id for v in again.variants] == list(VARIANT_IDS)
    assert "180 cm wide, 45 cm deep, 80 cm high" in pack.product_context
    assert MATERIAL_RULES["reclaimed_teak"] in pack.product_context
    assert SCALE_GUARDRAILS["large"] in pack.product_context
    texts = [v.variation for v in pack.variants]
    assert len(set(texts)) == 8
    assert "20 % smaller" in texts[1] and "20 % larger" in texts[2]
    assert "standing on the floor" in texts[0]


def test_secondary_placement_uses_the_second_allowed_mode():
    pack = build_prompt_pack(
        provider=LocalProvider(), resolved_facts=_facts("Round wall mirror 60 cm")
    )
    assert "hung on a wall" in pack.variants[0].variation
    assert "leaning against a wall" in pack.variants[3].variation
    assert "leaning against a wall" in pack.variants[4].variation


def test_merchant_instructions_reach_context_and_local_pack():
    facts = _facts()
    context = build_context(
        resolved_facts=facts,
        product_instructions="Always on the left wall.",
        shop_instructions="Warm light.",
    )
    assert context.endswith(
        "Merchant instructions:\nWarm light.\nAlways on the left wall."
    )
    for vid, intent in VARIANT_INTENTS.items():
        assert f"- {vid}: placement = {intent['placement_text']}" in context
    pack = build_prompt_pack(
        provider=LocalProvider(),
        resolved_facts=facts,
        product_instructions="Always on the left wall.",
    )
    assert pack.product_context.endswith(
        "Merchant instructions: Always on the left wall."
    )


@pytest.mark.parametrize(
    "ids,message",
    [
        (VARIANT_IDS[:7], "missing ids ['V08']"),
        ((*VARIANT_IDS[:7], "V07"), "duplicated ids ['V07']"),
        ((*VARIANT_IDS[:7], "V09"), "unknown ids ['V09']"),
        (tuple(reversed(VARIANT_IDS)), "ids out of order"),
        ((), "missing ids"),
    ],
)
def test_prompt_pack_rejects_anything_but_v01_to_v08(ids, message):
    with pytest.raises(ValidationError) as err:
        PromptPack.model_validate({"product_context": "x", "variants": _variants(ids)})
    assert message in str(err.value)


def test_prompt_pack_rejects_extra_fields_and_empty_text():
    with pytest.raises(ValidationError):
        PromptPack.model_validate(
            {"product_context": "x", "variants": _variants(VARIANT_IDS), "extra": 1}
        )
    with pytest.raises(ValidationError):
        PromptPack.model_validate(
            {"product_context": "", "variants": _variants(VARIANT_IDS)}
        )


def test_prompt_hashes_are_sha256_of_the_texts():
    assert prompt_hashes() == {
        "global_hash": hashlib.sha256(GLOBAL_RENDER_RULES.encode()).hexdigest(),
        "extractor_hash": hashlib.sha256(EXTRACTOR_INSTRUCTIONS.encode()).hexdigest(),
        "builder_hash": hashlib.sha256(BUILDER_INSTRUCTIONS.encode()).hexdigest(),
    }


def test_config_snapshot_is_json_and_names_models(settings):
    import json

    settings.GEMINI_IMAGE_MODEL = "img-model"
    snapshot = config_snapshot()
    assert json.loads(json.dumps(snapshot)) == snapshot
    assert snapshot["models"]["image"] == "img-model"
    assert list(snapshot["variant_intents"]) == list(VARIANT_IDS)
    assert set(snapshot["material_rules"]) == set(MATERIAL_RULES)
    assert set(snapshot["scale_guardrails"]) >= {
        "tiny",
        "small",
        "medium",
        "large",
        "oversized",
        "architectural",
    }


@pytest.mark.parametrize(
    "phrase",
    [
        "aspect ratio",
        "full frame",
        "Change only what is needed",
        "collage",
        "split view",
        "scale it down rather than crop",
        "transparent background",
        "patina",
        "grain",
        "imperfections",
        "mounting hardware",
        "perspective",
        "shadows",
        "occlusion",
        "reflections",
        "filter",
        "grading",
        "vignette",
        "stylisation",
        "Return only the image",
    ],
)
def test_global_rules_cover_every_spec_rule(phrase):
    assert phrase.lower() in " ".join(GLOBAL_RENDER_RULES.split()).lower()
