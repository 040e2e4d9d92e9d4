"""Fixtures shared by every test."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.core.servers.basehttp import WSGIServer

from seeitnow.wakeup import wakeup_listener_stop

pytest_plugins = ["tests.fakes.gemini", "tests.fakes.shopify_admin"]

# The live test server listens with Django's backlog of 10 connections; tests that
# fire 30 requests at once (quota under concurrency) need room for all of them,
# or the kernel may refuse some before the app ever sees them.
WSGIServer.request_queue_size = 64


def pytest_collection_modifyitems(config, items):
    engine = django_settings.DATABASES["default"]["ENGINE"]
    if engine.endswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """pytest-django's test database, and before it is dropped this process's
    wake-up listener closed (PostgreSQL refuses to drop a database in use)."""
    yield
    wakeup_listener_stop()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Every test stores its files in its own temporary directory."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    if not settings.GS_BUCKET_NAME:
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": root, "base_url": settings.MEDIA_URL},
            },
        }
    return root


@pytest.fixture
def shop(db):
    from tests.factories import make_shop

    return make_shop()


@pytest.fixture
def other_shop(db):
    from tests.factories import make_shop

    return make_shop(shop_domain="other-shop.myshopify.com")


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser(
        username="staff", email="staff@example.com", password="pw-for-tests"
    )
    client.force_login(user)
    return client


@pytest.fixture(scope="session")
def _demo_media_cache(tmp_path_factory):
    """The demo catalog's files, drawn once per test session (it takes seconds)."""
    from django.test import override_settings

    from demo.catalog import DemoCatalog

    root = tmp_path_factory.mktemp("demo-media")
    with override_settings(MEDIA_ROOT=root):
        DemoCatalog().list_products()
    return root / "demo"


@pytest.fixture
def demo_shop(db, media_root, _demo_media_cache, settings):
    """The demo shop, backed by the demo catalog (JSON + drawn product photos)."""
    import shutil

    from tests.factories import make_shop

    shutil.copytree(_demo_media_cache, media_root / "demo")
    return make_shop(shop_domain=settings.DEMO_SHOP_DOMAIN, shopify_shop_id="demo")
