"""Demo images drawn in code: studio product photos, room photos, the catalog."""

from __future__ import annotations

from demo.images.assets import encode, write_demo_assets
from demo.images.catalog import DEMO_PRODUCTS
from demo.images.products import PRODUCT_KINDS, product_photo
from demo.images.rooms import ROOM_KINDS, room_photo

__all__ = [
    "DEMO_PRODUCTS",
    "PRODUCT_KINDS",
    "ROOM_KINDS",
    "encode",
    "product_photo",
    "room_photo",
    "write_demo_assets",
]
