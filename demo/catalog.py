"""The demo shop's catalog: a JSON file and local photos instead of a Shopify store.

Created under `MEDIA_ROOT/demo/` from the drawn demo products on first use;
`DemoConfig.ready` registers it for DEMO_SHOP_DOMAIN with `shops.catalog`.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from demo.images import DEMO_PRODUCTS, write_demo_assets
from seeitnow.http import AppError
from shops.catalog import MAX_PAGE, Catalog, CatalogProduct, ProductPage, product_gid

# Generated products get ids after the drawn ones (8000000001…).
GENERATED_ID_BASE = 8100000000


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
        write_demo_assets(self.directory)
        self._write([dict(product) for product in DEMO_PRODUCTS])

    def _write(self, products: list[dict]) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"products": products}, indent=2))
        os.replace(tmp, self.path)

    def add_generated(self, count: int) -> int:
        """Grow the catalog to the drawn products plus `count` generated ones
        (numbered copies of the drawn ones, each with its own photo file), for
        trying and measuring whole-catalog preparation. Returns how many it added.
        """
        self._read()
        with self._locked():
            products = json.loads(self.path.read_text())["products"]
            drawn = [p for p in products if not p.get("generated")]
            have = len(products) - len(drawn)
            photos = self.directory / "products"
            for n in range(have + 1, count + 1):
                base = drawn[(n - 1) % len(drawn)]
                handle = f"{base['handle']}-no-{n}"
                shutil.copyfile(
                    photos / f"{base['handle']}.jpg", photos / f"{handle}.jpg"
                )
                products.append(
                    {
                        **base,
                        "id": str(GENERATED_ID_BASE + n),
                        "handle": handle,
                        "title": f"{base['title']} No. {n}",
                        "tags": [
                            t
                            for t in base.get("tags", [])
                            if t != settings.SHOPIFY_LIVE_TAG
                        ],
                        "generated": True,
                        "prepare": False,
                    }
                )
            self._write(products)
        return max(0, count - have)

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
