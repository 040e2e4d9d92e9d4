"""The embedded admin's views, one module per page or API: home, products, api."""
