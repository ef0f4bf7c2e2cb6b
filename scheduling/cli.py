"""`casework courts ...` and `casework reminders ...`."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from casework.db import Database, db
from scheduling import dispatch, services


def run_dispatch() -> dispatch.SweepResult:
    session = Database.state().writer_sessionmaker()
    try:
        return dispatch.dispatch_once(session, current_app.config)
    finally:
        session.close()


def run_daily() -> tuple[int, int]:
    """Past dates without an outcome become tasks; computed deadlines are brought up to date;
    deadlines coming close become tasks."""
    follow_ups = services.follow_up_missing_outcomes(db.session)
    services.refresh_all_computed_deadlines(db.session)
    return follow_ups, services.remind_deadlines(db.session)


@click.group("courts", help="The immigration courts reference list.")
def courts_cli() -> None:
    pass


@courts_cli.command("load")
@click.option("--update", is_flag=True, help="Also overwrite courts already present (admins' edits are lost).")
@with_appcontext
def load_command(update: bool) -> None:
    """Add the shipped list of US immigration courts (missing ones only, unless --update)."""
    added, updated = services.load_courts(db.session, update=update)
    click.echo(f"{added} court(s) added, {updated} updated.")


@click.group("reminders", help="Reminder dispatch.")
def reminders_cli() -> None:
    pass


@reminders_cli.command("dispatch")
@click.option("--once", is_flag=True, required=True, help="Run one sweep and stop (the scheduler runs it every minute).")
@with_appcontext
def dispatch_command(once: bool) -> None:
    """Send every reminder that is due now."""
    result = run_dispatch()
    click.echo(f"{result.sent} sent, {result.retried} to retry, {result.failed} failed, "
               f"{result.skipped} no longer needed, {result.deferred} waiting for the morning.")


@reminders_cli.command("daily")
@with_appcontext
def daily_command() -> None:
    """Raise follow-up tasks for past dates without an outcome and for coming deadlines."""
    follow_ups, deadlines = run_daily()
    click.echo(f"{follow_ups} follow-up task(s), {deadlines} deadline task(s).")
