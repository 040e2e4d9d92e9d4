"""Offline access tokens: token exchange, refresh, and the stored bundle.

`Shop.access_token` (one encrypted text column in the seed schema) holds a JSON
`TokenBundle`: expiring offline tokens come with a refresh token and two expiries,
and all four must survive together.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass

from django.http import HttpResponse

from .app import admin_http_client, get_app, shop_handle, to_response

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TokenBundle:
    access_token: str
    access_expires_at: str | None = None
    refresh_token: str | None = None
    refresh_expires_at: str | None = None
    scope: str = ""

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, stored: str | None) -> TokenBundle | None:
        """The stored bundle; a bare token (non-expiring, legacy) is accepted."""
        if not stored:
            return None
        try:
            data = json.loads(stored)
        except json.JSONDecodeError:
            return cls(access_token=stored)
        if not isinstance(data, dict) or not data.get("access_token"):
            return None
        return cls(**{key: data.get(key) for key in cls.__dataclass_fields__})

    @classmethod
    def from_package(cls, token) -> TokenBundle:
        return cls(
            access_token=token.token,
            access_expires_at=token.expires,
            refresh_token=token.refresh_token,
            refresh_expires_at=token.refresh_token_expires,
            scope=token.scope or "",
        )


@dataclass(frozen=True)
class TokenOutcome:
    """`bundle` is the new token (None when the stored one is still good)."""

    ok: bool
    code: str
    bundle: TokenBundle | None = None
    response: HttpResponse | None = None


def exchange_token(*, id_token, invalid_token_response) -> TokenOutcome:
    """Exchange a verified session token for an expiring offline access token."""
    with admin_http_client() as client:
        result = get_app().exchange_using_token_exchange(
            access_mode="offline",
            id_token=id_token,
            invalid_token_response=invalid_token_response,
            expiring=True,
            http_client=client,
        )
    if not result.ok:
        logger.warning("token exchange failed: %s %s", result.log.code, result.shop)
        return TokenOutcome(
            False, result.log.code, response=to_response(result.response)
        )
    return TokenOutcome(True, "success", TokenBundle.from_package(result.access_token))


def refresh_token(*, shop_domain: str, bundle: TokenBundle) -> TokenOutcome:
    """Refresh the access token when it expires within a minute (the package's rule)."""
    token = {
        "shop": shop_handle(shop_domain),
        "token": bundle.access_token,
        "access_mode": "offline",
        "scope": bundle.scope,
        "expires": bundle.access_expires_at,
        "refresh_token": bundle.refresh_token,
        "refresh_token_expires": bundle.refresh_expires_at,
        "user": None,
    }
    with admin_http_client() as client:
        result = get_app().refresh_token_exchanged_access_token(
            token, http_client=client
        )
    if not result.ok:
        logger.warning("token refresh failed: %s %s", result.log.code, shop_domain)
        return TokenOutcome(
            False, result.log.code, response=to_response(result.response)
        )
    if result.access_token is None:
        return TokenOutcome(True, result.log.code)
    return TokenOutcome(
        True, "refreshed", TokenBundle.from_package(result.access_token)
    )
