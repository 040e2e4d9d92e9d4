"""System checks: what a production deployment (DEBUG off) is still missing."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from seeitnow.settings import DEV_SECRET_KEY


@register(Tags.security, deploy=False)
def production_settings_check(app_configs=None, **kwargs):
    if settings.DEBUG:
        return []
    problems = []

    def missing(name: str, why: str, id_: str) -> None:
        problems.append(Error(f"{name} is not set.", hint=why, id=id_))

    if settings.SECRET_KEY == DEV_SECRET_KEY or len(settings.SECRET_KEY) < 32:
        missing("SECRET_KEY", "Set a random value of 50+ characters.", "seeitnow.E001")
    if not settings.SHOPIFY_API_KEY:
        missing(
            "SHOPIFY_API_KEY",
            "The app's client id from the Partner Dashboard.",
            "seeitnow.E002",
        )
    if not settings.SHOPIFY_API_SECRET:
        missing("SHOPIFY_API_SECRET", "The app's client secret.", "seeitnow.E003")
    if not settings.SHOPIFY_APP_URL.startswith("https://"):
        missing(
            "SHOPIFY_APP_URL (https)",
            "The public https URL of this app.",
            "seeitnow.E004",
        )
    if not settings.FIELD_ENCRYPTION_KEYS:
        missing(
            "FIELD_ENCRYPTION_KEYS",
            "Access tokens are encrypted with it; run "
            "`manage.py generate_encryption_key`.",
            "seeitnow.E005",
        )
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        missing(
            "DATABASE_URL (PostgreSQL)",
            "SQLite is for the local demo only.",
            "seeitnow.E006",
        )
    if not settings.GS_BUCKET_NAME:
        missing(
            "GS_BUCKET_NAME",
            "Local file storage is for the local demo only.",
            "seeitnow.E007",
        )
    if settings.DEV_ADMIN_LOGIN:
        problems.append(
            Error(
                "DEV_ADMIN_LOGIN is on.",
                hint="Turn it off in production.",
                id="seeitnow.E008",
            )
        )
    if not settings.GEMINI_API_KEY:
        problems.append(
            Warning(
                "GEMINI_API_KEY is not set: renders use the local compositor.",
                id="seeitnow.W001",
            )
        )
    return problems
