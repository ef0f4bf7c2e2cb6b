"""Append-only audit log of who created, changed or viewed a record."""
