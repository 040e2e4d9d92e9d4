"""Refuse to serve with a production configuration that the system checks reject."""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured


def production_errors() -> list[str]:
    """The system checks' errors (deployment checks included), as `id: message`."""
    found = checks.run_checks(include_deployment_checks=True)
    return [
        f"{message.id}: {message.msg}"
        for message in found
        if message.level >= checks.ERROR and not message.is_silenced()
    ]


def refuse_to_start_if_misconfigured() -> None:
    """With DEBUG off, raise ImproperlyConfigured listing every error found.

    `manage.py check` only prints them; a web or worker process started anyway
    would serve with a dev secret, SQLite or an unencrypted token store.
    """
    if settings.DEBUG:
        return
    errors = production_errors()
    if errors:
        raise ImproperlyConfigured(
            "Refusing to start, the production checks failed:\n  " + "\n  ".join(errors)
        )
