"""Demo images drawn in code: studio product photos, room photos, the catalog."""

from __future__ import annotations

from seeitnow.demo.images.assets import encode, write_demo_assets
from seeitnow.demo.images.catalog import DEMO_PRODUCTS
from seeitnow.demo.images.products import PRODUCT_KINDS, product_photo
from seeitnow.demo.images.rooms import ROOM_KINDS, room_photo

__all__ = [
    "DEMO_PRODUCTS",
    "PRODUCT_KINDS",
    "ROOM_KINDS",
    "encode",
    "product_photo",
    "room_photo",
    "write_demo_assets",
]
