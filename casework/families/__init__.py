"""Households, their members, phones, addresses, vulnerabilities and consents."""
