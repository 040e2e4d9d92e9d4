"""`manage.py prepare_catalog --shop DOMAIN [--unprepared|--all]`: queue a catalog."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from assets.services.preparation import assets_prepare_catalog
from seeitnow.http import AppError
from shops.selectors import shop_get_installed


class Command(BaseCommand):
    help = (
        "Queue the preparation of a shop's whole catalog on the q2 cluster: the "
        "products never prepared (default), or every product with --all. The "
        "workers share GEMINI_RPM, so a large catalog is paced, not refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("--shop", required=True, help="myshopify domain")
        which = parser.add_mutually_exclusive_group()
        which.add_argument(
            "--unprepared",
            action="store_true",
            help="only products never prepared (the default)",
        )
        which.add_argument(
            "--all", action="store_true", help="every product, prepared or not"
        )
        parser.add_argument(
            "--limit", type=int, default=None, help="queue at most this many"
        )

    def handle(self, *args, shop: str, all: bool, limit: int | None, **options):
        installed = shop_get_installed(shop_domain=shop)
        if installed is None:
            raise CommandError(f"No installed shop {shop!r}.")
        if limit is not None and limit < 1:
            raise CommandError("--limit must be at least 1.")
        try:
            result = assets_prepare_catalog(
                shop=installed, unprepared_only=not all, limit=limit
            )
        except AppError as exc:
            raise CommandError(f"The catalog could not be read: {exc.message}") from exc
        self.stdout.write(f"Queued {len(result['queued'])} product(s).")
        for skipped in result["skipped"]:
            self.stdout.write(
                f"  skipped {skipped['product_id']}: {skipped['message']}"
            )
