"""The product catalog of a shop: Shopify's Admin API, or a registered stand-in.

`get_catalog(shop)` picks the backend. The demo app registers the demo shop's
catalog (a JSON file with local photos) through `catalog_register`, so the whole
app runs without Shopify while this module knows nothing of the demo.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

from seeitnow.http import AppError
from shops import services, shopify
from shops.ids import gid_numeric, product_id_numeric
from shops.models import Shop

MAX_PAGE = 250


@dataclass(frozen=True)
class CatalogProduct:
    """A product as preparation and the merchant pages need it.

    `images` are what the server fetches (Shopify CDN, or `file://` for the demo);
    `preview_url` is what a browser can show.
    """

    id: str
    gid: str
    title: str
    handle: str
    product_type: str = ""
    vendor: str = ""
    tags: list[str] = field(default_factory=list)
    description: str = ""
    images: list[str] = field(default_factory=list)
    featured_image: str | None = None
    metafields: dict[str, str] = field(default_factory=dict)
    preview_url: str | None = None


@dataclass(frozen=True)
class ProductPage:
    products: list[CatalogProduct]
    next_cursor: str | None


def product_gid(product_id: str) -> str:
    """`123` or `gid://shopify/Product/123` → the gid; raises AppError otherwise."""
    numeric = product_id_numeric(product_id)
    if numeric is None:
        raise AppError("invalid_product_id", "Product id must be numeric.", 400)
    return f"gid://shopify/Product/{numeric}"


class Catalog(ABC):
    """What a catalog backend does. Errors are AppError: `invalid_product_id`,
    `product_not_found`, `shopify_unauthorized` (401), `shopify_unavailable` (502)."""

    @abstractmethod
    def list_products(
        self, *, cursor: str | None = None, limit: int = 25, query: str = ""
    ) -> ProductPage: ...

    @abstractmethod
    def get_product(self, product_id: str) -> CatalogProduct | None: ...

    @abstractmethod
    def add_tags(self, product_id: str, tags: list[str]) -> None: ...

    @abstractmethod
    def remove_tags(self, product_id: str, tags: list[str]) -> None: ...


def _from_node(node: dict) -> CatalogProduct:
    images = [image["url"] for image in (node.get("images") or {}).get("nodes", [])]
    featured = (node.get("featuredImage") or {}).get("url")
    metafields = {
        f"{m['namespace']}.{m['key']}": m["value"]
        for m in (node.get("metafields") or {}).get("nodes", [])
    }
    return CatalogProduct(
        id=gid_numeric(node["id"]),
        gid=node["id"],
        title=node.get("title") or "",
        handle=node.get("handle") or "",
        product_type=node.get("productType") or "",
        vendor=node.get("vendor") or "",
        tags=list(node.get("tags") or []),
        description=node.get("descriptionHtml") or "",
        images=images or ([featured] if featured else []),
        featured_image=featured or (images[0] if images else None),
        metafields=metafields,
        preview_url=featured or (images[0] if images else None),
    )


class ShopifyCatalog(Catalog):
    """The shop's products through the Admin GraphQL API."""

    def __init__(self, shop: Shop) -> None:
        self.shop = shop

    @contextmanager
    def _client(self):
        try:
            yield services.shop_admin_client(shop=self.shop)
        except shopify.ShopifyAuthError as exc:
            raise AppError(
                "shopify_unauthorized", "Open the app in Shopify again.", 401
            ) from exc
        except shopify.ShopifyAdminError as exc:
            if exc.code == "user_errors":
                raise AppError("product_not_found", exc.message, 404) from exc
            raise AppError(
                "shopify_unavailable", "Shopify could not be reached.", 502
            ) from exc

    def list_products(
        self, *, cursor: str | None = None, limit: int = 25, query: str = ""
    ) -> ProductPage:
        with self._client() as client:
            page = client.list_products(
                first=max(1, min(limit, MAX_PAGE)), after=cursor, query=query
            )
        info = page["pageInfo"]
        return ProductPage(
            products=[_from_node(node) for node in page["nodes"]],
            next_cursor=info["endCursor"] if info["hasNextPage"] else None,
        )

    def get_product(self, product_id: str) -> CatalogProduct | None:
        gid = product_gid(product_id)
        with self._client() as client:
            node = client.get_product(gid=gid)
        return _from_node(node) if node else None

    def add_tags(self, product_id: str, tags: list[str]) -> None:
        gid = product_gid(product_id)
        with self._client() as client:
            client.add_tags(gid=gid, tags=tags)

    def remove_tags(self, product_id: str, tags: list[str]) -> None:
        gid = product_gid(product_id)
        with self._client() as client:
            client.remove_tags(gid=gid, tags=tags)


# Shops whose catalog is not their Shopify store (the demo shop), by domain.
_CATALOGS: dict[str, Callable[[], Catalog]] = {}


def catalog_register(*, shop_domain: str, factory: Callable[[], Catalog]) -> None:
    """Serve `shop_domain`'s products from `factory()` instead of Shopify."""
    _CATALOGS[shop_domain] = factory


def get_catalog(shop: Shop) -> Catalog:
    """The catalog backend for this shop."""
    factory = _CATALOGS.get(shop.shop_domain)
    return factory() if factory is not None else ShopifyCatalog(shop)
