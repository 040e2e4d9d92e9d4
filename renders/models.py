"""Room sessions and renders: RoomSession, RenderJob, RenderRun, VariantResult."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

# The version string every storefront render answer carries (SPEC §5).
RENDER_VERSION = "see-it-now-v2"
# Runs a merchant starts from the product page carry this request-id prefix: they
# are paid as preparation usage, so closing one never touches the render quota.
TEST_RENDER_PREFIX = "merchant-test:"


class RoomSession(models.Model):
    """A shopper's room photo; deleted with its images 24 h after creation."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    shop = models.ForeignKey(
        "shops.Shop",
        on_delete=models.CASCADE,
        related_name="room_sessions",
        db_column="shop_id",
    )
    original_room_image_url = models.TextField(null=True, blank=True)
    original_room_image_key = models.TextField(null=True, blank=True)
    cleaned_room_image_url = models.TextField(null=True, blank=True)
    cleaned_room_image_key = models.TextField(null=True, blank=True)
    canonical_room_image_key = models.TextField(null=True, blank=True)
    canonical_room_width = models.IntegerField(null=True, blank=True)
    canonical_room_height = models.IntegerField(null=True, blank=True)
    canonical_room_ratio_label = models.CharField(max_length=16, null=True, blank=True)
    canonical_room_ratio_value = models.FloatField(null=True, blank=True)
    canonical_room_crop = models.JSONField(null=True, blank=True)
    canonical_created_at = models.DateTimeField(null=True, blank=True)
    gemini_file_uri = models.TextField(null=True, blank=True)
    gemini_file_expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "room_sessions"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["expires_at"], name="room_sessions_expires_idx")
        ]

    def __str__(self) -> str:
        return f"Room {self.id}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class RenderJob(models.Model):
    """A shopper's selected variant (the original app's render record)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    shop = models.ForeignKey(
        "shops.Shop",
        on_delete=models.CASCADE,
        related_name="render_jobs",
        db_column="shop_id",
    )
    product_id = models.CharField(max_length=64)
    variant_id = models.CharField(max_length=64, null=True, blank=True)
    product_asset = models.ForeignKey(
        "assets.ProductAsset",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="render_jobs",
        db_column="product_asset_id",
    )
    room_session = models.ForeignKey(
        RoomSession,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="render_jobs",
        db_column="room_session_id",
    )
    placement_x = models.FloatField(default=0.0)
    placement_y = models.FloatField(default=0.0)
    placement_scale = models.FloatField(default=1.0)
    style_preset = models.CharField(max_length=64, null=True, blank=True)
    quality = models.CharField(max_length=32, null=True, blank=True)
    config_json = models.TextField(null=True, blank=True)
    status = models.CharField(max_length=32)
    image_url = models.TextField(null=True, blank=True)
    image_key = models.TextField(null=True, blank=True)
    model_id = models.CharField(max_length=128, null=True, blank=True)
    prompt_id = models.CharField(max_length=128, null=True, blank=True)
    prompt_version = models.IntegerField(null=True, blank=True)
    error_code = models.CharField(max_length=64, null=True, blank=True)
    error_message = models.TextField(null=True, blank=True)
    retry_count = models.IntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "render_jobs"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Render job {self.id}"


class RunStatus(models.TextChoices):
    COMPLETE = "complete", "Complete"
    PARTIAL = "partial", "Partial"
    FAILED = "failed", "Failed"


class RenderRun(models.Model):
    """One render request: eight variants and the full lineage of their inputs.

    A run in progress is the row whose `total_duration_ms` is null; its stored status
    starts as `failed` (what it is if nothing succeeds) and becomes final at the end.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    shop = models.ForeignKey(
        "shops.Shop",
        on_delete=models.CASCADE,
        related_name="render_runs",
        db_column="shop_id",
    )
    # A run is history: its asset may not be deleted alone (the shop's deletion,
    # which cascades to both, still removes it).
    product_asset = models.ForeignKey(
        "assets.ProductAsset",
        on_delete=models.RESTRICT,
        related_name="render_runs",
        db_column="product_asset_id",
    )
    # A plain column in the seed: runs outlive their 24-hour room sessions.
    room_session_id = models.UUIDField()
    request_id = models.CharField(max_length=128)
    prompt_pack_version = models.IntegerField()
    model = models.CharField(max_length=128)
    product_image_hash = models.CharField(max_length=64)
    product_image_meta = models.JSONField()
    room_image_hash = models.CharField(max_length=64)
    room_image_meta = models.JSONField()
    resolved_facts_hash = models.CharField(max_length=64)
    resolved_facts_json = models.JSONField()
    prompt_pack_hash = models.CharField(max_length=64)
    prompt_pack_json = models.JSONField()
    total_duration_ms = models.IntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=RunStatus.choices, default=RunStatus.FAILED
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "render_runs"
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["shop", "-created_at"], name="render_runs_shop_time_idx"
            ),
            models.Index(fields=["room_session_id"], name="render_runs_room_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=RunStatus.values),
                name="render_runs_status_valid",
            )
        ]

    def __str__(self) -> str:
        return f"Run {self.id}"

    @property
    def is_finished(self) -> bool:
        return self.total_duration_ms is not None


class VariantStatus(models.TextChoices):
    SUCCESS = "success", "Success"
    FAILED = "failed", "Failed"
    TIMEOUT = "timeout", "Timeout"


class VariantResult(models.Model):
    """The outcome of one of a run's eight variants."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    render_run = models.ForeignKey(
        RenderRun,
        on_delete=models.CASCADE,
        related_name="variant_results",
        db_column="render_run_id",
    )
    variant_id = models.CharField(max_length=8)
    final_prompt_hash = models.CharField(max_length=64)
    status = models.CharField(max_length=16, choices=VariantStatus.choices)
    latency_ms = models.IntegerField()
    output_image_key = models.TextField(null=True, blank=True)
    output_image_hash = models.CharField(max_length=64, null=True, blank=True)
    error_message = models.TextField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "variant_results"
        ordering = ["render_run", "variant_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["render_run", "variant_id"],
                name="variant_results_one_per_variant",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=VariantStatus.values),
                name="variant_results_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=VariantStatus.SUCCESS)
                | models.Q(output_image_key__isnull=False),
                name="variant_results_success_has_image",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.render_run_id} {self.variant_id}"


class SeeItNowOrderLine(models.Model):
    """A paid order line that carried a See It Now variant (the funnel's "ordered").

    Only what the funnel needs: no customer, address or note of the order.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    shop = models.ForeignKey(
        "shops.Shop",
        on_delete=models.CASCADE,
        related_name="see_it_now_order_lines",
        db_column="shop_id",
    )
    order_id = models.CharField(max_length=64)
    line_item_id = models.CharField(max_length=64)
    product_id = models.CharField(max_length=64)
    # The `_see_it_now_variant` line property: V01..V08, not Shopify's variant.
    variant_id = models.CharField(max_length=8)
    quantity = models.IntegerField()
    price = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "see_it_now_order_lines"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "order_id", "line_item_id"],
                name="see_it_now_order_lines_once",
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1, price__gte=0),
                name="see_it_now_order_lines_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"Order {self.order_id} line {self.line_item_id}"
