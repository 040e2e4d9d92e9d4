"""gcp-storage-emulator fixtures: the real google-cloud-storage client against a
local in-memory GCS, with a throwaway service-account key for URL signing only."""

from __future__ import annotations

import json
import logging

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from gcp_storage_emulator.server import create_server

BUCKET = "see-it-now-test"
SIGNER_EMAIL = "signer@see-it-now-test.iam.gserviceaccount.com"


@pytest.fixture(scope="session")
def gcs_emulator():
    """The emulator's base URL; one server for the session, wiped per test."""
    logging.getLogger("gcp_storage_emulator").setLevel(logging.WARNING)
    server = create_server("127.0.0.1", 0, in_memory=True, default_bucket=BUCKET)
    server.start()
    port = server._api._httpd.server_port
    yield server, f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture(scope="session")
def service_account_file(tmp_path_factory):
    """A service-account key file whose RSA key exists only in this test run."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    path = tmp_path_factory.mktemp("gcs") / "service-account.json"
    path.write_text(
        json.dumps(
            {
                "type": "service_account",
                "project_id": "see-it-now-test",
                "private_key_id": "test-key",
                "private_key": pem,
                "client_email": SIGNER_EMAIL,
                "client_id": "1",
                "token_uri": "https://oauth2.googleapis.com/token",
            }
        )
    )
    return path


@pytest.fixture
def gcs(gcs_emulator, service_account_file, settings, monkeypatch):
    """Switch the default storage to GCS on the emulator for one test."""
    server, url = gcs_emulator
    server.wipe(keep_buckets=True)
    monkeypatch.setenv("STORAGE_EMULATOR_HOST", url)
    settings.GS_BUCKET_NAME = BUCKET
    settings.GS_PROJECT_ID = "see-it-now-test"
    settings.GS_CREDENTIALS_FILE = str(service_account_file)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "seeitnow.storage.gcs.GoogleCloudStorage",
            "OPTIONS": {"bucket_name": BUCKET, "project_id": "see-it-now-test"},
        },
    }
    return url
