"""Shops, Shopify auth sessions and daily usage (seed: Session, Shop, UsageDaily)."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from seeitnow.fields import EncryptedTextField


class Session(models.Model):
    """A Shopify auth session, with the seed's camelCase column names."""

    id = models.CharField(primary_key=True, max_length=255)
    shop = models.CharField(max_length=255, db_index=True)
    state = models.CharField(max_length=255)
    is_online = models.BooleanField(default=False, db_column="isOnline")
    scope = models.TextField(null=True, blank=True)
    expires = models.DateTimeField(null=True, blank=True)
    access_token = EncryptedTextField(db_column="accessToken")
    user_id = models.BigIntegerField(null=True, blank=True, db_column="userId")
    first_name = models.CharField(
        max_length=255, null=True, blank=True, db_column="firstName"
    )
    last_name = models.CharField(
        max_length=255, null=True, blank=True, db_column="lastName"
    )
    email = models.CharField(max_length=255, null=True, blank=True)
    account_owner = models.BooleanField(default=False, db_column="accountOwner")
    locale = models.CharField(max_length=32, null=True, blank=True)
    collaborator = models.BooleanField(null=True, blank=True, default=False)
    email_verified = models.BooleanField(
        null=True, blank=True, default=False, db_column="emailVerified"
    )

    class Meta:
        db_table = "Session"

    def __str__(self) -> str:
        return self.id


class Plan(models.TextChoices):
    FREE = "free", "Free"
    STARTER = "starter", "Starter"
    PRO = "pro", "Pro"


class Shop(models.Model):
    """An installed (or formerly installed) Shopify store."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    shop_domain = models.CharField(max_length=255, unique=True)
    shopify_shop_id = models.CharField(max_length=64)
    # A JSON bundle (access and refresh token with their expiries), encrypted: the
    # seed has one column for the credential, and expiring offline tokens need both.
    access_token = EncryptedTextField()
    plan = models.CharField(max_length=16, choices=Plan.choices, default=Plan.FREE)
    monthly_quota = models.IntegerField()
    daily_quota = models.IntegerField()
    settings_json = models.TextField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    uninstalled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "shops"
        ordering = ["shop_domain"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(plan__in=Plan.values), name="shops_plan_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(daily_quota__gte=0, monthly_quota__gte=0),
                name="shops_quotas_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.shop_domain

    @property
    def is_installed(self) -> bool:
        return self.uninstalled_at is None


class UsageDaily(models.Model):
    """Per-shop, per-day counters; `composite_renders` is what quotas count."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    shop = models.ForeignKey(
        Shop, on_delete=models.CASCADE, related_name="usage_days", db_column="shop_id"
    )
    date = models.DateField()
    prep_renders = models.IntegerField(default=0)
    cleanup_renders = models.IntegerField(default=0)
    composite_renders = models.IntegerField(default=0)

    class Meta:
        db_table = "usage_daily"
        verbose_name = "daily usage"
        verbose_name_plural = "daily usage"
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "date"], name="usage_daily_shop_id_date_key"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    prep_renders__gte=0,
                    cleanup_renders__gte=0,
                    composite_renders__gte=0,
                ),
                name="usage_daily_counts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.shop} {self.date}"
