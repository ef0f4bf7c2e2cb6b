from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from casework.db import db, utcnow
from casework.extensions import registry
from casework.retention import services
from casework.retention.views import policy
from casework.transactions import unit_of_work


def run_retention() -> tuple[int, int]:
    """The scheduled job; 'today' in UTC is exact enough for a period counted in years."""
    return services.run(db.session, utcnow().date(), policy(), registry(current_app).anonymizers)


@click.group("retention", help="Anonymize households whose cases closed long ago.")
def retention_cli() -> None:
    pass


@retention_cli.command("run")
@with_appcontext
@unit_of_work
def run_command() -> None:
    """List newly due households for the supervisors; anonymize those listed for the warning period."""
    listed, anonymized = run_retention()
    click.echo(f"{listed} household(s) newly listed, {anonymized} anonymized.")
