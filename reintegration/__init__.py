"""Returnee cases, reception, in-country providers and follow-ups (issue 5)."""
