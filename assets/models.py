"""Prepared product assets and prompt versions (seed: ProductAsset, PromptVersion)."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone


class AssetStatus(models.TextChoices):
    UNPREPARED = "unprepared", "Unprepared"
    PREPARING = "preparing", "Preparing"
    PROCESSING = "processing", "Processing"
    READY = "ready", "Ready"
    LIVE = "live", "Live"
    FAILED = "failed", "Failed"


class PrepStrategy(models.TextChoices):
    BATCH = "batch", "AI pipeline"
    FALLBACK = "fallback", "Local fallback"
    MANUAL = "manual", "Manual cutout"


class ProductAsset(models.Model):
    """One Shopify product prepared for See It Now (cutout, facts, prompt pack)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    shop = models.ForeignKey(
        "shops.Shop",
        on_delete=models.CASCADE,
        related_name="product_assets",
        db_column="shop_id",
    )
    product_id = models.CharField(max_length=64)
    product_title = models.TextField(null=True, blank=True)
    product_type = models.CharField(max_length=255, null=True, blank=True)
    variant_id = models.CharField(max_length=64, null=True, blank=True)
    source_image_id = models.CharField(max_length=255)
    source_image_url = models.TextField()
    prepared_image_url = models.TextField(null=True, blank=True)
    prepared_image_key = models.TextField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=AssetStatus.choices, default=AssetStatus.UNPREPARED
    )
    enabled = models.BooleanField(default=False)
    prep_strategy = models.CharField(max_length=16, choices=PrepStrategy.choices)
    prompt_version = models.IntegerField(default=0)
    error_message = models.TextField(null=True, blank=True)
    retry_count = models.IntegerField(default=0)
    is_default = models.BooleanField(default=False)

    # Legacy fields of the original app, kept so data moves across unchanged.
    render_instructions = models.TextField(null=True, blank=True)
    render_instructions_see_it_now = models.TextField(null=True, blank=True)
    see_it_now_variants = models.JSONField(null=True, blank=True)
    use_generated_prompt = models.BooleanField(default=False)
    scene_role = models.CharField(max_length=64, null=True, blank=True)
    replacement_rule = models.CharField(max_length=64, null=True, blank=True)
    allow_space_creation = models.BooleanField(null=True, blank=True)
    placement_fields = models.JSONField(null=True, blank=True)
    field_source = models.JSONField(null=True, blank=True)

    # The two-LLM pipeline.
    extracted_facts = models.JSONField(null=True, blank=True)
    merchant_overrides = models.JSONField(null=True, blank=True)
    resolved_facts = models.JSONField(null=True, blank=True)
    prompt_pack = models.JSONField(null=True, blank=True)
    prompt_pack_version = models.IntegerField(null=True, blank=True)
    extracted_at = models.DateTimeField(null=True, blank=True)

    # Gemini Files API cache of the cutout.
    gemini_file_uri = models.TextField(null=True, blank=True)
    gemini_file_expires_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "product_assets"
        ordering = ["-updated_at"]
        indexes = [
            models.Index(
                fields=["shop", "product_id"],
                name="pa_shop_product_idx",
            ),
            models.Index(
                fields=["shop", "product_id", "is_default"],
                name="pa_shop_product_default_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "product_id"],
                condition=models.Q(is_default=True),
                name="product_assets_one_default_per_product",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=AssetStatus.values),
                name="product_assets_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(prep_strategy__in=PrepStrategy.values),
                name="product_assets_prep_strategy_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=AssetStatus.LIVE)
                | models.Q(prepared_image_key__isnull=False),
                name="product_assets_live_requires_cutout",
            ),
        ]

    def __str__(self) -> str:
        return self.product_title or f"Product {self.product_id}"

    @property
    def is_render_ready(self) -> bool:
        """True when a v2 render has everything it needs."""
        return bool(
            self.prepared_image_key and self.resolved_facts and self.prompt_pack
        )


class PromptVersionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PromptVersion.Immutable("PromptVersion rows are never modified.")


class PromptVersion(models.Model):
    """An immutable snapshot of the prompt configuration (hashes of the texts)."""

    class Immutable(Exception):
        pass

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    version = models.IntegerField(unique=True)
    global_hash = models.CharField(max_length=64)
    extractor_hash = models.CharField(max_length=64)
    builder_hash = models.CharField(max_length=64)
    config_snapshot = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    objects = PromptVersionQuerySet.as_manager()

    class Meta:
        db_table = "prompt_versions"
        ordering = ["-version"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(version__gte=1), name="prompt_versions_positive"
            )
        ]

    def __str__(self) -> str:
        return f"v{self.version}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise self.Immutable("PromptVersion rows are never modified.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)
