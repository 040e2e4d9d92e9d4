"""`manage.py shopify_dev`: the web server as `shopify app dev` runs it.

The CLI starts this (see shopify.web.toml) with PORT, SHOPIFY_API_KEY,
SHOPIFY_API_SECRET, SHOPIFY_APP_URL (the tunnel) and SCOPES in the environment.
"""

from __future__ import annotations

import os
from urllib.parse import urlparse

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the development server on $PORT, accepting the CLI's tunnel host."

    def handle(self, *args, **options) -> None:
        host = urlparse(settings.SHOPIFY_APP_URL).hostname
        if host and host not in settings.ALLOWED_HOSTS:
            settings.ALLOWED_HOSTS.append(host)
        call_command("runserver", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
