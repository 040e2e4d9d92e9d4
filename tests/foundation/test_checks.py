"""The production system check lists what a deployment with DEBUG off lacks."""

from __future__ import annotations

from seeitnow.checks import production_settings_check


def _ids(settings) -> set[str]:
    return {message.id for message in production_settings_check()}


def _on_sqlite(settings) -> bool:
    # The suite runs on both; the database check follows the real configuration.
    return settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")


def test_debug_mode_has_no_production_complaints(settings):
    settings.DEBUG = True
    assert _ids(settings) == set()


def test_bare_production_settings_are_refused_with_the_reasons(settings):
    settings.DEBUG = False
    settings.SECRET_KEY = "dev-insecure-see-it-now-change-me"
    settings.SHOPIFY_API_KEY = ""
    settings.SHOPIFY_API_SECRET = ""
    settings.SHOPIFY_APP_URL = "http://localhost:8000"
    settings.FIELD_ENCRYPTION_KEYS = []
    settings.GS_BUCKET_NAME = ""
    settings.DEV_ADMIN_LOGIN = True
    settings.GEMINI_API_KEY = ""
    expected = {f"seeitnow.E00{n}" for n in (1, 2, 3, 4, 5, 7, 8)} | {"seeitnow.W001"}
    if _on_sqlite(settings):
        expected.add("seeitnow.E006")
    assert _ids(settings) == expected


def test_complete_production_settings_pass(settings):
    settings.DEBUG = False
    settings.SECRET_KEY = "x" * 50
    settings.SHOPIFY_API_KEY = "key"
    settings.SHOPIFY_API_SECRET = "secret"
    settings.SHOPIFY_APP_URL = "https://app.example.com"
    settings.FIELD_ENCRYPTION_KEYS = ["kV7aHcfZrWJSZbqJrw9H0l9iNUTMuV0h6nq0ZVRb4pk="]
    settings.GS_BUCKET_NAME = "bucket"
    settings.DEV_ADMIN_LOGIN = False
    settings.GEMINI_API_KEY = "gemini"
    assert _ids(settings) == ({"seeitnow.E006"} if _on_sqlite(settings) else set())
