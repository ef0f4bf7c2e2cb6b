"""`casework legal ...`: set up a legal partner organization and its first account on an install
(admins can also do it under Legal, and the first account adds its colleagues)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from casework.db import db
from casework.errors import CaseworkError
from casework.transactions import unit_of_work
from legal import services
from legal.forms import PARTNER_KINDS
from legal.models import PartnerKind


@click.group("legal", help="Legal partner organizations.")
def legal_cli() -> None:
    pass


@legal_cli.command("add-organization")
@click.option("--name", required=True, help="The organization's name, e.g. the clinic's.")
@click.option(
    "--kind",
    type=click.Choice([k.value for k in PARTNER_KINDS]),
    default=PartnerKind.NONPROFIT.value,
    show_default=True,
)
@click.option("--timezone", required=True, help="IANA zone of its office, e.g. America/Chicago.")
@click.option("--capacity", type=click.IntRange(min=0), default=0, show_default=True, help="Open cases it can take.")
@click.option("--email", required=True, help="Its first account, who manages its colleagues' accounts.")
@click.option("--full-name", required=True)
@click.password_option()
@with_appcontext
@unit_of_work
def add_organization(
    name: str, kind: str, timezone: str, capacity: int, email: str, full_name: str, password: str
) -> None:
    """Create a legal partner organization with its profile and first account."""
    try:
        organization, user = services.create_partner_organization(
            db.session,
            None,
            services.NewPartnerOrganization(
                name=name,
                timezone=timezone,
                kind=PartnerKind(kind),
                capacity=capacity,
                email=email,
                full_name=full_name,
                password=password,
            ),
        )
    except CaseworkError as error:
        hint = {"new_password": "password", "full_name": "full-name"}.get(error.field or "", error.field)
        raise click.BadParameter(error.message, param_hint=hint) from error
    click.echo(
        f"Legal partner {organization.name} created; {user.email} signs in and adds colleagues. "
        f"An admin sets its courts, states and languages under Legal."
    )
