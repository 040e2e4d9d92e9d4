"""What the preview shop front shows: the demo catalog, its live state, sample rooms,
and the theme widget's strings and assets (read from the theme app extension)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings

from assets.models import AssetStatus
from assets.selectors import assets_by_product
from demo.catalog import DemoCatalog
from demo.images import DEMO_PRODUCTS
from shops.catalog import CatalogProduct
from shops.models import Shop

# The theme app extension, as Shopify CLI deploys it: the preview runs its widget.
EXTENSION_DIR = Path(__file__).resolve().parents[2] / "extensions" / "see-it-now"
WIDGET_ASSETS_DIR = EXTENSION_DIR / "assets"
DEFAULT_LOCALE = "en"

# Why a product has no "See it in your home" button, by its asset's status.
NOT_LIVE_REASONS = {
    None: "Not prepared yet",
    AssetStatus.UNPREPARED: "Not prepared yet",
    AssetStatus.PREPARING: "Being prepared",
    AssetStatus.PROCESSING: "Being prepared",
    AssetStatus.READY: "Prepared, not live yet",
    AssetStatus.FAILED: "Preparation failed",
}


@dataclass(frozen=True)
class PreviewProduct:
    id: str
    handle: str
    title: str
    vendor: str
    product_type: str
    description: str
    price: str
    variant_id: str
    image_url: str | None
    is_live: bool
    not_live_reason: str


@dataclass(frozen=True)
class SampleRoom:
    name: str
    label: str
    url: str


def _price(product_id: str) -> str:
    spec = next((p for p in DEMO_PRODUCTS if p["id"] == product_id), None)
    return f"${Decimal(spec['price']):,.2f}" if spec else ""


def preview_products(*, shop: Shop) -> list[PreviewProduct]:
    """The demo catalog's products with price and See It Now state, by title."""
    catalog: list[CatalogProduct] = DemoCatalog().list_products(limit=250).products
    assets = assets_by_product(shop=shop, product_ids=[p.id for p in catalog])
    products = []
    for product in catalog:
        asset = assets.get(product.id)
        status = asset.status if asset else None
        products.append(
            PreviewProduct(
                id=product.id,
                handle=product.handle,
                title=product.title,
                vendor=product.vendor,
                product_type=product.product_type,
                description=product.description,
                price=_price(product.id),
                # The demo catalog has no variants: one per product, id derived.
                variant_id=f"{product.id}01",
                image_url=product.preview_url,
                is_live=status == AssetStatus.LIVE,
                not_live_reason=NOT_LIVE_REASONS.get(status, ""),
            )
        )
    return products


def sample_rooms() -> list[SampleRoom]:
    """The demo's room photos (`MEDIA_ROOT/demo/rooms/*.jpg`), by name."""
    directory = Path(settings.MEDIA_ROOT) / "demo" / "rooms"
    return [
        SampleRoom(
            name=path.stem,
            label=path.stem.replace("_", " ").capitalize(),
            url=f"{settings.MEDIA_URL}demo/rooms/{path.name}",
        )
        for path in sorted(directory.glob("*.jpg"))
    ]


def widget_locales() -> list[str]:
    """The widget's storefront locales (`en` for `en.default.json`), sorted."""
    names = (
        p.name.removesuffix(".json") for p in (EXTENSION_DIR / "locales").glob("*.json")
    )
    return sorted(
        n.removesuffix(".default") for n in names if not n.endswith(".schema")
    )


def _flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            flat |= _flatten(value, f"{prefix}{key}.")
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def widget_strings(*, locale: str) -> dict[str, str]:
    """The widget's strings in `locale` as the Liquid block passes them to the JS:
    flat `group.key` names under `see_it_now`. Raises ValueError for an unknown
    locale."""
    if locale not in widget_locales():
        raise ValueError(f"unknown widget locale {locale!r}")
    name = f"{locale}.default.json" if locale == DEFAULT_LOCALE else f"{locale}.json"
    tree = json.loads((EXTENSION_DIR / "locales" / name).read_text(encoding="utf-8"))
    return _flatten(tree["see_it_now"])
