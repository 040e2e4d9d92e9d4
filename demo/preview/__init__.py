"""A dev storefront for the demo shop: a small shop front with the shopper flow,
and an App Proxy emulator that signs requests the way Shopify does (DEBUG or
DEV_ADMIN_LOGIN only)."""
