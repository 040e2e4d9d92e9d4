"""The test override of `seeitnow.settings`: everything else comes from the env."""

from __future__ import annotations

from seeitnow.settings import *  # noqa: F403
from seeitnow.settings import Q_CLUSTER

# Queued tasks run inline in tests; tests of the real cluster start `qcluster`
# in a subprocess with the normal settings.
Q_CLUSTER = {**Q_CLUSTER, "sync": True}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
FIELD_ENCRYPTION_KEYS = ["kV7aHcfZrWJSZbqJrw9H0l9iNUTMuV0h6nq0ZVRb4pk="]
SHOPIFY_API_KEY = "test-api-key"
SHOPIFY_API_SECRET = "test-api-secret"
SHOPIFY_APP_URL = "https://see-it-now.test"
GEMINI_API_KEY = ""
LOG_FORMAT = "plain"
# Every test client is 127.0.0.1 and one shop sends many renders: these limits are
# tested on their own (tests/security/test_abuse_limits.py), set low there. (A
# limit is that many cache slots: keep it a realistic size.)
RENDER_CLIENT_RATE_LIMIT = 1000
RENDER_SHOP_BURST_LIMIT = 1000
