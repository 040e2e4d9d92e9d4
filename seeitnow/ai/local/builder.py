"""Deterministic LLM #2 stand-in: the prompt pack from templates over the facts."""

from __future__ import annotations

from seeitnow.ai.rules import (
    MATERIAL_RULES,
    MERCHANT_SECTION_HEADER,
    VARIANT_INTENTS,
    material_rules_for,
)
from seeitnow.ai.schema import PromptPack

_MODE_TEXT = {
    "floor": "standing on the floor",
    "wall": "hung on a wall at a natural eye-level height",
    "tabletop": "resting on a table, sideboard or other furniture top",
    "shelf": "standing on a shelf",
    "rug": "lying flat on the floor",
    "ceiling": "hanging from the ceiling",
    "leaning": "leaning against a wall, resting on the floor",
}

_ANCHOR = {
    "primary": "in the most natural open spot for it",
    "secondary": "in a different valid spot in the room",
    "other_anchor": (
        "against another wall or piece of furniture than its primary and "
        "secondary spots"
    ),
}

# Size factor of each scale intent against the best-guess (true) size.
_SCALE_FACTOR = {
    "best_guess": 1.0,
    "smaller": 0.8,
    "larger": 1.2,
    "context_heavy": 1.0,
    "conservative": 0.9,
}

_SCALE_TEXT = {
    "best_guess": "its true size",
    "smaller": "about 20 % below its true size: visibly smaller, still plausible",
    "larger": "about 20 % above its true size: visibly larger, still plausible",
    "context_heavy": "its true size, checked against every visible reference; "
    "keep the camera viewpoint unchanged",
    "conservative": "a conservative size, at the low end if in doubt, with the "
    "strictest preservation of its appearance",
}

_REFERENCE = {
    "tiny": "a cup or book nearby",
    "small": "the tabletop or shelf it stands on",
    "medium": "nearby chairs and tables",
    "large": "the doorway, sofa or other furniture",
    "oversized": "the ceiling height",
    "architectural": "the ceiling height and the walls",
    "unknown": "the nearest piece of furniture",
}


def templates() -> dict:
    """The texts the local builder writes prompts from, for prompt versioning."""
    return {
        "modes": dict(_MODE_TEXT),
        "anchors": dict(_ANCHOR),
        "scale_factors": dict(_SCALE_FACTOR),
        "scales": dict(_SCALE_TEXT),
        "references": dict(_REFERENCE),
    }


def _modes(facts: dict) -> list[str]:
    modes = [m["mode"] for m in facts.get("placement", {}).get("allowed_modes", [])]
    return modes or ["floor"]


def _dims_text(facts: dict) -> str:
    dims = facts.get("dimensions_cm", {})
    names = {"w": "wide", "d": "deep", "h": "high", "diameter": "in diameter"}
    parts = [
        f"{dims[key]:g} cm {label}"
        for key, label in names.items()
        if dims.get(key) is not None
    ]
    return ", ".join(parts)


def _main_dimension(facts: dict) -> tuple[float, str] | None:
    """The dimension a target size is stated in: height, else width, else diameter."""
    dims = facts.get("dimensions_cm", {})
    for key, label in (("h", "high"), ("w", "wide"), ("diameter", "across")):
        value = dims.get(key)
        if isinstance(value, int | float) and value > 0:
            return float(value), label
    return None


def _target(facts: dict, scale: str) -> str:
    main = _main_dimension(facts)
    if main is None:
        return _SCALE_TEXT[scale]
    value, label = main
    target = value * _SCALE_FACTOR[scale]
    return f"a target of about {target:.0f} cm {label} ({_SCALE_TEXT[scale]})"


def product_context(facts: dict) -> str:
    """The product paragraph of every variant prompt."""
    identity = facts.get("identity", {})
    material = facts.get("material_profile", {})
    dims = _dims_text(facts)
    primary = material.get("primary", "unknown")
    sentences = [
        f"The product is {identity.get('title', 'the product')}"
        f" ({identity.get('product_kind', 'unknown kind')}).",
    ]
    if identity.get("visual_description"):
        sentences.append(identity["visual_description"].strip().rstrip(".") + ".")
    sentences += [
        f"It measures {dims}; respect these dimensions."
        if dims
        else "Its dimensions are not stated: size it as a cautious estimate.",
    ]
    if primary in MATERIAL_RULES and primary != "unknown":
        sheen = material.get("sheen", "unknown")
        finish = f"{sheen} " if sheen != "unknown" else ""
        sentences.append(f"It is made of {finish}{primary.replace('_', ' ')}.")
    sentences += [
        f"{rule[0].upper()}{rule[1:]}." for rule in material_rules_for(primary)
    ]
    orientation = facts.get("orientation", {}).get("constraint", "unknown")
    if orientation == "upright_only":
        sentences.append("It must stay upright.")
    sentences.append(f"Its usual placement is {_MODE_TEXT[_modes(facts)[0]]}.")
    do_not = facts.get("placement", {}).get("do_not_do", [])
    if do_not:
        sentences.append("Never: " + "; ".join(do_not) + ".")
    return " ".join(sentences)


def variation(facts: dict, variant_id: str) -> str:
    """One variant's placement and scale instruction, following its intent."""
    intent = VARIANT_INTENTS[variant_id]
    modes = _modes(facts)
    mode = (
        modes[1] if intent["placement"] == "secondary" and len(modes) > 1 else modes[0]
    )
    scale_class = facts.get("relative_scale", {}).get("class", "unknown")
    return (
        f"Place the product {_MODE_TEXT[mode]}, {_ANCHOR[intent['placement']]}. "
        f"Size it to {_target(facts, intent['scale'])}, judged against "
        f"{_REFERENCE.get(scale_class, _REFERENCE['unknown'])}."
    )


def merchant_instructions(context: str) -> str:
    """The merchant's section of a builder context, or ""."""
    _, found, rest = context.partition(MERCHANT_SECTION_HEADER)
    return " ".join(rest.split()) if found else ""


def build_local_prompt_pack(resolved_facts: dict, context: str = "") -> PromptPack:
    """A PromptPack with V01-V08 built from the facts and the variant intents."""
    text = product_context(resolved_facts)
    merchant = merchant_instructions(context)
    if merchant:
        text = f"{text} Merchant instructions: {merchant}"
    return PromptPack.model_validate(
        {
            "product_context": text,
            "variants": [
                {"id": vid, "variation": variation(resolved_facts, vid)}
                for vid in VARIANT_INTENTS
            ],
        }
    )
