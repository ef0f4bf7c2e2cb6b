"""`casework import caseload FILE --program NAME`: the import of the web pages, from a shell, with
a progress bar. Duplicates of families already here are skipped (the web preview lets a person
merge them or create them anyway); exit status 1 when rows failed or, with --dry-run, when rows
would fail."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from casework.accounts.models import Organization, OrganizationKind, Role, User
from casework.db import db, utcnow
from casework.errors import CaseworkError
from casework.timeutil import today_in
from imports import columns, services
from imports.models import DuplicateDecision, ImportMapping


@click.group("import", help="Bring an existing caseload in.")
def import_cli() -> None:
    pass


def _program(name: str) -> Organization:
    program = db.session.scalars(select(Organization).where(Organization.name == name)).first()
    if program is None or program.kind is not OrganizationKind.PROGRAM:
        raise click.BadParameter(f"no program is called {name!r}", param_hint="--program")
    return program


def _actor(program: Organization, email: str | None) -> User:
    stmt = select(User).where(User.organization_id == program.id, User.active.is_(True))
    if email:
        stmt = stmt.where(User.email == email.strip().lower())
    else:
        stmt = stmt.where(User.role == Role.ADMIN).order_by(User.id)
    user = db.session.scalars(stmt).first()
    if user is None or user.role not in (Role.ADMIN, Role.SUPERVISOR):
        raise click.BadParameter("give the email of an active admin or supervisor of the program", param_hint="--as")
    return user


@import_cli.command("caseload")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--program", "program_name", required=True, help="The program the households join.")
@click.option(
    "--mapping", "mapping_name", default=None, help="A mapping saved earlier (on the web pages: the default)."
)
@click.option("--as", "email", default=None, help="Who the import is recorded as (default: the program's first admin).")
@click.option(
    "--dates",
    type=click.Choice(["dmy", "mdy"]),
    default=None,
    help="How ambiguous dates are written: day/month/year or month/day/year.",
)
@click.option("--dry-run", is_flag=True, help="Check every row and say what would happen; import nothing.")
@with_appcontext
def caseload(
    file: Path, program_name: str, mapping_name: str | None, email: str | None, dates: str | None, dry_run: bool
) -> None:
    """Import the households of FILE (CSV or XLSX) into a program."""
    session = db.session
    program = _program(program_name)
    actor = _actor(program, email)
    today = today_in(program.timezone, utcnow())
    try:
        with file.open("rb") as source:
            job = services.upload(session, actor, source, file.name, current_app.config["IMPORT_MAX_BYTES"])
        mapping = job.mapped()
        if mapping_name:
            saved = session.scalars(
                select(ImportMapping).where(ImportMapping.program_id == program.id, ImportMapping.name == mapping_name)
            ).first()
            if saved is None:
                raise click.BadParameter(f"no mapping is saved as {mapping_name!r}", param_hint="--mapping")
            mapping = services.guess(job.headers, saved)
        click.echo("Columns: " + ", ".join(f"{job.headers[i]} -> {key}" for i, key in sorted(mapping.items())))
        preview = services.set_mapping(
            session, actor, job, mapping, dates or job.date_order, today, mapping_name or services.DEFAULT_MAPPING
        )
        assert preview is not None
    except CaseworkError as error:
        session.rollback()
        if error.field == "date_order":
            raise click.ClickException(
                "the dates could be day/month/year or month/day/year: say which with --dates"
            ) from error
        raise click.ClickException(error.message) from error
    for problem in preview.problems:
        label = columns.LABELS.get(problem.field, problem.field)
        click.echo(f"row {problem.row}, {label}: {problem.message} ({problem.value!r})", err=True)
    if preview.more_problems:
        click.echo(f"... and {preview.more_problems} more problems", err=True)
    click.echo(
        f"{preview.rows} rows, {preview.households} households: {preview.ready} to import, "
        f"{preview.failing_households} with problems, {len(preview.duplicates)} look like families "
        f"already here (skipped), {preview.already_imported} imported before; "
        f"{preview.dates} upcoming dates ({preview.past_dates} past dates left out)."
    )
    if dry_run:
        session.rollback()
        sys.exit(1 if preview.failing_households else 0)
    services.start(session, actor, job, {d.household: (DuplicateDecision.SKIP, None) for d in preview.duplicates})
    # Queued and taken in one transaction: no scheduler's sweep can claim it in between.
    if services.take(session, job, utcnow()) is None:
        session.rollback()
        raise click.ClickException("another process took this import; it goes on there")
    session.commit()
    with (
        click.progressbar(length=job.households_total, label="Importing") as bar,
        services.import_run(session, job, today) as next_batch,
    ):
        while True:
            before = job.position
            result = next_batch(utcnow())
            session.commit()  # each batch with its position: an interrupted run resumes from here
            bar.update(job.position - before)
            if result.finished:
                break
    click.echo(
        f"Created {job.created_count}, merged {job.merged_count}, skipped {job.skipped_count}, "
        f"failed {job.failed_count} households; {job.appointments_count} dates added."
    )
    if job.failed_count:
        click.echo(f"The failed rows and their errors: on the web page of import {job.id}.", err=True)
        sys.exit(1)
