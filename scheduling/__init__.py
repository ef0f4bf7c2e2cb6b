"""Appointments, courts and offices, deadlines, reminders and calendar feeds.

`init_app` is the one place the app factory calls: it registers the blueprint, the commands,
the family page section, the menu links, the scheduled jobs and the access paths.
"""

from __future__ import annotations

from flask import Flask

from casework.i18n import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from casework import access
    from casework.cases.models import Case
    from casework.extensions import DashboardSection, FamilySection, NavLink, registry
    from casework.families.models import Family
    from scheduling import cli, demo, documents, labels, metrics, sections, services
    from scheduling.models import Appointment, Deadline, Reminder
    from scheduling.views import bp, sms_inbound, sms_status

    app.register_blueprint(bp)
    from casework.security import csrf

    csrf.exempt(sms_inbound)  # signed by the gateway instead; see views._signed_form
    csrf.exempt(sms_status)
    for command in (cli.courts_cli, cli.reminders_cli):
        app.cli.add_command(command)

    access.register_path(
        Appointment, lambda q: q.join(Case, Appointment.case_id == Case.id).join(Family, Case.family_id == Family.id)
    )
    access.register_path(
        Deadline, lambda q: q.join(Case, Deadline.case_id == Case.id).join(Family, Case.family_id == Family.id)
    )
    access.register_path(Reminder, lambda q: q.join(Family, Reminder.family_id == Family.id))

    plugins = registry(app)
    plugins.document_subjects[documents.APPOINTMENT.name] = documents.APPOINTMENT
    plugins.metrics.append(metrics.outbox_metrics)
    plugins.family_sections.append(
        FamilySection("scheduling/_section.html", sections.family_dates, sections.FAMILY_KINDS)
    )
    plugins.dashboard_sections.append(DashboardSection("scheduling/_dashboard.html", sections.dashboard_dates))
    plugins.nav_links.append(NavLink("scheduling.agenda", _l("Agenda"), "program_staff"))
    plugins.nav_links.append(NavLink("scheduling.month_calendar", _l("Calendar"), "program_staff"))
    plugins.jobs.append(
        (
            "reminders-dispatch",
            cli.run_dispatch,
            {"trigger": "interval", "seconds": app.config["REMINDER_SWEEP_SECONDS"]},
        )
    )
    plugins.jobs.append(("scheduling-daily", cli.run_daily, {"trigger": "cron", "hour": "*/6", "minute": 7}))
    from casework.audit.labels import OBJECT_TYPE_LABELS

    OBJECT_TYPE_LABELS.update(labels.AUDIT_OBJECT_TYPES)
    plugins.demo_loaders.append(demo.load)
    plugins.anonymizers.append(services.anonymize_family_dates)
    from scheduling import closing, task_titles

    plugins.case_closing.append(closing.PROVIDER)
    plugins.task_titles.update({title.key: title for title in task_titles.ALL})
    app.context_processor(lambda: {"sched": labels, "local_when": sections.local_when})
