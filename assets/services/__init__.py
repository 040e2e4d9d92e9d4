"""Writes to product assets, one module per purpose: status, preparation, edits."""
