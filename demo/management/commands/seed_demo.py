"""Load the demo shop: products drawn by code, prepared by the real pipeline."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from assets.models import AssetStatus
from assets.pipeline.run import run_preparation
from assets.selectors import asset_default_for_product, current_prompt_version_number
from assets.services.preparation import asset_begin_preparation, asset_register
from assets.services.status import asset_go_live
from demo.catalog import DemoCatalog
from demo.images import DEMO_PRODUCTS
from shops.models import Shop
from shops.services import shop_ensure_demo, shop_set_plan

DEMO_USER = "demo"
# A local demo login, printed on purpose.
DEMO_PASSWORD = "demo-pass-2026"
DEMO_PLAN = "pro"


class Command(BaseCommand):
    help = (
        "Create (or bring up to date) the demo shop with its products, prepared "
        "in-process by the real pipeline, and a demo staff user. Re-runnable."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-superuser", action="store_true", help="Do not create the demo user."
        )
        parser.add_argument(
            "--catalog-size",
            type=int,
            default=0,
            help="Also add this many generated products (copies of the drawn ones, "
            "left unprepared) to try `prepare_catalog` on a large catalog.",
        )

    def handle(
        self,
        *args,
        no_superuser: bool = False,
        catalog_size: int = 0,
        **options,
    ):
        if catalog_size < 0:
            raise CommandError("--catalog-size must be 0 or more.")
        if not no_superuser:
            self._superuser()
        shop = self._shop()
        catalog = DemoCatalog()
        if catalog_size:
            added = catalog.add_generated(catalog_size)
            self.stdout.write(f"  {added} generated product(s) added to the catalog")
        products = {p.id: p for p in catalog.list_products(limit=50).products}
        for spec in DEMO_PRODUCTS:
            product = products[spec["id"]]
            if spec.get("prepare", True):
                self._prepare(shop, product.id, product.title)
            else:
                asset_register(shop=shop, product=product)
                self.stdout.write(f"  {product.title}: left unprepared to try")
        self.stdout.write(self.style.SUCCESS(f"Demo shop {shop.shop_domain} is ready."))

    def _superuser(self) -> None:
        User = get_user_model()
        if User.objects.filter(username=DEMO_USER).exists():
            return
        User.objects.create_superuser(DEMO_USER, "demo@example.com", DEMO_PASSWORD)
        self.stdout.write(f"Staff user: {DEMO_USER} / {DEMO_PASSWORD}")

    def _shop(self) -> Shop:
        # A generous plan, so a demo can render a lot in one day.
        return shop_set_plan(shop=shop_ensure_demo(), plan=DEMO_PLAN)

    def _prepare(self, shop: Shop, product_id: str, title: str) -> None:
        asset = asset_default_for_product(shop=shop, product_id=product_id)
        current = current_prompt_version_number()
        if (
            asset is not None
            and asset.status == AssetStatus.LIVE
            and asset.prompt_pack_version == current
        ):
            self.stdout.write(f"  {title}: live (up to date)")
            return
        if (
            asset is None
            or asset.status != AssetStatus.READY
            or (asset.prompt_pack_version != current)
        ):
            # An interrupted run of this command leaves `preparing`: resume it.
            if asset is None or asset.status != AssetStatus.PREPARING:
                with transaction.atomic():
                    asset = asset_begin_preparation(shop=shop, product_id=product_id)
            asset = run_preparation(asset_id=asset.pk).asset
        if asset.status == AssetStatus.READY:
            asset = asset_go_live(asset=asset)
        if asset.status == AssetStatus.LIVE:
            self.stdout.write(f"  {title}: prepared and live")
        else:
            self.stderr.write(f"  {title}: {asset.status} — {asset.error_message}")
