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
from seeitnow.ai.rules import (
    CROPPING_RULES,
    MATERIAL_RULES,
    SCALE_GUARDRAILS,
    VARIANT_INTENTS,
    material_rules_text,
    scale_guardrail_for,
)
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
    for rule in MATERIAL_RULES["reclaimed_teak"]:
        assert rule[1:] in pack.product_context
    # Only the product's own material: no other material's rules.
    assert MATERIAL_RULES["mirror"][0][1:] not in pack.product_context
    assert pack.product_context.endswith(
        "Framing: " + CROPPING_RULES["never_crop_product"] + "."
    )
    texts = [v.variation for v in pack.variants]
    assert len(set(texts)) == 8
    assert "a target of about 64 cm high (about 20 % below" in texts[1]
    assert "a target of about 96 cm high (about 20 % above" in texts[2]
    assert "standing on the floor" in texts[0]
    scale_line = "Relative scale: " + scale_guardrail_for(_facts())
    assert SCALE_GUARDRAILS["large"] in scale_line
    assert all(t.endswith(scale_line) for t in texts)
    assert not any(vid in t for t in texts for vid in VARIANT_IDS)


def _scripted(context="A console.", variations=None):
    class Scripted(LocalProvider):
        def build_prompt_pack(self, *, resolved_facts, instructions, context):
            self.seen = (instructions, context)
            return PromptPack.model_validate(
                {
                    "product_context": scripted_context,
                    "variants": [
                        {"id": i, "variation": (variations or {}).get(i, f"Put {i}")}
                        for i in VARIANT_IDS
                    ],
                }
            )

    scripted_context = context
    return Scripted()


def test_an_llm_pack_gets_the_scale_line_framing_and_appearance():
    facts = _facts()
    facts["identity"]["visual_description"] = "Low sideboard, three doors."
    facts["render_behavior"]["cropping_policy"] = "allow_crop_if_needed"
    scale_line = "Relative scale: " + scale_guardrail_for(facts)
    provider = _scripted(variations={"V03": f"Larger.\n{scale_line}"})

    pack = build_prompt_pack(provider=provider, resolved_facts=facts)

    assert pack.product_context == (
        "Appearance: Low sideboard, three doors.\nA console.\n"
        "Framing: " + CROPPING_RULES["allow_crop_if_needed"] + "."
    )
    assert [v.variation for v in pack.variants] == [
        f"Put {i}\n{scale_line}" if i != "V03" else f"Larger.\n{scale_line}"
        for i in VARIANT_IDS
    ]
    instructions, context = provider.seen
    assert instructions == BUILDER_INSTRUCTIONS
    assert "Material rules (this product's material):\n- reclaimed_teak:" in context
    assert "- mirror:" not in context and "- glass:" not in context


@pytest.mark.parametrize("material", [*MATERIAL_RULES])
def test_every_material_has_three_to_five_rules(material):
    assert 3 <= len(MATERIAL_RULES[material]) <= 5
    assert (
        material_rules_text(material).count("\n") == len(MATERIAL_RULES[material]) - 1
    )


def test_material_rules_cover_mixed_unknown_and_the_originals_specifics():
    assert {"mixed", "unknown"} <= set(MATERIAL_RULES)
    text = " ".join(" ".join(r) for r in MATERIAL_RULES.values())
    for phrase in (
        "keeps its frame",
        "reflects plausible content of this room",
        "never plastic",
        "brushing direction",
        "weave",
    ):
        assert phrase in text
    assert material_rules_text("velvet") == material_rules_text("unknown")


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
    assert "Merchant instructions: Always on the left wall." in pack.product_context


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
    stored = config_snapshot()["texts"]
    assert prompt_hashes() == {
        "global_hash": hashlib.sha256(stored["global"].encode()).hexdigest(),
        "extractor_hash": hashlib.sha256(stored["extractor"].encode()).hexdigest(),
        "builder_hash": hashlib.sha256(stored["builder"].encode()).hexdigest(),
    }
    assert stored["global"].startswith(GLOBAL_RENDER_RULES)
    assert stored["extractor"].startswith(EXTRACTOR_INSTRUCTIONS)
    assert stored["builder"].startswith(BUILDER_INSTRUCTIONS)


def test_config_snapshot_is_json_and_names_models(settings):
    import json

    settings.GEMINI_IMAGE_MODEL = "img-model"
    snapshot = config_snapshot()
    assert json.loads(json.dumps(snapshot)) == snapshot
    assert snapshot["models"]["image"] == "img-model"
    assert set(snapshot["texts"]) == {"global", "extractor", "builder", "local", "code"}
    builder = snapshot["texts"]["builder"]
    for vid in VARIANT_IDS:
        assert f'"{vid}"' in builder
    for material in MATERIAL_RULES:
        assert f'"{material}"' in builder
    for scale_class in SCALE_GUARDRAILS:
        assert SCALE_GUARDRAILS[scale_class] in builder


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
