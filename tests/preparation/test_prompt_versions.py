"""ensure_prompt_version(): one immutable row per distinct prompt configuration."""

from __future__ import annotations

import pytest

from assets.models import PromptVersion
from assets.prompts import config_snapshot, prompt_hashes
from assets.versions import ensure_prompt_version
from tests.concurrency import run_at_once


@pytest.mark.django_db
def test_first_call_inserts_version_one_with_the_real_hashes():
    version = ensure_prompt_version()
    assert version.version == 1
    assert {
        "global_hash": version.global_hash,
        "extractor_hash": version.extractor_hash,
        "builder_hash": version.builder_hash,
    } == prompt_hashes()
    assert version.config_snapshot == config_snapshot()


@pytest.mark.django_db
def test_unchanged_configuration_reuses_the_row():
    first = ensure_prompt_version()
    assert ensure_prompt_version().pk == first.pk
    assert PromptVersion.objects.count() == 1


@pytest.mark.django_db
def test_a_configuration_change_adds_the_next_version(settings):
    first = ensure_prompt_version()
    settings.GEMINI_IMAGE_MODEL = "gemini-9-image"
    second = ensure_prompt_version()
    assert second.version == first.version + 1
    assert second.config_snapshot["models"]["image"] == "gemini-9-image"
    # The old row is untouched.
    assert (
        PromptVersion.objects.get(pk=first.pk).config_snapshot == first.config_snapshot
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_callers_create_one_row():
    results, errors = run_at_once(lambda: ensure_prompt_version().version, threads=6)

    assert errors == []
    assert results == [1] * 6
    assert PromptVersion.objects.count() == 1
