"""Legal partner organizations, referrals, representation and the partner portal (issue 4)."""
