from __future__ import annotations

from django.contrib import admin

from seeitnow.admin_utils import pretty_json
from shops.models import Session, Shop, UsageDaily
from shops.services import shop_delete


class UsageDailyInline(admin.TabularInline):
    model = UsageDaily
    extra = 0
    fields = ["date", "composite_renders", "prep_renders", "cleanup_renders"]
    readonly_fields = fields
    ordering = ["-date"]
    max_num = 0
    show_change_link = True


@admin.register(Shop)
class ShopAdmin(admin.ModelAdmin):
    list_display = [
        "shop_domain",
        "plan",
        "daily_quota",
        "monthly_quota",
        "installed",
        "created_at",
    ]
    list_filter = ["plan", ("uninstalled_at", admin.EmptyFieldListFilter), "created_at"]
    search_fields = ["shop_domain", "shopify_shop_id"]
    date_hierarchy = "created_at"
    readonly_fields = ["id", "created_at", "settings_pretty", "access_token_state"]
    exclude = ["access_token", "settings_json"]
    inlines = [UsageDailyInline]

    # Deleting a shop here removes its stored files too, not only its rows.
    def delete_model(self, request, obj: Shop) -> None:
        shop_delete(shop=obj)

    def delete_queryset(self, request, queryset) -> None:
        for shop in queryset:
            shop_delete(shop=shop)

    @admin.display(boolean=True, description="Installed", ordering="uninstalled_at")
    def installed(self, obj: Shop) -> bool:
        return obj.is_installed

    @admin.display(description="Settings")
    def settings_pretty(self, obj: Shop):
        return pretty_json(obj.settings_json)

    @admin.display(description="Access token")
    def access_token_state(self, obj: Shop) -> str:
        # The credential is never shown, only whether there is one.
        return "stored (encrypted)" if obj.access_token else "none"


@admin.register(UsageDaily)
class UsageDailyAdmin(admin.ModelAdmin):
    list_display = [
        "shop",
        "date",
        "composite_renders",
        "prep_renders",
        "cleanup_renders",
    ]
    list_filter = ["date", "shop"]
    search_fields = ["shop__shop_domain"]
    date_hierarchy = "date"
    list_select_related = ["shop"]
    readonly_fields = ["id"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["id", "shop", "is_online", "scope", "expires", "email"]
    list_filter = ["is_online", "account_owner"]
    search_fields = ["id", "shop", "email"]
    exclude = ["access_token"]
    readonly_fields = ["id", "shop", "state", "scope", "expires"]
