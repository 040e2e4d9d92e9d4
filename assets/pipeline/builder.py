"""LLM #2 step: resolved facts + rules + intents (+ merchant notes) → PromptPack."""

from __future__ import annotations

import json

from assets.prompts.texts import BUILDER_INSTRUCTIONS
from seeitnow.ai.base import AIError, AIProvider
from seeitnow.ai.rules import (
    MERCHANT_SECTION_HEADER,
    cropping_rule_for,
    material_rules_text,
    scale_guardrail_for,
    variant_intents_text,
)
from seeitnow.ai.schema import PromptPack

SCALE_LINE = "Relative scale: {guardrail}"
FRAMING_LINE = "Framing: {rule}."
APPEARANCE_LINE = "Appearance: {description}"


def build_context(
    *,
    resolved_facts: dict,
    product_instructions: str = "",
    shop_instructions: str = "",
) -> str:
    """The user-side text of the builder call, deterministic for given inputs."""
    material = resolved_facts.get("material_profile", {}).get("primary")
    sections = [
        "Resolved product facts (JSON):\n"
        + json.dumps(resolved_facts, indent=2, sort_keys=True, ensure_ascii=False),
        "Material rules (this product's material):\n" + material_rules_text(material),
        "Scale guardrail (computed from the facts; the app adds it to every "
        "variation as is):\n" + scale_guardrail_for(resolved_facts),
        "Variant intents (write exactly these eight, in this order):\n"
        + variant_intents_text(),
    ]
    merchant = [
        text.strip()
        for text in (shop_instructions, product_instructions)
        if text and text.strip()
    ]
    if merchant:
        # Last, so the local builder can find it and an LLM reads it as overriding.
        sections.append(MERCHANT_SECTION_HEADER + "\n" + "\n".join(merchant))
    return "\n\n".join(sections)


def with_fixed_lines(pack: PromptPack, *, resolved_facts: dict) -> PromptPack:
    """`pack` with the lines the app owns, added where the model left them out.

    The scale guardrail, the framing rule (from `cropping_policy`) and the visual
    description are facts, not the model's to paraphrase: each variation ends with
    `Relative scale: {guardrail}` verbatim, the product context carries the rest.
    """
    scale_line = SCALE_LINE.format(guardrail=scale_guardrail_for(resolved_facts))
    policy = resolved_facts.get("render_behavior", {}).get("cropping_policy")
    context_lines = [pack.product_context.strip()]
    description = (
        resolved_facts.get("identity", {}).get("visual_description") or ""
    ).strip()
    if description and description not in pack.product_context:
        context_lines.insert(0, APPEARANCE_LINE.format(description=description))
    framing = FRAMING_LINE.format(rule=cropping_rule_for(policy))
    if framing not in pack.product_context:
        context_lines.append(framing)
    variants = []
    for variant in pack.variants:
        text = variant.variation.strip()
        if scale_line not in text:
            text = f"{text}\n{scale_line}"
        variants.append({"id": variant.id, "variation": text})
    return PromptPack.model_validate(
        {"product_context": "\n".join(context_lines), "variants": variants}
    )


def build_prompt_pack(
    *,
    provider: AIProvider,
    resolved_facts: dict,
    product_instructions: str = "",
    shop_instructions: str = "",
) -> PromptPack:
    """Run LLM #2 with the builder instructions; raises AIError."""
    context = build_context(
        resolved_facts=resolved_facts,
        product_instructions=product_instructions,
        shop_instructions=shop_instructions,
    )
    pack = provider.build_prompt_pack(
        resolved_facts=resolved_facts,
        instructions=BUILDER_INSTRUCTIONS,
        context=context,
    )
    if not isinstance(pack, PromptPack):
        raise AIError("ai_bad_response", "the prompt builder returned no pack")
    return with_fixed_lines(pack, resolved_facts=resolved_facts)
