"""The reports' job: every few minutes, the appearance facts of each program rebuilt."""

from __future__ import annotations

from datetime import timedelta

from casework.db import db, utcnow
from reports import facts

# Facts built less than this ago are left alone: a reader's "Refresh now" just did it.
FRESH_ENOUGH = timedelta(minutes=4)


def refresh_facts() -> int:
    return facts.refresh_programs(db.session, utcnow(), FRESH_ENOUGH)
