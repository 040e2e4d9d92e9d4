"""Load facts exported from the original app into ProductAsset rows."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from assets.models import ProductAsset
from assets.pipeline.legacy import LegacyFactsError, legacy_facts_convert
from assets.pipeline.resolver import OverrideError, resolve_and_validate


class Command(BaseCommand):
    help = (
        "Import the original app's facts: a JSON object mapping ProductAsset ids to "
        "their facts. Sets extracted_facts and resolved_facts; all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="JSON file: {asset_id: facts, ...}")

    def handle(self, *args, path: str, **options):
        try:
            records = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc
        if not isinstance(records, dict):
            raise CommandError("the file must hold a JSON object of asset id → facts")
        converted = {}
        for asset_id, record in records.items():
            try:
                uuid.UUID(str(asset_id))
                converted[asset_id] = legacy_facts_convert(record=record)
            except (ValueError, LegacyFactsError) as exc:
                raise CommandError(f"{asset_id}: {exc}") from exc
        found = set(
            str(pk)
            for pk in ProductAsset.objects.filter(pk__in=list(converted)).values_list(
                "pk", flat=True
            )
        )
        missing = sorted(set(converted) - found)
        if missing:
            raise CommandError(f"no such product assets: {', '.join(missing)}")
        now = timezone.now()
        with transaction.atomic():
            for asset in ProductAsset.objects.select_for_update().filter(
                pk__in=list(converted)
            ):
                facts = converted[str(asset.pk)]
                try:
                    resolved = resolve_and_validate(facts, asset.merchant_overrides)
                except OverrideError:
                    resolved = resolve_and_validate(facts, None)
                ProductAsset.objects.filter(pk=asset.pk).update(
                    extracted_facts=facts,
                    extracted_at=now,
                    resolved_facts=resolved,
                    updated_at=now,
                )
        self.stdout.write(f"Imported facts for {len(converted)} product asset(s).")
