"""Facts from the original app → ProductPlacementFacts, keeping what cannot map.

The original stored numeric confidences, free placement-mode strings and nulls
where our schema wants labels, enum values and "". Anything that cannot be mapped
is named in `unknowns` (with its original value) instead of being lost.
"""

from __future__ import annotations

import json
import types
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from seeitnow.ai.schema import ProductPlacementFacts

# Free mode strings the original wrote → our placement modes.
MODE_SYNONYMS: dict[str, str] = {
    "floor_standing": "floor",
    "freestanding": "floor",
    "standing": "floor",
    "on_floor": "floor",
    "wall_mounted": "wall",
    "wall_hung": "wall",
    "hanging": "wall",
    "hung": "wall",
    "mounted": "wall",
    "table": "tabletop",
    "table_top": "tabletop",
    "countertop": "tabletop",
    "desk": "tabletop",
    "surface": "tabletop",
    "shelving": "shelf",
    "bookshelf": "shelf",
    "flat": "rug",
    "floor_flat": "rug",
    "laid_flat": "rug",
    "pendant": "ceiling",
    "suspended": "ceiling",
    "ceiling_hung": "ceiling",
    "lean": "leaning",
    "leaning_against_wall": "leaning",
    "leaned": "leaning",
}

# Enum fields with no "unknown" value take this when the original gave nothing.
FALLBACKS: dict[str, str] = {
    "scale.priority": "flexible_if_no_reference",
    "render_behavior.cropping_policy": "never_crop_product",
    "render_behavior.surface.strength": "medium",
}


# An entry left out of its list (its content goes to `unknowns`).
_DROP = object()


class LegacyFactsError(ValueError):
    """The record is not an object of facts at all."""


def _confidence(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        score = float(value)
        if score > 1:  # a percentage
            score /= 100
        return "high" if score >= 0.75 else "medium" if score >= 0.4 else "low"
    return None


def _key(text: str) -> str:
    return "_".join(text.strip().lower().replace("-", " ").split())


def _literal(allowed: tuple[str, ...], value: Any, path: str) -> str | None:
    if path.endswith("confidence"):
        label = _confidence(value)
        if label:
            return label
    if isinstance(value, str):
        key = _key(value)
        if key in allowed:
            return key
        if path.endswith(".mode") and MODE_SYNONYMS.get(key) in allowed:
            return MODE_SYNONYMS[key]
    return None


def _fallback(allowed: tuple[str, ...], path: str) -> str:
    generic = ".".join(p for p in path.split(".") if not p.isdigit())
    if "unknown" in allowed:
        return "unknown"
    if generic in FALLBACKS:
        return FALLBACKS[generic]
    return "low" if "low" in allowed else allowed[0]


def _note(unknowns: list[str], path: str, value: Any) -> None:
    unknowns.append(f"{path}: {json.dumps(value, ensure_ascii=False)}")


def _coerce(annotation: Any, value: Any, path: str, unknowns: list[str]) -> Any:
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        options = [a for a in get_args(annotation) if a is not type(None)]
        if value is None:
            return None
        return _coerce(options[0], value, path, unknowns)
    if origin is Literal:
        allowed = get_args(annotation)
        mapped = _literal(allowed, value, path)
        if mapped is None:
            if value not in (None, ""):
                _note(unknowns, path, value)
            return _fallback(allowed, path)
        return mapped
    if origin is list:
        (item,) = get_args(annotation)
        if value is None:
            return []
        if not isinstance(value, list):
            value = [value]
        out = []
        for i, entry in enumerate(value):
            coerced = _coerce(item, entry, f"{path}.{i}", unknowns)
            if coerced is not _DROP:
                out.append(coerced)
        return out
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _model(annotation, value, path, unknowns)
    if annotation is str:
        if value is None:
            return ""
        return value if isinstance(value, str) else json.dumps(value)
    if annotation is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        try:
            return float(str(value).replace(",", ".").removesuffix("cm").strip())
        except ValueError:
            _note(unknowns, path, value)
            return None
    return value


def _model(model: type[BaseModel], value: Any, path: str, unknowns: list[str]):
    if not isinstance(value, dict):
        if value is not None:
            _note(unknowns, path or "(root)", value)
        value = {}
    prefix = f"{path}." if path else ""
    out: dict[str, Any] = {}
    fields = {(info.alias or name): info for name, info in model.model_fields.items()}
    for key, info in fields.items():
        if key == "unknowns" and not path:
            continue
        raw = value.get(key)
        if key == "mode" and path.split(".")[-2:-1] == ["allowed_modes"]:
            mapped = _literal(get_args(info.annotation), raw, f"{prefix}{key}")
            if mapped is None:
                # A mode we cannot place the product in is no placement at all.
                _note(unknowns, path, value)
                return _DROP
        out[key] = _coerce(info.annotation, raw, f"{prefix}{key}", unknowns)
    for key in value.keys() - fields.keys():
        if value[key] not in (None, "", [], {}):
            _note(unknowns, f"{prefix}{key}", value[key])
    return out


def legacy_facts_convert(*, record: dict) -> dict:
    """The original app's facts as valid ProductPlacementFacts (a plain dict).

    Confidences ≥ 0.75 are high, ≥ 0.4 medium, else low; modes map to the closest
    of ours or are dropped into `unknowns`; nulls become "" (or "unknown", [] and
    the safe enum value); unknown keys are kept in `unknowns` with their value.
    """
    if not isinstance(record, dict):
        raise LegacyFactsError("legacy facts must be a JSON object")
    unknowns: list[str] = []
    facts = _model(ProductPlacementFacts, record, "", unknowns)
    kept = record.get("unknowns") or []
    kept = [kept] if isinstance(kept, str) else kept
    facts["unknowns"] = [str(u) for u in kept if u] + unknowns
    return ProductPlacementFacts.model_validate(facts).model_dump()
