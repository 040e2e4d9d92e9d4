"""Prompt versions: one immutable row per distinct prompt configuration."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from assets.models import PromptVersion
from assets.prompts import config_snapshot, prompt_hashes


def _matches(row: PromptVersion, hashes: dict[str, str], snapshot: dict) -> bool:
    return (
        row.global_hash == hashes["global_hash"]
        and row.extractor_hash == hashes["extractor_hash"]
        and row.builder_hash == hashes["builder_hash"]
        and row.config_snapshot == snapshot
    )


def prompt_version_number_current() -> int:
    """The version number of the running configuration, without writing anything.

    The recorded number when the latest row matches, else the number its row will
    get when the next preparation records it.
    """
    latest = PromptVersion.objects.order_by("-version").first()
    if latest is None:
        return 1
    if _matches(latest, prompt_hashes(), config_snapshot()):
        return latest.version
    return latest.version + 1


def ensure_prompt_version() -> PromptVersion:
    """The PromptVersion of the running configuration, inserted if it is new.

    Safe under concurrency: when two workers insert the same next number, the unique
    index lets one win and the other re-reads and reuses the winner's row.
    """
    hashes = prompt_hashes()
    snapshot = config_snapshot()
    for _ in range(5):
        latest = PromptVersion.objects.order_by("-version").first()
        if latest is not None and _matches(latest, hashes, snapshot):
            return latest
        try:
            with transaction.atomic():
                return PromptVersion.objects.create(
                    version=(latest.version + 1) if latest else 1,
                    config_snapshot=snapshot,
                    **hashes,
                )
        except IntegrityError:
            continue
    raise RuntimeError("Could not settle the prompt version after 5 attempts.")


def prompt_version_texts(*, version: int) -> dict[str, str]:
    """The prompt-shaping texts a recorded version ran with, to read or rebuild it.

    Raises PromptVersion.DoesNotExist for an unknown number and LookupError for a
    row recorded before the snapshot kept the texts themselves.
    """
    row = PromptVersion.objects.get(version=version)
    stored = (row.config_snapshot or {}).get("texts")
    if not isinstance(stored, dict):
        raise LookupError(f"prompt version {version} kept hashes only, no texts")
    return dict(stored)
