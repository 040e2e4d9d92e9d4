"""A text field encrypted at rest with Fernet (AES-128-CBC + HMAC-SHA256).

Keys come from `settings.FIELD_ENCRYPTION_KEYS`: the first encrypts, all decrypt, so a
key is rotated by putting the new one first and re-saving the rows
(`manage.py rotate_encryption_key`). Without configured keys (development) a key is
derived from SECRET_KEY; the production system check refuses that.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

_PREFIX = "fernet:"


@lru_cache(maxsize=8)
def _fernet_for(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    if not keys:
        derived = hashlib.sha256(f"field-encryption:{secret_key}".encode()).digest()
        keys = (base64.urlsafe_b64encode(derived).decode(),)
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must hold Fernet keys "
            "(generate one with `manage.py generate_encryption_key`)."
        ) from exc


def get_fernet() -> MultiFernet:
    return _fernet_for(tuple(settings.FIELD_ENCRYPTION_KEYS), settings.SECRET_KEY)


def encrypt(value: str) -> str:
    return _PREFIX + get_fernet().encrypt(value.encode()).decode()


def decrypt(stored: str) -> str:
    """Decrypt a stored value; plain values written before encryption pass through."""
    if not stored.startswith(_PREFIX):
        return stored
    try:
        return get_fernet().decrypt(stored[len(_PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "An encrypted value cannot be decrypted with FIELD_ENCRYPTION_KEYS: "
            "was a key removed before `rotate_encryption_key` ran?"
        ) from exc


class EncryptedTextField(models.TextField):
    """Stores `fernet:<token>`; Python code only ever sees the plain text."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "" or value.startswith(_PREFIX):
            return value
        return encrypt(value)
