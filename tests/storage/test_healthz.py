"""GET /healthz: database, storage and the q2 cluster heartbeat."""

from __future__ import annotations

from datetime import datetime

import pytest
from django_q.brokers import get_broker
from django_q.signing import SignedPackage
from django_q.status import Stat, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def cluster_heartbeat(settings):
    """What a running qcluster leaves in the cache every guard cycle."""
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": False}
    broker = get_broker()
    status = Status(pid=1234, cluster_id="health-test")
    broker.set_stat(Stat.get_key("health-test"), SignedPackage.dumps(status, True), 3)
    yield
    broker.cache.delete(Stat.get_key("health-test"))


def _assert_shape(body):
    datetime.fromisoformat(body.pop("timestamp"))


def test_healthy(client, cluster_heartbeat):
    response = client.get("/healthz")
    body = response.json()
    _assert_shape(body)
    assert response.status_code == 200
    assert body == {
        "status": "healthy",
        "checks": {"database": "ok", "storage": "ok", "queue": "ok"},
    }
    assert response["Cache-Control"] == "no-store"


def test_healthy_on_gcs(client, gcs, cluster_heartbeat):
    response = client.get("/healthz")
    assert response.status_code == 200


def test_no_cluster_is_unhealthy(client, settings):
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": False}
    response = client.get("/healthz")
    body = response.json()
    _assert_shape(body)
    assert response.status_code == 503
    assert body == {
        "status": "unhealthy",
        "checks": {"database": "ok", "storage": "ok", "queue": "error"},
    }


def test_unreachable_bucket_is_unhealthy(client, gcs, settings, cluster_heartbeat):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "seeitnow.storage.gcs.GoogleCloudStorage",
            "OPTIONS": {"bucket_name": "no-such-bucket", "project_id": "p"},
        },
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "ok",
        "storage": "error",
        "queue": "ok",
    }


def test_sync_mode_needs_no_cluster(client):
    # tests.settings runs tasks inline: there is no cluster to check.
    assert client.get("/healthz").status_code == 200
