from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, Q

from renders.models import (
    RenderJob,
    RenderRun,
    RoomSession,
    VariantResult,
    VariantStatus,
)
from seeitnow.admin_utils import pretty_json, thumbnail


class InProgressFilter(admin.SimpleListFilter):
    title = "progress"
    parameter_name = "progress"

    def lookups(self, request, model_admin):
        return [("running", "In progress"), ("finished", "Finished")]

    def queryset(self, request, queryset):
        if self.value() == "running":
            return queryset.filter(total_duration_ms__isnull=True)
        if self.value() == "finished":
            return queryset.filter(total_duration_ms__isnull=False)
        return queryset


@admin.register(RoomSession)
class RoomSessionAdmin(admin.ModelAdmin):
    list_display = [
        "room_thumb",
        "id",
        "shop",
        "canonical_room_ratio_label",
        "created_at",
        "expires_at",
        "last_used_at",
    ]
    list_display_links = ["room_thumb", "id"]
    list_filter = ["canonical_room_ratio_label", "created_at", "shop"]
    search_fields = ["id", "shop__shop_domain"]
    list_select_related = ["shop"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "id",
        "room_preview",
        "canonical_room_crop_pretty",
        "created_at",
        "canonical_created_at",
    ]
    exclude = ["canonical_room_crop"]

    @admin.display(description="Room")
    def room_thumb(self, obj: RoomSession):
        return thumbnail(obj.canonical_room_image_key, size=64)

    @admin.display(description="Canonical image")
    def room_preview(self, obj: RoomSession):
        return thumbnail(obj.canonical_room_image_key, size=480)

    @admin.display(description="Crop")
    def canonical_room_crop_pretty(self, obj: RoomSession):
        return pretty_json(obj.canonical_room_crop)


class VariantResultInline(admin.TabularInline):
    model = VariantResult
    extra = 0
    max_num = 0
    can_delete = False
    fields = [
        "variant_id",
        "image",
        "status",
        "latency_ms",
        "error_message",
        "final_prompt_hash",
        "output_image_hash",
    ]
    readonly_fields = fields
    ordering = ["variant_id"]

    @admin.display(description="Image")
    def image(self, obj: VariantResult):
        return thumbnail(obj.output_image_key, size=160)


@admin.register(RenderRun)
class RenderRunAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "shop",
        "product_asset",
        "status_display",
        "succeeded",
        "model",
        "prompt_pack_version",
        "total_duration_ms",
        "created_at",
    ]
    list_filter = [
        "status",
        InProgressFilter,
        "model",
        "prompt_pack_version",
        "created_at",
        "shop",
    ]
    search_fields = [
        "id",
        "request_id",
        "shop__shop_domain",
        "product_asset__product_title",
        "product_asset__product_id",
    ]
    list_select_related = ["shop", "product_asset"]
    date_hierarchy = "created_at"
    inlines = [VariantResultInline]
    json_fields = [
        "product_image_meta",
        "room_image_meta",
        "resolved_facts_json",
        "prompt_pack_json",
    ]
    exclude = json_fields
    readonly_fields = [
        "id",
        "shop",
        "product_asset",
        "room_session_id",
        "request_id",
        "prompt_pack_version",
        "model",
        "status",
        "total_duration_ms",
        "created_at",
        "product_image_hash",
        "product_image_meta_pretty",
        "room_image_hash",
        "room_image_meta_pretty",
        "resolved_facts_hash",
        "resolved_facts_json_pretty",
        "prompt_pack_hash",
        "prompt_pack_json_pretty",
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _succeeded=Count(
                    "variant_results",
                    filter=Q(variant_results__status=VariantStatus.SUCCESS),
                )
            )
        )

    @admin.display(description="Status", ordering="status")
    def status_display(self, obj: RenderRun) -> str:
        return obj.status if obj.is_finished else "running"

    @admin.display(description="Succeeded", ordering="_succeeded")
    def succeeded(self, obj: RenderRun) -> str:
        return f"{obj._succeeded}/8"

    @admin.display(description="Product image meta")
    def product_image_meta_pretty(self, obj):
        return pretty_json(obj.product_image_meta)

    @admin.display(description="Room image meta")
    def room_image_meta_pretty(self, obj):
        return pretty_json(obj.room_image_meta)

    @admin.display(description="Resolved facts snapshot")
    def resolved_facts_json_pretty(self, obj):
        return pretty_json(obj.resolved_facts_json)

    @admin.display(description="Prompt pack snapshot")
    def prompt_pack_json_pretty(self, obj):
        return pretty_json(obj.prompt_pack_json)

    # Runs are history written by the renderer.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(VariantResult)
class VariantResultAdmin(admin.ModelAdmin):
    list_display = ["render_run", "variant_id", "status", "latency_ms", "created_at"]
    list_filter = ["status", "variant_id", "created_at"]
    search_fields = ["render_run__id", "variant_id", "error_message"]
    readonly_fields = [
        "id",
        "render_run",
        "variant_id",
        "image",
        "status",
        "latency_ms",
        "final_prompt_hash",
        "output_image_key",
        "output_image_hash",
        "error_message",
        "created_at",
    ]

    @admin.display(description="Image")
    def image(self, obj: VariantResult):
        return thumbnail(obj.output_image_key, size=480)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RenderJob)
class RenderJobAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "shop",
        "product_id",
        "variant_id",
        "status",
        "model_id",
        "created_at",
        "completed_at",
    ]
    list_filter = ["status", "model_id", "created_at", "shop"]
    search_fields = ["id", "product_id", "variant_id", "shop__shop_domain"]
    list_select_related = ["shop"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "id",
        "image",
        "config_json_pretty",
        "created_at",
        "completed_at",
    ]
    exclude = ["config_json"]

    @admin.display(description="Image")
    def image(self, obj: RenderJob):
        return thumbnail(obj.image_key, size=480)

    @admin.display(description="Config")
    def config_json_pretty(self, obj: RenderJob):
        return pretty_json(obj.config_json)
