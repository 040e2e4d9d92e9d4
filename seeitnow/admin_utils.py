"""Small display helpers shared by the apps' Django admin classes."""

from __future__ import annotations

import json
from typing import Any

from django.utils.html import format_html

from seeitnow import storage


def pretty_json(value: Any):
    """Read-only, indented JSON in a scrollable block."""
    if value in (None, "", {}, []):
        return "—"
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return value
    text = json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)
    return format_html(
        '<pre style="max-height:28em;overflow:auto;white-space:pre-wrap;'
        'background:#f8f8f8;padding:.6em;border-radius:4px">{}</pre>',
        text,
    )


def thumbnail(key: str | None, *, size: int = 96):
    """An <img> of a stored image through a signed read URL, or a dash."""
    if not key:
        return "—"
    url = storage.signed_read_url(key)
    return format_html(
        '<a href="{}" target="_blank" rel="noopener"><img src="{}" alt="" '
        'style="max-width:{}px;max-height:{}px;border-radius:4px;'
        'background:repeating-conic-gradient(#eee 0 25%,#fff 0 50%) 0 0/12px 12px">'
        "</a>",
        url,
        url,
        size,
        size,
    )
