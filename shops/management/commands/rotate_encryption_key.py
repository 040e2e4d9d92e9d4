from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from shops.models import Session, Shop


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored access token with the first FIELD_ENCRYPTION_KEYS "
        "key. Put the new key first, keep the old ones, run this, then drop them."
    )

    def handle(self, *args, **options):
        counts = []
        for model in (Shop, Session):
            with transaction.atomic():
                # Reading decrypts with any key; writing encrypts with the first.
                rows = model.objects.select_for_update().values_list(
                    "pk", "access_token"
                )
                for pk, token in rows:
                    model.objects.filter(pk=pk).update(access_token=token)
            counts.append(f"{len(rows)} {model.__name__} row(s)")
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted {', '.join(counts)}."))
