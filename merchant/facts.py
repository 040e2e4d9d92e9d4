"""The facts editor's description of ProductPlacementFacts, read off the schema so
every field gets a control and a new field shows up without template changes."""

from __future__ import annotations

import types
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from seeitnow.ai.schema import ProductPlacementFacts

# Field names the schema spells tersely; the rest are titled from the name.
_LABELS = {
    "h": "Height",
    "w": "Width",
    "d": "Depth",
    "class": "Size class",
    "to": "Compared to",
    "do_not_do": "Never do",
    "dimensions_cm": "Dimensions",
}


def _label(name: str) -> str:
    return _LABELS.get(name, name.replace("_", " ").capitalize())


def _describe(name: str, annotation: Any, path: str) -> dict[str, Any]:
    field = {"name": name, "path": path, "label": _label(name)}
    origin = get_origin(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return {**field, "kind": "group", "fields": _fields(annotation, f"{path}.")}
    if origin is Literal:
        return {**field, "kind": "enum", "options": list(get_args(annotation))}
    if origin in (Union, types.UnionType):
        # `float | None`: a measurement that may be unknown.
        return {**field, "kind": "number", "unit": "cm"}
    if origin is list:
        (item,) = get_args(annotation)
        if isinstance(item, type) and issubclass(item, BaseModel):
            return {**field, "kind": "objects", "fields": _fields(item, "")}
        return {**field, "kind": "list"}
    return {**field, "kind": "text"}


def _fields(model: type[BaseModel], prefix: str) -> list[dict[str, Any]]:
    return [
        _describe(info.alias or name, info.annotation, f"{prefix}{info.alias or name}")
        for name, info in model.model_fields.items()
    ]


def facts_form() -> list[dict[str, Any]]:
    """Every field of ProductPlacementFacts as the editor draws it."""
    return _fields(ProductPlacementFacts, "")
