"""Variant intents, material rules and scale guardrails: data, then their text."""

from __future__ import annotations

# The builder context ends with this section when the merchant wrote instructions;
# the local builder reads it back from there.
MERCHANT_SECTION_HEADER = "Merchant instructions:"

VARIANT_INTENTS: dict[str, dict[str, str]] = {
    "V01": {
        "placement": "primary",
        "placement_text": "the primary expected placement",
        "scale": "best_guess",
        "scale_text": (
            "best guess from the dimensions, sized against the nearest strong "
            "in-frame reference (doorway, sofa, chair, benchtop, bed)"
        ),
    },
    "V02": {
        "placement": "primary",
        "placement_text": "the same placement as V01",
        "scale": "smaller",
        "scale_text": "15-25 % smaller than V01, visibly so, still plausible",
    },
    "V03": {
        "placement": "primary",
        "placement_text": "the same placement as V01",
        "scale": "larger",
        "scale_text": "15-25 % larger than V01, visibly so, still plausible",
    },
    "V04": {
        "placement": "secondary",
        "placement_text": "a secondary valid placement",
        "scale": "best_guess",
        "scale_text": "best guess, sized against the nearest reference there",
    },
    "V05": {
        "placement": "secondary",
        "placement_text": "the same placement as V04",
        "scale": "smaller",
        "scale_text": "15-25 % smaller than V04",
    },
    "V06": {
        "placement": "other_anchor",
        "placement_text": (
            "a different anchor: another wall or piece of furniture than in V01 and V04"
        ),
        "scale": "best_guess",
        "scale_text": "best guess",
    },
    "V07": {
        "placement": "primary",
        "placement_text": (
            "the primary placement, where several scale references are visible"
        ),
        "scale": "context_heavy",
        "scale_text": (
            "context-heavy: size it consistently against all visible references; "
            "the camera viewpoint stays unchanged"
        ),
    },
    "V08": {
        "placement": "primary",
        "placement_text": "the primary placement, maximum realism",
        "scale": "conservative",
        "scale_text": (
            "conservative if uncertain, with the strictest preservation of the "
            "product's appearance"
        ),
    },
}

MATERIAL_RULES: dict[str, str] = {
    "mirror": "a mirror shows the room's reflection, consistent with its position",
    "glass": (
        "glass handles transparency: the room shows through it with subtle "
        "refraction and edge highlights"
    ),
    "reclaimed_teak": (
        "reclaimed teak keeps its patina and grain variation; do not even it out"
    ),
    "painted_wood": "painted wood keeps its finish exactly, with no added wear",
    "ceramic": "ceramic shows subtle glaze reflections of the room's light",
    "metal": "metal handles specular highlights consistent with the room's light",
    "stone": "stone keeps its texture, veining and pores",
    "fabric": "fabric gets soft shadows and a natural drape",
    "leather": "leather shows its texture, grain and natural creasing",
}

SCALE_GUARDRAILS: dict[str, str] = {
    "architectural": (
        "architectural: claims significant space in the room and is never scaled "
        "down for convenience"
    ),
    "oversized": "oversized: dominates the space; use the ceiling height as reference",
    "large": "large: size against doorways, sofas and other furniture",
    "medium": "medium: scale to the nearby furniture",
    "small": "small: stays modest, on tabletops and shelves",
    "tiny": "tiny: stays small and is never enlarged to fill space",
    "unknown": (
        "unknown: no reliable size; prefer a conservative, plausible size against "
        "the nearest reference"
    ),
}

# Largest dimension (cm) below which a product falls in each class; the local
# extractor uses these, and the builder context shows them to LLM #2.
RELATIVE_SCALE_THRESHOLDS_CM: tuple[tuple[str, float], ...] = (
    ("tiny", 15.0),
    ("small", 40.0),
    ("medium", 100.0),
    ("large", 200.0),
    ("oversized", 300.0),
)


def relative_scale_for(largest_cm: float | None) -> str:
    """The relative scale class of a product whose largest dimension is given."""
    if largest_cm is None or largest_cm <= 0:
        return "unknown"
    for name, limit in RELATIVE_SCALE_THRESHOLDS_CM:
        if largest_cm < limit:
            return name
    return "architectural"


def variant_intents_text() -> str:
    """The eight intents as numbered lines for the builder."""
    return "\n".join(
        f"- {vid}: placement = {i['placement_text']}; scale = {i['scale_text']}."
        for vid, i in VARIANT_INTENTS.items()
    )


def material_rules_text(primary: str | None = None) -> str:
    """All material rules, the product's own material first when known."""
    lines = []
    if primary in MATERIAL_RULES:
        lines.append(f"- This product ({primary}): {MATERIAL_RULES[primary]}.")
    lines.extend(f"- {name}: {rule}." for name, rule in MATERIAL_RULES.items())
    return "\n".join(lines)


def scale_guardrails_text(scale_class: str | None = None) -> str:
    """All scale guardrails, the product's own class first when known."""
    lines = []
    if scale_class in SCALE_GUARDRAILS:
        lines.append(f"- This product is {SCALE_GUARDRAILS[scale_class]}.")
    lines.extend(f"- {rule}." for rule in SCALE_GUARDRAILS.values())
    return "\n".join(lines)
