from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from casework.db import db
from casework.demo.demo import PASSWORD, accounts_summary, demo_program, load_demo
from casework.extensions import registry
from casework.transactions import unit_of_work


@click.command("demo")
@with_appcontext
@unit_of_work
def demo_command() -> None:
    """Load the demo program, accounts and families (idempotent)."""
    result = load_demo(db.session)
    if result.created:
        click.echo(f"Demo data loaded: {result.families} fictional families.")
    else:
        click.echo(f"Demo data already loaded ({result.families} families); nothing changed.")
    program = demo_program(db.session)
    for loader in registry(current_app).demo_loaders:
        click.echo(loader(db.session, program))
    click.echo(f"Sign in at http://127.0.0.1:5000 with password '{PASSWORD}' as:")
    for line in accounts_summary():
        click.echo(line)


@click.command("seed")
@click.option(
    "--families",
    "count",
    type=click.IntRange(1, 2_000_000),
    required=True,
    help="How many fictional families to generate.",
)
@click.option(
    "--program",
    "program_name",
    default=None,
    help="The program to add them to (created when missing); default: the seeded benchmark program.",
)
@with_appcontext
def seed_command(count: int, program_name: str | None) -> None:
    """Generate fictional families at scale for benchmarks (bulk inserts, batches of 1000)."""
    from casework.demo.seed import seed

    seed(db.session, count, program_name=program_name, progress=True)
