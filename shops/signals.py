"""Events of shops that higher apps react to (they own the receivers)."""

from __future__ import annotations

from django.dispatch import Signal

# A verified products/update webhook for an installed shop.
# Sent with `shop` (Shop) and `payload` (the product JSON Shopify delivered).
product_updated = Signal()

# A verified products/delete webhook for an installed shop.
# Sent with `shop` (Shop) and `product_id` (numeric string).
product_deleted = Signal()

# A verified orders/paid webhook for an installed shop.
# Sent with `shop` (Shop) and `payload` (the order JSON Shopify delivered).
order_paid = Signal()
