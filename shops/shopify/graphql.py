"""The Admin GraphQL client: products, tags, billing, app-data metafields.

Built on the package's `admin_graphql_request` (which retries HTTP 429 and 502-504);
this adds retries for Shopify's cost-based throttling, which arrives as HTTP 200
with a `THROTTLED` error, and turns every other failure into `ShopifyAdminError`.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from django.conf import settings

from .app import admin_http_client, get_app, shop_handle

logger = logging.getLogger(__name__)

THROTTLE_RETRIES = 4
MAX_THROTTLE_WAIT_S = 10.0


class ShopifyAdminError(Exception):
    """A failed Admin API call; `code` is the package's log code or ours."""

    def __init__(self, code: str, message: str, *, status: int | None = None):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status


class ShopifyAuthError(ShopifyAdminError):
    """The access token is invalid or revoked: exchange a new one."""


PRODUCT_FIELDS = """
fragment ProductFields on Product {
  id title handle productType vendor tags descriptionHtml
  featuredImage { url }
  images(first: 3) { nodes { url } }
  metafields(first: 20) { nodes { namespace key value } }
}
"""
PRODUCTS_QUERY = (
    """
query Products($first: Int!, $after: String, $query: String) {
  products(first: $first, after: $after, query: $query, sortKey: TITLE) {
    nodes { ...ProductFields }
    pageInfo { hasNextPage endCursor }
  }
}
"""
    + PRODUCT_FIELDS
)
PRODUCT_QUERY = (
    """
query Product($id: ID!) {
  product(id: $id) { ...ProductFields }
}
"""
    + PRODUCT_FIELDS
)
TAGS_ADD = """
mutation TagsAdd($id: ID!, $tags: [String!]!) {
  tagsAdd(id: $id, tags: $tags) { node { id } userErrors { field message } }
}
"""
TAGS_REMOVE = """
mutation TagsRemove($id: ID!, $tags: [String!]!) {
  tagsRemove(id: $id, tags: $tags) { node { id } userErrors { field message } }
}
"""
SHOP_QUERY = "query ShopIdentity { shop { id myshopifyDomain } }"
SUBSCRIPTION_CREATE = """
mutation AppSubscriptionCreate(
  $name: String!, $lineItems: [AppSubscriptionLineItemInput!]!,
  $returnUrl: URL!, $test: Boolean
) {
  appSubscriptionCreate(
    name: $name, lineItems: $lineItems, returnUrl: $returnUrl, test: $test
  ) {
    appSubscription { id status }
    confirmationUrl
    userErrors { field message }
  }
}
"""
SUBSCRIPTION_CANCEL = """
mutation AppSubscriptionCancel($id: ID!) {
  appSubscriptionCancel(id: $id) {
    appSubscription { id status }
    userErrors { field message }
  }
}
"""
ACTIVE_SUBSCRIPTIONS = """
query CurrentAppInstallation {
  currentAppInstallation { activeSubscriptions { id name status test } }
}
"""

APP_INSTALLATION_ID = "query AppInstallationId { currentAppInstallation { id } }"
METAFIELDS_SET = """
mutation MetafieldsSet($metafields: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $metafields) {
    metafields { namespace key value }
    userErrors { field message code }
  }
}
"""


def _throttle_wait(body: dict) -> float | None:
    """Seconds until the query's cost is available again; None if not throttled."""
    errors = body.get("errors") or []
    if not any((e.get("extensions") or {}).get("code") == "THROTTLED" for e in errors):
        return None
    cost = (body.get("extensions") or {}).get("cost") or {}
    status = cost.get("throttleStatus") or {}
    needed = float(cost.get("requestedQueryCost") or 0) - float(
        status.get("currentlyAvailable") or 0
    )
    rate = float(status.get("restoreRate") or 50)
    return min(max(needed / rate, 0.0), MAX_THROTTLE_WAIT_S)


class AdminClient:
    """One shop's Admin GraphQL API, with an access token the caller keeps fresh."""

    def __init__(self, *, shop_domain: str, access_token: str) -> None:
        self.shop_domain = shop_domain
        self.access_token = access_token

    def execute(self, query: str, variables: dict[str, Any] | None = None) -> dict:
        """Run a query and return its `data`; raises ShopifyAdminError."""
        for attempt in range(THROTTLE_RETRIES + 1):
            with admin_http_client() as client:
                result = get_app().admin_graphql_request(
                    query,
                    shop=shop_handle(self.shop_domain),
                    access_token=self.access_token,
                    api_version=settings.SHOPIFY_API_VERSION,
                    invalid_token_response=None,
                    variables=variables,
                    http_client=client,
                )
            if result.ok:
                return result.data or {}
            code, status = result.log.code, result.response.status
            if code == "unauthorized":
                raise ShopifyAuthError(code, result.log.detail, status=401)
            if code == "graphql_errors":
                body = json.loads(result.response.body or "{}")
                wait = _throttle_wait(body)
                if wait is not None and attempt < THROTTLE_RETRIES:
                    logger.info(
                        "shopify throttled %s, waiting %.2fs", self.shop_domain, wait
                    )
                    time.sleep(wait)
                    continue
                messages = "; ".join(e.get("message", "") for e in body["errors"])
                raise ShopifyAdminError(
                    "throttled" if wait is not None else code, messages, status=status
                )
            raise ShopifyAdminError(code, result.log.detail, status=status)
        raise AssertionError("unreachable")

    def _mutate(self, query: str, name: str, variables: dict[str, Any]) -> dict:
        payload = self.execute(query, variables)[name] or {}
        if payload.get("userErrors"):
            raise ShopifyAdminError(
                "user_errors", "; ".join(e["message"] for e in payload["userErrors"])
            )
        return payload

    def list_products(
        self, *, first: int, after: str | None = None, query: str = ""
    ) -> dict:
        """`{"nodes": [...], "pageInfo": {"hasNextPage", "endCursor"}}`."""
        variables = {"first": first, "after": after, "query": query or None}
        return self.execute(PRODUCTS_QUERY, variables)["products"]

    def get_product(self, *, gid: str) -> dict | None:
        return self.execute(PRODUCT_QUERY, {"id": gid})["product"]

    def add_tags(self, *, gid: str, tags: list[str]) -> None:
        self._mutate(TAGS_ADD, "tagsAdd", {"id": gid, "tags": tags})

    def remove_tags(self, *, gid: str, tags: list[str]) -> None:
        self._mutate(TAGS_REMOVE, "tagsRemove", {"id": gid, "tags": tags})

    def shop_identity(self) -> dict:
        """`{"id": "gid://shopify/Shop/…", "myshopifyDomain": …}`."""
        return self.execute(SHOP_QUERY)["shop"]

    def create_subscription(
        self, *, name: str, price: float, return_url: str, test: bool
    ) -> str:
        """Create a 30-day recurring charge; returns the merchant's confirmation URL."""
        line_item = {
            "plan": {
                "appRecurringPricingDetails": {
                    "price": {"amount": price, "currencyCode": "USD"},
                    "interval": "EVERY_30_DAYS",
                }
            }
        }
        variables = {
            "name": name,
            "lineItems": [line_item],
            "returnUrl": return_url,
            "test": test,
        }
        payload = self._mutate(SUBSCRIPTION_CREATE, "appSubscriptionCreate", variables)
        return payload["confirmationUrl"]

    def cancel_subscription(self, *, gid: str) -> None:
        self._mutate(SUBSCRIPTION_CANCEL, "appSubscriptionCancel", {"id": gid})

    def active_subscriptions(self) -> list[dict]:
        data = self.execute(ACTIVE_SUBSCRIPTIONS)
        return data["currentAppInstallation"]["activeSubscriptions"]

    def set_app_metafields(self, *, namespace: str, values: dict[str, tuple]) -> None:
        """Set app-data metafields (owned by this app's installation, readable in
        the theme as `app.metafields.<namespace>.<key>`); `values` maps each key
        to `(type, value)`, the value already in Shopify's string form."""
        owner = self.execute(APP_INSTALLATION_ID)["currentAppInstallation"]["id"]
        metafields = [
            {
                "ownerId": owner,
                "namespace": namespace,
                "key": key,
                "type": kind,
                "value": value,
            }
            for key, (kind, value) in values.items()
        ]
        self._mutate(METAFIELDS_SET, "metafieldsSet", {"metafields": metafields})
