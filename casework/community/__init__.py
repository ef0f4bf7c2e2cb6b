"""Referrals to community services."""
