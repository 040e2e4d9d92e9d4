"""Final prompts are a fixed concatenation; hashes are stable."""

from __future__ import annotations

import hashlib

import pytest

from assets.prompts.texts import GLOBAL_RENDER_RULES
from renders.assembler import (
    PromptPackInvalid,
    assemble_prompt,
    assemble_prompts,
    image_meta,
    sha256_json,
    sha256_text,
)
from seeitnow.ai.schema import VARIANT_IDS
from tests.factories import SAMPLE_PROMPT_PACK
from tests.render.scene import cutout_png, room_jpeg


def test_prompt_is_rules_then_context_then_variation():
    prompt = assemble_prompt(
        product_context="  An oak table. ", variation="By the sofa.\n"
    )
    assert prompt == (
        GLOBAL_RENDER_RULES.rstrip()
        + "\n\nProduct context:\nAn oak table.\n\nVariation:\nBy the sofa.\n"
    )


def test_eight_prompts_in_order_and_deterministic():
    prompts = assemble_prompts(prompt_pack=SAMPLE_PROMPT_PACK)
    assert list(prompts) == list(VARIANT_IDS)
    assert prompts == assemble_prompts(prompt_pack=SAMPLE_PROMPT_PACK)
    assert prompts["V03"].endswith(
        "Variation:\nVariation V03: place it beside the sofa.\n"
    )
    assert len({sha256_text(p) for p in prompts.values()}) == 8


@pytest.mark.parametrize(
    ("pack", "message"),
    [
        ({}, "the prompt pack has no product_context"),
        (
            {"product_context": " ", "variants": []},
            "the prompt pack has no product_context",
        ),
        (
            {
                "product_context": "x",
                "variants": [{"id": v, "variation": "y"} for v in VARIANT_IDS[:6]],
            },
            "the prompt pack lacks V07, V08",
        ),
        (
            {
                "product_context": "x",
                "variants": [
                    {"id": v, "variation": "" if v == "V02" else "y"}
                    for v in VARIANT_IDS
                ],
            },
            "the prompt pack lacks V02",
        ),
    ],
)
def test_incomplete_pack_is_refused(pack, message):
    with pytest.raises(PromptPackInvalid) as exc:
        assemble_prompts(prompt_pack=pack)
    assert str(exc.value) == message


def test_hashes():
    assert sha256_text("é") == hashlib.sha256("é".encode()).hexdigest()
    assert sha256_json({"b": 1, "a": [1, 2]}) == sha256_json({"a": [1, 2], "b": 1})
    assert sha256_json({"a": 1}) == hashlib.sha256(b'{"a":1}').hexdigest()


def test_image_meta():
    png = cutout_png((30, 40))
    assert image_meta(png) == {
        "width": 30,
        "height": 40,
        "bytes": len(png),
        "format": "PNG",
    }
    jpg = room_jpeg((64, 48))
    assert image_meta(jpg) == {
        "width": 64,
        "height": 48,
        "bytes": len(jpg),
        "format": "JPEG",
    }
