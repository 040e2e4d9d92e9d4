"""Shopify ids as the app receives them: numeric (`123`) or global (`gid://…/123`)."""

from __future__ import annotations

import re
from typing import Any

_PRODUCT_ID = re.compile(r"^(?:gid://shopify/Product/)?([0-9]{1,20})$")
_VARIANT_ID = re.compile(r"^(?:gid://shopify/ProductVariant/)?([0-9]{1,20})$")
_ANY_GID = re.compile(r"^gid://shopify/[A-Za-z]+/([0-9]{1,20})$")


def product_id_numeric(value: Any) -> str | None:
    """The numeric id of a product given as digits, an int or its gid; else None."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    match = _PRODUCT_ID.match(str(value))
    return match.group(1) if match else None


def variant_id_numeric(value: Any) -> str | None:
    """The numeric id of a product variant given as digits, an int or its gid."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    match = _VARIANT_ID.match(str(value))
    return match.group(1) if match else None


def gid_numeric(gid: str) -> str:
    """The numeric tail of any Shopify gid (`gid://shopify/Shop/1` → `1`)."""
    match = _ANY_GID.match(gid)
    if match is None:
        raise ValueError(f"not a Shopify gid: {gid!r}")
    return match.group(1)
