"""Serving in production: probes, metrics behind a token, refusing bad settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from prometheus_client import REGISTRY

from seeitnow import health, metrics

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "metrics-token-for-tests"

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "q8Jc2vN7rT1xL5mZ9pW3hK6bF0dS4gY8aE2uI7oP1nR5tV9zX3cB6mQ0wL4jH8kD",
    "SHOPIFY_API_KEY": "client-id",
    "SHOPIFY_API_SECRET": "client-secret",
    "SHOPIFY_APP_URL": "https://app.example.com",
    "ALLOWED_HOSTS": "app.example.com",
    "FIELD_ENCRYPTION_KEYS": "kV7aHcfZrWJSZbqJrw9H0l9iNUTMuV0h6nq0ZVRb4pk=",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/not-connected",
    "GS_BUCKET_NAME": "see-it-now-bucket",
    "DEV_ADMIN_LOGIN": "false",
    "GEMINI_API_KEY": "gemini-key",
    "TRUST_X_FORWARDED_PROTO": "true",
}


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_complete_production_settings():
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_web_process_refuses_to_start_while_the_checks_fail():
    env = {**PRODUCTION_ENV, "SECRET_KEY": "", "FIELD_ENCRYPTION_KEYS": ""}

    result = _run(["-c", "import seeitnow.wsgi"], env)

    assert result.returncode != 0
    assert "Refusing to start, the production checks failed" in result.stderr
    assert "seeitnow.E001: SECRET_KEY is not set." in result.stderr
    assert "seeitnow.E005: FIELD_ENCRYPTION_KEYS is not set." in result.stderr


def test_the_worker_refuses_to_start_while_the_checks_fail():
    env = {**PRODUCTION_ENV, "SHOPIFY_APP_URL": "http://app.example.com"}

    result = _run(["manage.py", "worker"], env)

    assert result.returncode != 0
    assert "seeitnow.E004" in result.stderr


def test_the_web_process_starts_with_complete_settings():
    result = _run(["-c", "import seeitnow.wsgi; print('served')"], PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "served"


def test_livez_touches_nothing(client, monkeypatch):
    def broken() -> None:
        raise RuntimeError("database down")

    monkeypatch.setitem(health.READY_CHECKS, "database", broken)

    response = client.get("/livez")

    assert (response.status_code, response.json()) == (200, {"status": "alive"})


@pytest.mark.django_db
def test_readyz_checks_database_cache_and_storage(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["checks"]) == (
        "healthy",
        {"database": "ok", "cache": "ok", "storage": "ok"},
    )


@pytest.mark.django_db
def test_readyz_is_503_when_a_dependency_fails(client, monkeypatch):
    def broken() -> None:
        raise RuntimeError("cache unreachable: redis://secret@host")

    monkeypatch.setitem(health.READY_CHECKS, "cache", broken)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "ok",
        "cache": "error",
        "storage": "ok",
    }
    assert b"secret" not in response.content


def test_metrics_are_off_without_a_token(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404


@pytest.mark.parametrize(
    "header", [None, "Bearer wrong", f"Basic {TOKEN}", f"Bearer {TOKEN}x"]
)
def test_metrics_refuse_a_missing_or_wrong_token(client, settings, header):
    settings.METRICS_TOKEN = TOKEN
    headers = {"HTTP_AUTHORIZATION": header} if header else {}

    response = client.get("/metrics", **headers)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="metrics"'


@pytest.mark.django_db
def test_metrics_count_requests_and_show_the_queue(client, settings):
    settings.METRICS_TOKEN = TOKEN
    before = (
        REGISTRY.get_sample_value(
            "seeitnow_http_requests_total", {"route": "livez", "status": "200"}
        )
        or 0
    )
    client.get("/livez")

    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "seeitnow_queue_depth 0.0" in text
    assert (
        REGISTRY.get_sample_value(
            "seeitnow_http_requests_total", {"route": "livez", "status": "200"}
        )
        == before + 1
    )
    for name in (
        "seeitnow_render_runs_total",
        "seeitnow_variant_latency_seconds",
        "seeitnow_preparations_total",
        "seeitnow_refusals_total",
    ):
        assert f"# TYPE {name.removesuffix('_total')}" in text


@pytest.mark.django_db
def test_an_unreadable_queue_does_not_fail_the_scrape(client, settings, monkeypatch):
    settings.METRICS_TOKEN = TOKEN

    def unreadable() -> int:
        raise RuntimeError("broker down")

    monkeypatch.setattr(metrics, "_queue_depth", unreadable)

    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert response.status_code == 200
    text = response.content.decode()
    assert "seeitnow_queue_depth" not in text
    assert "seeitnow_http_requests_total" in text
