"""`manage.py shopify_dev`: the web server and the q2 cluster as `shopify app dev`
runs them.

The CLI starts this (see shopify.web.toml) with PORT, SHOPIFY_API_KEY,
SHOPIFY_API_SECRET, SHOPIFY_APP_URL (the tunnel) and SCOPES in the environment;
the cluster is a child process that inherits them and stops with the server.
"""

from __future__ import annotations

import os
import subprocess
import sys
from urllib.parse import urlparse

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the q2 cluster and the development server on $PORT (CLI tunnel)."

    def handle(self, *args, **options) -> None:
        host = urlparse(settings.SHOPIFY_APP_URL).hostname
        if host and host not in settings.ALLOWED_HOSTS:
            settings.ALLOWED_HOSTS.append(host)
        # Preparations and renders run on the cluster; without it nothing finishes.
        cluster = subprocess.Popen([sys.executable, "manage.py", "qcluster"])
        try:
            call_command(
                "runserver",
                f"0.0.0.0:{os.environ.get('PORT', '8000')}",
                use_reloader=False,
            )
        finally:
            cluster.terminate()
            cluster.wait(timeout=15)
