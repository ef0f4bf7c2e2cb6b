"""The documents' daily jobs: tasks before papers expire, and files that lost their row."""

from __future__ import annotations

from flask import current_app

from casework.db import db, utcnow
from casework.documents import services


def raise_expiry_tasks() -> int:
    """Run once a day; "today" in UTC is exact enough for alerts counted in weeks."""
    return services.raise_expiry_tasks(db.session, utcnow().date(), current_app.config["DOCUMENT_EXPIRY_ALERT_DAYS"])


def sweep_orphans() -> int:
    return services.sweep_orphans(db.session, utcnow())
