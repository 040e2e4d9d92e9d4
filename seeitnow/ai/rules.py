"""Variant intents, material rules and scale guardrails: data, then their text."""

from __future__ import annotations

import re

# The builder context ends with this section when the merchant wrote instructions;
# the local builder reads it back from there.
MERCHANT_SECTION_HEADER = "Merchant instructions:"

# The whole upscale prompt: a placement brief would invite a re-composition.
UPSCALE_INSTRUCTION = (
    "Re-render this exact image at a higher resolution. Enhance sharpness and "
    "fine detail only. Do not move, add, remove, restyle or recolour anything; "
    "keep the composition, framing, perspective, lighting and every object exactly "
    "as they are. Return only the image."
)

# Each variant is rendered by an independent call that never sees the others, so
# every intent is self-contained: a variant never refers to another variant's id.
VARIANT_INTENTS: dict[str, dict[str, str]] = {
    "V01": {
        "placement": "primary",
        "placement_text": "the primary expected placement",
        "scale": "best_guess",
        "scale_text": (
            "the best-guess size from the dimensions, stated as a target in cm and "
            "checked against the nearest strong in-frame reference (doorway, sofa, "
            "chair, benchtop, bed)"
        ),
    },
    "V02": {
        "placement": "primary",
        "placement_text": "the primary expected placement",
        "scale": "smaller",
        "scale_text": (
            "a target about 20 % below the best-guess size (state that target in "
            "cm): visibly smaller, still plausible"
        ),
    },
    "V03": {
        "placement": "primary",
        "placement_text": "the primary expected placement",
        "scale": "larger",
        "scale_text": (
            "a target about 20 % above the best-guess size (state that target in "
            "cm): visibly larger, still plausible"
        ),
    },
    "V04": {
        "placement": "secondary",
        "placement_text": "a secondary valid placement, not the primary one",
        "scale": "best_guess",
        "scale_text": (
            "the best-guess size as a target in cm, checked against the nearest "
            "reference there"
        ),
    },
    "V05": {
        "placement": "secondary",
        "placement_text": "a secondary valid placement, not the primary one",
        "scale": "smaller",
        "scale_text": (
            "a target about 20 % below the best-guess size (state that target in cm)"
        ),
    },
    "V06": {
        "placement": "other_anchor",
        "placement_text": (
            "a different anchor: another wall or piece of furniture than the "
            "primary and secondary placements"
        ),
        "scale": "best_guess",
        "scale_text": "the best-guess size as a target in cm",
    },
    "V07": {
        "placement": "primary",
        "placement_text": (
            "the primary placement, where several scale references are visible"
        ),
        "scale": "context_heavy",
        "scale_text": (
            "context-heavy: the best-guess target in cm, checked against every "
            "visible reference; the camera viewpoint stays unchanged"
        ),
    },
    "V08": {
        "placement": "primary",
        "placement_text": "the primary placement, maximum realism",
        "scale": "conservative",
        "scale_text": (
            "conservative if uncertain (the lower end of a plausible target in cm), "
            "with the strictest preservation of the product's appearance"
        ),
    },
}

# Three to five rules per material; only the product's own material is sent.
MATERIAL_RULES: dict[str, tuple[str, ...]] = {
    "mirror": (
        "the mirror keeps its frame exactly: profile, colour and width unchanged",
        "the glass reflects plausible content of this room from the mirror's "
        "position and angle, never the camera or a different room",
        "the reflection follows the room's perspective and light; no blank, grey "
        "or sky-like fill",
        "the reflective area keeps its exact shape and bevel",
    ),
    "glass": (
        "glass stays glass, never plastic: crisp edges, thin specular highlights",
        "the room shows through it with subtle refraction, shifted behind curves",
        "tint and frosting stay exactly as in the product image",
        "no fogging, dust or fingerprints are added",
    ),
    "reclaimed_teak": (
        "reclaimed teak keeps its patina, colour variation and grain exactly",
        "old nail holes, joins, cracks and weathering are kept: do not even them out",
        "the wood stays matte to satin; no varnish-like gloss is added",
    ),
    "painted_wood": (
        "painted wood keeps its exact paint colour and finish",
        "brush marks and edges stay as they are; no wear or distressing is added",
        "the sheen matches the product image, neither glossier nor flatter",
    ),
    "ceramic": (
        "ceramic keeps its glaze colour, drips and crackle exactly",
        "glazed areas show subtle reflections of the room's light; unglazed "
        "areas stay matte",
        "the form keeps its handmade irregularities; do not make it symmetrical",
    ),
    "metal": (
        "metal keeps its colour and finish (brushed, polished, patinated, powder "
        "coated)",
        "brushed metal keeps its brushing direction",
        "specular highlights come from the room's own light sources",
        "no rust, tarnish or shine is added or removed",
    ),
    "stone": (
        "stone keeps its texture, veining and pores exactly",
        "vein direction and colour stay as in the product image; nothing is mirrored "
        "or repeated",
        "honed stone stays matte, polished stone reflects softly",
    ),
    "fabric": (
        "fabric keeps its weave, pile and texture visible at the right scale",
        "it gets soft shadows and a natural drape where it is flexible",
        "colour and pattern stay exactly as in the product image, pattern scale "
        "included",
        "creases and slubs in natural fibres are kept",
    ),
    "leather": (
        "leather keeps its grain, texture and natural creasing",
        "its colour and patina stay as in the product image, worn areas included",
        "the sheen stays as it is, neither oilier nor drier",
    ),
    "mixed": (
        "each material keeps its own finish: do not unify them into one surface",
        "boundaries between materials stay exactly where the product image has them",
        "each part reacts to the room's light as its own material would",
    ),
    "unknown": (
        "the surfaces look exactly as in the product image: colour, texture and sheen",
        "no material is guessed at or changed: do not add gloss, grain or weave",
        "the room's light falls on it consistently with its visible finish",
    ),
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

# What the extractor's cropping_policy lets the image model do; the builder puts
# the product's own line in its product context.
CROPPING_RULES: dict[str, str] = {
    "never_crop_product": (
        "the whole product stays inside the frame; if it does not fit at its "
        "target size, use a spot where it does, else scale it down; never crop it"
    ),
    "allow_small_crop": (
        "a small crop at the frame edge is acceptable to keep its true size, as "
        "long as its defining features stay in frame"
    ),
    "allow_crop_if_needed": (
        "it may run past the frame edge or under furniture when its true size "
        "requires it; keep the true size rather than shrink it to fit"
    ),
}

# Largest dimension (cm) below which a product of no known kind falls in each class.
RELATIVE_SCALE_THRESHOLDS_CM: tuple[tuple[str, float], ...] = (
    ("tiny", 15.0),
    ("small", 40.0),
    ("medium", 100.0),
    ("large", 200.0),
    ("oversized", 300.0),
)

# Kinds whose usual size spans a class boundary: (words in the kind, the class of
# a typical one, the typical range of the largest dimension in cm). A 210 cm sofa
# is a large sofa, not an oversized object; a 300 cm runner is a large rug. Below
# the range the class drops one step, above it rises one. First match wins.
KIND_SIZE_RANGES: tuple[tuple[tuple[str, ...], str, float, float], ...] = (
    (("floor mirror", "standing mirror", "leaner"), "large", 120.0, 220.0),
    (("rug", "runner", "carpet", "kilim"), "large", 120.0, 420.0),
    (("sofa", "couch", "sectional", "settee", "daybed"), "large", 140.0, 300.0),
    (("bed",), "large", 140.0, 240.0),
    (("wardrobe", "bookcase", "bookshelf"), "large", 90.0, 240.0),
    (("sideboard", "credenza", "dresser", "buffet"), "large", 100.0, 240.0),
    (("dining table",), "large", 120.0, 300.0),
    (("floor lamp", "arc lamp"), "large", 120.0, 220.0),
    (("coffee table", "armchair", "chair", "stool", "bench"), "medium", 40.0, 140.0),
    (("table lamp", "desk lamp", "bedside lamp"), "small", 15.0, 80.0),
)

# Words that speak for a size when the listing states none.
SIZE_WORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("oversized", "extra large", "xxl", "xl", "statement piece"), "large"),
    (("floor mirror",), "large"),
    (("petite", "mini", "tabletop", "miniature"), "small"),
)

_CLASS_ORDER = ("tiny", "small", "medium", "large", "oversized", "architectural")

# Common in-frame anchors (cm) a size is stated against.
SIZE_ANCHORS_CM: tuple[tuple[str, float], ...] = (
    ("a standard interior door (about 200 cm high)", 200.0),
    ("a kitchen bench top (about 90 cm high)", 90.0),
    ("a dining table top (about 75 cm high)", 75.0),
)


def _has_word(text: str, word: str) -> bool:
    return re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", text) is not None


def relative_scale_for(
    largest_cm: float | None, *, kind: str = "", text: str = ""
) -> str:
    """The size class from the largest dimension, the product kind and its words.

    With a dimension, the kind's typical range decides when one is known, else the
    generic thresholds. Without one, size words ("oversized", "petite") decide.
    """
    kind = kind.lower()
    if largest_cm is None or largest_cm <= 0:
        words = f"{kind} {text.lower()}"
        for phrases, scale_class in SIZE_WORDS:
            if any(_has_word(words, p) for p in phrases):
                return scale_class
        return "unknown"
    for phrases, typical, low, high in KIND_SIZE_RANGES:
        if any(_has_word(kind, p) for p in phrases):
            step = -1 if largest_cm < low else 1 if largest_cm > high else 0
            index = _CLASS_ORDER.index(typical) + step
            return _CLASS_ORDER[min(max(index, 0), len(_CLASS_ORDER) - 1)]
    for name, limit in RELATIVE_SCALE_THRESHOLDS_CM:
        if largest_cm < limit:
            return name
    return "architectural"


_DIM_NAMES = (
    ("h", "high"),
    ("w", "wide"),
    ("d", "deep"),
    ("diameter", "in diameter"),
    ("thickness", "thick"),
)


def _ratio(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def scale_guardrail_for(facts: dict) -> str:
    """The scale guardrail, written in code from the class, kind and dimensions.

    An LLM's sentence could contradict the dimensions; this one states them, the
    class rule and, for the height, its ratio to common anchors.
    """
    scale_class = (facts.get("relative_scale") or {}).get("class") or "unknown"
    if scale_class not in SCALE_GUARDRAILS:
        scale_class = "unknown"
    kind = ((facts.get("identity") or {}).get("product_kind") or "").strip()
    dims = facts.get("dimensions_cm") or {}
    stated = [
        f"{dims[key]:g} cm {label}"
        for key, label in _DIM_NAMES
        if isinstance(dims.get(key), int | float) and dims[key] > 0
    ]
    subject = kind if kind and kind != "unknown" else "product"
    article = "an" if scale_class[0] in "aeiou" else "a"
    text = f"{article} {scale_class} {subject}" if scale_class != "unknown" else subject
    if stated:
        text += f", {', '.join(stated)}"
    text += f"; {SCALE_GUARDRAILS[scale_class]}"
    height = dims.get("h")
    if isinstance(height, int | float) and height > 0:
        ratios = [f"{_ratio(height / cm)} x {name}" for name, cm in SIZE_ANCHORS_CM]
        text += f"; its height is about {'; '.join(ratios)}"
    elif not stated:
        text += "; no dimensions are stated, so keep it to a cautious size"
    return text + "."


def cropping_rule_for(policy: str | None) -> str:
    """The framing line for a cropping policy; never cropping when it is unknown."""
    return CROPPING_RULES.get(policy or "", CROPPING_RULES["never_crop_product"])


def material_rules_for(material: str | None) -> tuple[str, ...]:
    """The rules of one material; `unknown`'s when the material is not listed."""
    return MATERIAL_RULES.get(material or "unknown", MATERIAL_RULES["unknown"])


def variant_intents_text() -> str:
    """The eight intents as numbered lines for the builder."""
    return "\n".join(
        f"- {vid}: placement = {i['placement_text']}; scale = {i['scale_text']}."
        for vid, i in VARIANT_INTENTS.items()
    )


def material_rules_text(material: str | None) -> str:
    """The product's own material rules as lines for the builder."""
    name = material if material in MATERIAL_RULES else "unknown"
    return "\n".join(f"- {name}: {rule}." for rule in material_rules_for(name))
