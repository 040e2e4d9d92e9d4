from __future__ import annotations

from django.core.management.base import BaseCommand

from renders.services.rooms import room_sessions_purge_expired


class Command(BaseCommand):
    help = "Delete expired room sessions with their room and variant images now."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=200)

    def handle(self, *args, batch_size: int, **options):
        counts = room_sessions_purge_expired(batch_size=batch_size)
        self.stdout.write(" ".join(f"{name}={count}" for name, count in counts.items()))
