"""`casework courts ...` and `casework reminders ...`."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from casework.db import Database, db
from casework.errors import CaseworkError
from casework.transactions import unit_of_work
from scheduling import dispatch, services


def run_dispatch() -> dispatch.SweepResult:
    with Database.state().sweep_session() as session:
        return dispatch.dispatch_once(session, current_app.config)


def run_daily() -> tuple[int, int]:
    """Past dates without an outcome become tasks; computed deadlines are brought up to date;
    deadlines coming close become tasks."""
    follow_ups = services.follow_up_missing_outcomes(db.session)
    services.refresh_all_computed_deadlines(db.session)
    return follow_ups, services.remind_deadlines(db.session)


@click.group("courts", help="The immigration courts reference list.")
def courts_cli() -> None:
    pass


CHANGE_LINES = {
    "added": "added     {name} [{slug}]: {after}",
    "renamed": "renamed   [{slug}] {before} -> {after}",
    "moved": "moved     {name} [{slug}]: {before} -> {after}",
    "rezoned": "time zone {name} [{slug}]: {before} -> {after}",
    "reopened": "reopened  {name} [{slug}]",
}


def _change_line(change: services.CourtChange) -> str:
    if change.kind == "closed":
        when = f" on {change.after}" if change.after else " (closing date unknown)"
        if change.before:
            return f"closed    {change.name} [{change.slug}]: closing date {change.before} -> {change.after}"
        return f"closed    {change.name} [{change.slug}]{when}"
    return CHANGE_LINES[change.kind].format(
        name=change.name, slug=change.slug, before=change.before, after=change.after
    )


def print_courts_load(report: services.CourtsLoad) -> None:
    """Court by court what changed, the totals, then the dates still set at closed courts."""
    for change in report.changes:
        click.echo(_change_line(change))
    if report.changed:
        totals = ", ".join(
            f"{report.count(kind)} {kind}" for kind in ("added", "moved", "renamed", "closed", "reopened", "rezoned")
        )
        click.echo(f"Totals: {totals}; {report.checked} court(s) with a new check date, source or successor.")
    else:
        click.echo("Nothing changed: the courts already match the file.")
    if report.differing:
        click.echo(
            f"{len(report.differing)} court(s) differ from the file and were kept as they are "
            f"(admins' corrections): {', '.join(report.differing)}. Run with --update to apply the file."
        )
    if report.not_in_file:
        click.echo(f"Kept, though the file does not list them: {', '.join(report.not_in_file)}.")
    if report.to_move:
        click.echo(
            f"{len(report.to_move)} scheduled date(s) are at courts that have closed. Case managers must "
            "move each to the court on the family's new hearing notice:"
        )
        for appointment in report.to_move:
            court = appointment.court
            click.echo(
                f"  case {appointment.case.reference}, {appointment.local_date.isoformat()}: "
                f"{court.name if court else ''} [{court.slug if court else ''}]"
            )


@courts_cli.command("load")
@click.option(
    "--update",
    is_flag=True,
    help="Also apply the file to courts already present: names, addresses, zones, closings "
    "(admins' corrections are overwritten). No court is ever deleted.",
)
@with_appcontext
@unit_of_work
def load_command(update: bool) -> None:
    """Add the shipped US immigration courts that are missing and say what changed; with --update,
    bring every court to the file. Lists the dates still set at closed courts."""
    try:
        report = services.load_courts(db.session, update=update)
    except CaseworkError as error:
        raise click.ClickException(error.message) from None
    print_courts_load(report)


@click.group("reminders", help="Reminder dispatch.")
def reminders_cli() -> None:
    pass


@reminders_cli.command("dispatch")
@click.option(
    "--once", is_flag=True, required=True, help="Run one sweep and stop (the scheduler runs it every minute)."
)
@with_appcontext
def dispatch_command(once: bool) -> None:
    """Send every reminder that is due now."""
    result = run_dispatch()
    click.echo(
        f"{result.sent} sent, {result.retried} to retry, {result.failed} failed, "
        f"{result.skipped} no longer needed, {result.deferred} waiting for the morning."
    )


@reminders_cli.command("daily")
@with_appcontext
@unit_of_work
def daily_command() -> None:
    """Raise follow-up tasks for past dates without an outcome and for coming deadlines."""
    follow_ups, deadlines = run_daily()
    click.echo(f"{follow_ups} follow-up task(s), {deadlines} deadline task(s).")
