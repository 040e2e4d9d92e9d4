"""The product catalog of a shop: Shopify's Admin API, or the demo catalog.

`get_catalog(shop)` picks the backend. The demo shop (DEMO_SHOP_DOMAIN) has no
Shopify store behind it: its catalog is a JSON file with local product photos
under `MEDIA_ROOT/demo/`, created from `seeitnow.demo.images` on first use, so the
whole app runs without Shopify.
"""

from __future__ import annotations

import fcntl
import json
import os
from abc import ABC, abstractmethod
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from seeitnow.http import AppError
from shops import services, shopify
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
    """`123` or `gid://shopify/Product/123` → the gid."""
    product_id = str(product_id)
    if product_id.startswith("gid://"):
        return product_id
    if not product_id.isdigit():
        raise AppError("invalid_product_id", "Product id must be numeric.", 400)
    return f"gid://shopify/Product/{product_id}"


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
        id=node["id"].rsplit("/", 1)[-1],
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


class DemoCatalog(Catalog):
    """The demo shop's products: `MEDIA_ROOT/demo/catalog.json` + `products/*.jpg`."""

    def __init__(self) -> None:
        self.directory = Path(settings.MEDIA_ROOT) / "demo"
        self.path = self.directory / "catalog.json"

    @contextmanager
    def _locked(self):
        """Serialise writers across processes (the web server and the q2 workers)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.directory / ".catalog.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _read(self) -> list[dict]:
        if not self.path.exists():
            with self._locked():
                if not self.path.exists():
                    self._create()
        return json.loads(self.path.read_text())["products"]

    def _create(self) -> None:
        from seeitnow.demo.images import DEMO_PRODUCTS, write_demo_assets

        write_demo_assets(self.directory)
        self._write([dict(product) for product in DEMO_PRODUCTS])

    def _write(self, products: list[dict]) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"products": products}, indent=2))
        os.replace(tmp, self.path)

    def _product(self, data: dict) -> CatalogProduct:
        image = self.directory / "products" / f"{data['handle']}.jpg"
        url = image.resolve().as_uri()
        return CatalogProduct(
            id=str(data["id"]),
            gid=product_gid(str(data["id"])),
            title=data["title"],
            handle=data["handle"],
            product_type=data.get("product_type", ""),
            vendor=data.get("vendor", ""),
            tags=list(data.get("tags", [])),
            description=data.get("description", ""),
            images=[url],
            featured_image=url,
            metafields=dict(data.get("metafields", {})),
            preview_url=f"{settings.MEDIA_URL}demo/products/{data['handle']}.jpg",
        )

    def list_products(
        self, *, cursor: str | None = None, limit: int = 25, query: str = ""
    ) -> ProductPage:
        products = sorted(self._read(), key=lambda p: p["title"].lower())
        for term in query.split():
            if term.startswith("tag:"):
                products = [p for p in products if term[4:] in p.get("tags", [])]
            else:
                products = [p for p in products if term.lower() in p["title"].lower()]
        start = int(cursor) if cursor and cursor.isdigit() else 0
        end = start + max(1, min(limit, MAX_PAGE))
        return ProductPage(
            products=[self._product(p) for p in products[start:end]],
            next_cursor=str(end) if end < len(products) else None,
        )

    def get_product(self, product_id: str) -> CatalogProduct | None:
        gid = product_gid(product_id)
        return next(
            (
                self._product(p)
                for p in self._read()
                if product_gid(str(p["id"])) == gid
            ),
            None,
        )

    def _change_tags(self, product_id: str, tags: list[str], *, add: bool) -> None:
        gid = product_gid(product_id)
        self._read()
        with self._locked():
            products = json.loads(self.path.read_text())["products"]
            product = next(
                (p for p in products if product_gid(str(p["id"])) == gid), None
            )
            if product is None:
                raise AppError("product_not_found", "Product does not exist.", 404)
            current = list(product.get("tags", []))
            if add:
                current += [tag for tag in tags if tag not in current]
            else:
                current = [tag for tag in current if tag not in tags]
            product["tags"] = current
            self._write(products)

    def add_tags(self, product_id: str, tags: list[str]) -> None:
        self._change_tags(product_id, tags, add=True)

    def remove_tags(self, product_id: str, tags: list[str]) -> None:
        self._change_tags(product_id, tags, add=False)


def get_catalog(shop: Shop) -> Catalog:
    """The catalog backend for this shop."""
    if shop.shop_domain == settings.DEMO_SHOP_DOMAIN:
        return DemoCatalog()
    return ShopifyCatalog(shop)
