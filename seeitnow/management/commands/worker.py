"""`manage.py worker`: the q2 cluster, refused while the production checks fail."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand

from seeitnow.startup import refuse_to_start_if_misconfigured


class Command(BaseCommand):
    help = "Run the task queue (qcluster) after checking the production settings."

    def handle(self, *args, **options) -> None:
        refuse_to_start_if_misconfigured()
        call_command("qcluster")
