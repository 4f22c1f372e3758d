"""Coffre-fort numérique: the vault service (Starlette)."""
