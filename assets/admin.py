from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db import models

from assets.models import ProductAsset, PromptVersion
from assets.selectors import current_prompt_version_number, outdated_filter
from assets.services.preparation import assets_prepare_batch
from assets.services.status import asset_go_live, asset_go_offline
from seeitnow.admin_utils import pretty_json, thumbnail
from seeitnow.http import AppError


class PromptVersionStateFilter(admin.SimpleListFilter):
    title = "prompt configuration"
    parameter_name = "prompts"

    def lookups(self, request, model_admin):
        return [("outdated", "Prepared under an older one"), ("current", "Current")]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        outdated = outdated_filter(current_prompt_version_number())
        if self.value() == "outdated":
            return queryset.filter(outdated)
        return queryset.exclude(outdated)


JSON_FIELDS = [
    "extracted_facts",
    "merchant_overrides",
    "resolved_facts",
    "prompt_pack",
    "placement_fields",
    "field_source",
    "see_it_now_variants",
]


@admin.register(ProductAsset)
class ProductAssetAdmin(admin.ModelAdmin):
    list_display = [
        "cutout_thumb",
        "__str__",
        "shop",
        "product_id",
        "status",
        "enabled",
        "prep_strategy",
        "prompt_pack_version",
        "is_default",
        "updated_at",
    ]
    list_display_links = ["cutout_thumb", "__str__"]
    list_filter = [
        "status",
        PromptVersionStateFilter,
        "enabled",
        "prep_strategy",
        "is_default",
        "shop",
    ]
    search_fields = ["product_title", "product_id", "shop__shop_domain"]
    list_select_related = ["shop"]
    date_hierarchy = "updated_at"
    actions = ["prepare_selected", "enable_selected", "disable_selected"]
    # Long texts only where prose is expected; ids, URLs and keys are one line.
    formfield_overrides = {
        models.TextField: {
            "widget": forms.TextInput(attrs={"class": "vLargeTextField"})
        }
    }
    prose_fields = {
        "error_message",
        "render_instructions",
        "render_instructions_see_it_now",
    }
    readonly_fields = [
        "id",
        "status",
        "enabled",
        "cutout_preview",
        "created_at",
        "updated_at",
        "extracted_at",
        "gemini_file_uri",
        "gemini_file_expires_at",
        *[f"{name}_pretty" for name in JSON_FIELDS],
    ]
    exclude = JSON_FIELDS
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "id",
                    "shop",
                    "product_id",
                    "product_title",
                    "product_type",
                    "variant_id",
                    "is_default",
                ]
            },
        ),
        (
            "Status",
            {
                "fields": [
                    "status",
                    "enabled",
                    "prep_strategy",
                    "prompt_version",
                    "prompt_pack_version",
                    "error_message",
                    "retry_count",
                ]
            },
        ),
        (
            "Images",
            {
                "fields": [
                    "source_image_id",
                    "source_image_url",
                    "prepared_image_key",
                    "prepared_image_url",
                    "cutout_preview",
                    "gemini_file_uri",
                    "gemini_file_expires_at",
                ]
            },
        ),
        (
            "Pipeline",
            {
                "fields": [
                    "extracted_at",
                    "extracted_facts_pretty",
                    "merchant_overrides_pretty",
                    "resolved_facts_pretty",
                    "prompt_pack_pretty",
                ]
            },
        ),
        (
            "Legacy",
            {
                "classes": ["collapse"],
                "fields": [
                    "render_instructions",
                    "render_instructions_see_it_now",
                    "use_generated_prompt",
                    "scene_role",
                    "replacement_rule",
                    "allow_space_creation",
                    "placement_fields_pretty",
                    "field_source_pretty",
                    "see_it_now_variants_pretty",
                ],
            },
        ),
        (None, {"fields": ["created_at", "updated_at"]}),
    ]

    @admin.display(description="Cutout")
    def cutout_thumb(self, obj: ProductAsset):
        return thumbnail(obj.prepared_image_key, size=48)

    @admin.display(description="Cutout")
    def cutout_preview(self, obj: ProductAsset):
        return thumbnail(obj.prepared_image_key, size=320)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in self.prose_fields:
            kwargs["widget"] = forms.Textarea(attrs={"rows": 3, "cols": 80})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def _change_status(self, request, queryset, service, verb: str) -> None:
        changed, refused = 0, []
        for asset in queryset.select_related("shop"):
            try:
                service(asset=asset)
                changed += 1
            except AppError as exc:
                refused.append(f"{asset}: {exc.message}")
        if changed:
            self.message_user(
                request, f"{verb} {changed} product(s).", messages.SUCCESS
            )
        for line in refused:
            self.message_user(request, line, messages.WARNING)

    @admin.action(description="Prepare again (queue on the task cluster)")
    def prepare_selected(self, request, queryset):
        by_shop: dict = {}
        for asset in queryset.select_related("shop"):
            by_shop.setdefault(asset.shop, []).append(asset.product_id)
        for shop, product_ids in by_shop.items():
            result = assets_prepare_batch(shop=shop, product_ids=product_ids)
            if result["queued"]:
                self.message_user(
                    request,
                    f"{shop}: queued {len(result['queued'])} product(s).",
                    messages.SUCCESS,
                )
            for skipped in result["skipped"]:
                self.message_user(
                    request,
                    f"{shop} {skipped['product_id']}: {skipped['message']}",
                    messages.WARNING,
                )

    @admin.action(description="Enable on the storefront (ready → live)")
    def enable_selected(self, request, queryset):
        self._change_status(request, queryset, asset_go_live, "Enabled")

    @admin.action(description="Disable on the storefront (live → ready)")
    def disable_selected(self, request, queryset):
        self._change_status(request, queryset, asset_go_offline, "Disabled")


def _json_display(name: str):
    @admin.display(description=name.replace("_", " ").capitalize())
    def show(self, obj):
        return pretty_json(getattr(obj, name))

    return show


for _name in JSON_FIELDS:
    setattr(ProductAssetAdmin, f"{_name}_pretty", _json_display(_name))


@admin.register(PromptVersion)
class PromptVersionAdmin(admin.ModelAdmin):
    list_display = [
        "version",
        "global_hash_short",
        "extractor_hash_short",
        "builder_hash_short",
        "created_at",
    ]
    list_filter = ["created_at"]
    search_fields = ["version", "global_hash", "extractor_hash", "builder_hash"]
    readonly_fields = [
        "id",
        "version",
        "global_hash",
        "extractor_hash",
        "builder_hash",
        "config_snapshot_pretty",
        "created_at",
    ]
    exclude = ["config_snapshot"]

    @admin.display(description="Config snapshot")
    def config_snapshot_pretty(self, obj: PromptVersion):
        return pretty_json(obj.config_snapshot)

    @admin.display(description="Global rules")
    def global_hash_short(self, obj: PromptVersion) -> str:
        return obj.global_hash[:12]

    @admin.display(description="Extractor")
    def extractor_hash_short(self, obj: PromptVersion) -> str:
        return obj.extractor_hash[:12]

    @admin.display(description="Builder")
    def builder_hash_short(self, obj: PromptVersion) -> str:
        return obj.builder_hash[:12]

    # Versions are written by ensure_prompt_version() only and never change.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
