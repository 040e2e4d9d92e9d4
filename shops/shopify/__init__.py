"""Everything that talks to Shopify; the only code importing the `shopify_app` package.

- `app`: the configured ShopifyApp, the Admin API HTTP client, request conversion;
- `verify`: app proxy, webhook and App Home (session token) verification;
- `tokens`: token exchange and refresh of expiring offline tokens;
- `graphql`: the Admin GraphQL client.
"""

from __future__ import annotations

from .app import copy_headers, is_shop_domain, shop_domain, shop_handle
from .graphql import AdminClient, ShopifyAdminError, ShopifyAuthError
from .tokens import TokenBundle, TokenOutcome, exchange_token, refresh_token
from .verify import (
    AppHomeVerification,
    ProxyVerification,
    WebhookVerification,
    patch_id_token_page,
    redirect_in_app,
    redirect_top,
    verify_app_home,
    verify_app_proxy,
    verify_webhook,
)

__all__ = [
    "AdminClient",
    "AppHomeVerification",
    "ProxyVerification",
    "ShopifyAdminError",
    "ShopifyAuthError",
    "TokenBundle",
    "TokenOutcome",
    "WebhookVerification",
    "copy_headers",
    "exchange_token",
    "is_shop_domain",
    "patch_id_token_page",
    "redirect_in_app",
    "redirect_top",
    "refresh_token",
    "shop_domain",
    "shop_handle",
    "verify_app_home",
    "verify_app_proxy",
    "verify_webhook",
]
