"""The migrated database matches the seed schema, table by table, column by column."""

from __future__ import annotations

import pytest
from django.db import connection

# Table → column → nullable, transcribed from shared/seed/06_DATABASE_SCHEMA.md.
SEED_COLUMNS = {
    "Session": {
        "id": False,
        "shop": False,
        "state": False,
        "isOnline": False,
        "scope": True,
        "expires": True,
        "accessToken": False,
        "userId": True,
        "firstName": True,
        "lastName": True,
        "email": True,
        "accountOwner": False,
        "locale": True,
        "collaborator": True,
        "emailVerified": True,
    },
    "shops": {
        "id": False,
        "shop_domain": False,
        "shopify_shop_id": False,
        "access_token": False,
        "plan": False,
        "monthly_quota": False,
        "daily_quota": False,
        "settings_json": True,
        "created_at": False,
        "uninstalled_at": True,
    },
    "product_assets": {
        "id": False,
        "shop_id": False,
        "product_id": False,
        "product_title": True,
        "product_type": True,
        "variant_id": True,
        "source_image_id": False,
        "source_image_url": False,
        "prepared_image_url": True,
        "prepared_image_key": True,
        "status": False,
        "enabled": False,
        "prep_strategy": False,
        "prompt_version": False,
        "error_message": True,
        "retry_count": False,
        "is_default": False,
        "render_instructions": True,
        "render_instructions_see_it_now": True,
        "see_it_now_variants": True,
        "use_generated_prompt": False,
        "scene_role": True,
        "replacement_rule": True,
        "allow_space_creation": True,
        "placement_fields": True,
        "field_source": True,
        "extracted_facts": True,
        "merchant_overrides": True,
        "resolved_facts": True,
        "prompt_pack": True,
        "prompt_pack_version": True,
        "extracted_at": True,
        "gemini_file_uri": True,
        "gemini_file_expires_at": True,
        "created_at": False,
        "updated_at": False,
    },
    "room_sessions": {
        "id": False,
        "shop_id": False,
        "original_room_image_url": True,
        "original_room_image_key": True,
        "cleaned_room_image_url": True,
        "cleaned_room_image_key": True,
        "canonical_room_image_key": True,
        "canonical_room_width": True,
        "canonical_room_height": True,
        "canonical_room_ratio_label": True,
        "canonical_room_ratio_value": True,
        "canonical_room_crop": True,
        "canonical_created_at": True,
        "gemini_file_uri": True,
        "gemini_file_expires_at": True,
        "created_at": False,
        "expires_at": False,
        "last_used_at": True,
    },
    "render_jobs": {
        "id": False,
        "shop_id": False,
        "product_id": False,
        "variant_id": True,
        "product_asset_id": True,
        "room_session_id": True,
        "placement_x": False,
        "placement_y": False,
        "placement_scale": False,
        "style_preset": True,
        "quality": True,
        "config_json": True,
        "status": False,
        "image_url": True,
        "image_key": True,
        "model_id": True,
        "prompt_id": True,
        "prompt_version": True,
        "error_code": True,
        "error_message": True,
        "retry_count": False,
        "created_at": False,
        "completed_at": True,
    },
    "prompt_versions": {
        "id": False,
        "version": False,
        "global_hash": False,
        "extractor_hash": False,
        "builder_hash": False,
        "config_snapshot": False,
        "created_at": False,
    },
    "render_runs": {
        "id": False,
        "shop_id": False,
        "product_asset_id": False,
        "room_session_id": False,
        "request_id": False,
        "prompt_pack_version": False,
        "model": False,
        "product_image_hash": False,
        "product_image_meta": False,
        "room_image_hash": False,
        "room_image_meta": False,
        "resolved_facts_hash": False,
        "resolved_facts_json": False,
        "prompt_pack_hash": False,
        "prompt_pack_json": False,
        "total_duration_ms": True,
        "status": False,
        "created_at": False,
    },
    "variant_results": {
        "id": False,
        "render_run_id": False,
        "variant_id": False,
        "final_prompt_hash": False,
        "status": False,
        "latency_ms": False,
        "output_image_key": True,
        "output_image_hash": True,
        "error_message": True,
        "created_at": False,
    },
    "usage_daily": {
        "id": False,
        "shop_id": False,
        "date": False,
        "prep_renders": False,
        "cleanup_renders": False,
        "composite_renders": False,
    },
}


@pytest.mark.django_db
def test_every_seed_table_and_column_exists_with_its_nullability():
    differences = []
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        for table, columns in SEED_COLUMNS.items():
            if table not in tables:
                differences.append(f"missing table {table}")
                continue
            actual = {
                col.name: bool(col.null_ok)
                for col in connection.introspection.get_table_description(cursor, table)
            }
            for column, nullable in columns.items():
                if column not in actual:
                    differences.append(f"{table}.{column}: missing")
                elif actual[column] != nullable:
                    differences.append(
                        f"{table}.{column}: nullable={actual[column]}, seed={nullable}"
                    )
            for column in sorted(set(actual) - set(columns)):
                differences.append(f"{table}.{column}: not in the seed")
    assert differences == []
    assert sum(len(c) for c in SEED_COLUMNS.values()) == 143


@pytest.mark.django_db
def test_seed_indexes_and_unique_pairs_exist():
    with connection.cursor() as cursor:
        found = {
            table: connection.introspection.get_constraints(cursor, table)
            for table in ("product_assets", "usage_daily", "prompt_versions")
        }

    def column_sets(table, *, unique=None, index=None):
        return {
            tuple(c["columns"])
            for c in found[table].values()
            if (unique is None or c["unique"] == unique)
            and (index is None or c["index"] == index)
        }

    assert ("shop_id", "product_id") in column_sets("product_assets", index=True)
    assert ("shop_id", "product_id", "is_default") in column_sets(
        "product_assets", index=True
    )
    assert ("shop_id", "date") in column_sets("usage_daily", unique=True)
    assert ("version",) in column_sets("prompt_versions", unique=True)
