"""What a product's facts were extracted from, to tell later whether it changed."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings


def source_fingerprint(
    *,
    title: str,
    description: str,
    product_type: str,
    vendor: str,
    tags: list[str],
    image: str,
) -> dict[str, str]:
    """What a product's facts are extracted from, to tell later whether it changed.

    Our own storefront tag is left out: enabling a product must not look like an
    edit of it. The image URL is kept without its cache-busting query.
    """
    kept_tags = sorted(t for t in tags if t != settings.SHOPIFY_LIVE_TAG)
    text = "\n".join([title, description, product_type, vendor, ",".join(kept_tags)])
    return {
        "image": _image_identity(image),
        "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
    }


def source_fingerprint_of_record(field_source: dict[str, Any] | None) -> dict:
    """The fingerprint stored in an asset's `field_source` by its last preparation."""
    seen = (field_source or {}).get("extracted_from") or {}
    return {
        "image": _image_identity(seen.get("image", "")),
        "text_sha256": seen.get("text_sha256"),
    }


def _image_identity(url: str) -> str:
    """An image URL without its cache-busting query (`?v=…`)."""
    return url.split("?", 1)[0]
