"""Run the web server and the q2 cluster together, for the local demo."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Start the web server and the django-q2 cluster; Ctrl-C stops both."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args, host: str, port: int, **options):
        base = f"http://{host}:{port}"
        demo = settings.DEMO_SHOP_DOMAIN
        self.stdout.write(
            self.style.SUCCESS("See It Now is starting.")
            + f"""
  Staff admin (Django):     {base}/admin/      (user: demo  password: demo-pass-2026)
  Demo storefront:          {base}/preview/   (shop {demo})
  Merchant dashboard:       {base}/app/?shop={demo}
  Health:                   {base}/healthz
Press Ctrl-C to stop.
"""
        )
        manage = [sys.executable, "manage.py"]
        # Signed upload and image URLs point at this server unless configured.
        env = {"SHOPIFY_APP_URL": base, **os.environ}
        processes = [
            subprocess.Popen([*manage, "qcluster"], env=env),  # noqa: S603
            subprocess.Popen(  # noqa: S603
                [*manage, "runserver", f"{host}:{port}", "--noreload"], env=env
            ),
        ]
        try:
            while all(p.poll() is None for p in processes):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            for process in processes:
                if process.poll() is None:
                    process.send_signal(signal.SIGINT)
            for process in processes:
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
