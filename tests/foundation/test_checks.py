"""The production system check lists what a deployment with DEBUG off lacks."""

from __future__ import annotations

from seeitnow.checks import production_settings_check


def _ids(settings) -> set[str]:
    return {message.id for message in production_settings_check()}


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
    settings.DATABASES = {
        "default": {
            **settings.DATABASES["default"],
            "ENGINE": "django.db.backends.sqlite3",
        }
    }
    settings.GS_BUCKET_NAME = ""
    settings.DEV_ADMIN_LOGIN = True
    settings.GEMINI_API_KEY = ""
    assert _ids(settings) == {f"seeitnow.E00{n}" for n in range(1, 9)} | {
        "seeitnow.W001"
    }


def test_complete_production_settings_pass(settings):
    settings.DEBUG = False
    settings.SECRET_KEY = "x" * 50
    settings.SHOPIFY_API_KEY = "key"
    settings.SHOPIFY_API_SECRET = "secret"
    settings.SHOPIFY_APP_URL = "https://app.example.com"
    settings.FIELD_ENCRYPTION_KEYS = ["kV7aHcfZrWJSZbqJrw9H0l9iNUTMuV0h6nq0ZVRb4pk="]
    settings.DATABASES = {
        "default": {
            **settings.DATABASES["default"],
            "ENGINE": "django.db.backends.postgresql",
        }
    }
    settings.GS_BUCKET_NAME = "bucket"
    settings.DEV_ADMIN_LOGIN = False
    settings.GEMINI_API_KEY = "gemini"
    assert _ids(settings) == set()
