"""Program reports: appearance rates, reminder reach, representation, deadlines, school and
caseload for US programs; follow-ups and outcomes for in-country organizations; with charts
and downloads.

`init_app` is what the app factory calls: the blueprint, the menu link and the small-count
threshold of exports shared outside the program. Reports read core, scheduling, legal and
reintegration; nothing imports reports.
"""

from __future__ import annotations

import os

from flask import Flask

from casework.i18n import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from casework import access
    from casework.extensions import NavLink, registry
    from casework.families.models import Family
    from reports import facts, jobs
    from reports.models import AppearanceFact, CaseFact, ChildFact
    from reports.views import bp

    # Counts under this are suppressed in exports shared outside the program.
    app.config.setdefault("REPORT_SMALL_COUNT", int(os.environ.get("REPORT_SMALL_COUNT", "5")))
    # A report page rebuilds facts older than this itself (the job keeps them younger).
    app.config.setdefault("REPORT_FACTS_MAX_AGE", int(os.environ.get("REPORT_FACTS_MAX_AGE", "900")))
    app.register_blueprint(bp)
    access.register_path(AppearanceFact, lambda q: q.join(Family, AppearanceFact.family_id == Family.id))
    access.register_path(ChildFact, lambda q: q.join(Family, ChildFact.family_id == Family.id))
    access.register_path(CaseFact, lambda q: q.join(Family, CaseFact.family_id == Family.id))
    registry(app).jobs.append(("report-facts", jobs.refresh_facts, {"trigger": "interval", "minutes": 5}))
    registry(app).anonymizers.append(facts.forget_family)
    # A program's reports (its case managers' cover their own caseload), an in-country organization's
    # report, and the downloads of either: each person downloads the tables of their own reports.
    access.register_capability("view_reports", lambda user: user.in_program)
    access.register_capability("view_reintegration_reports", lambda user: access.has(user, "in_country_staff"))
    access.register_capability(
        "download_reports",
        lambda user: access.has(user, "view_reports") or access.has(user, "view_reintegration_reports"),
    )
    registry(app).nav_links.append(NavLink("reports.index", _l("Reports"), "view_reports"))
    registry(app).nav_links.append(NavLink("reports.reintegration", _l("Reports"), "view_reintegration_reports"))
