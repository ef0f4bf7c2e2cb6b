"""Organizations, users, roles, sign-in and sign-in throttling."""
