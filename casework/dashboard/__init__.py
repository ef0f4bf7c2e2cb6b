"""The caseload dashboard."""
