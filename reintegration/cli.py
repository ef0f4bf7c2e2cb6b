"""`casework reintegration ...`: set up an in-country organization and its staff on an install
(program admins can also add staff to it under Users)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.accounts.cli import checked_new_account
from casework.accounts.models import PROGRAM_ROLES, Organization, OrganizationKind, Role, User
from casework.accounts.passwords import hash_password
from casework.db import db
from casework.transactions import unit_of_work
from reintegration.divisions import DIVISIONS
from reintegration.settings import DEFAULT_FOLLOW_UP_DAYS, DEFAULT_FOLLOW_UP_TIME, save_settings
from scheduling.api import is_zone

ROLE_NAMES = sorted(r.value for r in PROGRAM_ROLES)


@click.group("reintegration", help="In-country organizations and their staff.")
def reintegration_cli() -> None:
    pass


def _add_user(
    session: Session, organization: Organization, email: str, full_name: str, role: str, password: str
) -> User:
    user = User(
        email=email,
        full_name=full_name.strip(),
        role=Role(role),
        organization_id=organization.id,
        password_hash=hash_password(password),
    )
    session.add(user)
    session.flush()
    return user


@reintegration_cli.command("add-organization")
@click.option("--name", required=True, help="The organization's name, e.g. the reception center's.")
@click.option("--country", required=True, help="ISO 3166-1 code: GT, HN, SV, MX, HT or another.")
@click.option("--timezone", required=True, help="IANA zone, e.g. America/Guatemala.")
@click.option("--email", required=True, help="Its first account.")
@click.option("--full-name", required=True)
@click.option(
    "--role",
    type=click.Choice(ROLE_NAMES),
    default=Role.SUPERVISOR.value,
    show_default=True,
    help="A supervisor or admin of the organization changes its follow-up settings.",
)
@click.password_option()
@with_appcontext
@unit_of_work
def add_organization(
    name: str, country: str, timezone: str, email: str, full_name: str, role: str, password: str
) -> None:
    """Create an in-country organization with its first account."""
    session = db.session
    country = country.strip().upper()
    if len(country) != 2 or not country.isalpha():
        raise click.BadParameter("a two-letter country code", param_hint="country")
    if not is_zone(timezone):
        raise click.BadParameter("an IANA time zone such as America/Guatemala", param_hint="timezone")
    if session.scalar(select(Organization.id).where(Organization.name == name.strip())):
        raise click.BadParameter("an organization with this name exists", param_hint="name")
    email = checked_new_account(session, email, password)
    organization = Organization(name=name.strip(), kind=OrganizationKind.REINTEGRATION, timezone=timezone)
    session.add(organization)
    session.flush()
    user = _add_user(session, organization, email, full_name, role, password)
    save_settings(
        session, user, organization, country, " ".join(map(str, DEFAULT_FOLLOW_UP_DAYS)), DEFAULT_FOLLOW_UP_TIME, None
    )
    known = "" if country in DIVISIONS else " (its departments and municipalities are typed)"
    click.echo(
        f"In-country organization {organization.name} created in {country}{known}; {user.email} signs in as {role}."
    )


@reintegration_cli.command("add-user")
@click.option("--organization", "organization_name", required=True)
@click.option("--email", required=True)
@click.option("--full-name", required=True)
@click.option("--role", type=click.Choice(ROLE_NAMES), default=Role.CASE_MANAGER.value, show_default=True)
@click.password_option()
@with_appcontext
@unit_of_work
def add_user(organization_name: str, email: str, full_name: str, role: str, password: str) -> None:
    """Add a member of staff to an in-country organization."""
    session = db.session
    organization = session.scalar(
        select(Organization).where(
            Organization.name == organization_name.strip(), Organization.kind == OrganizationKind.REINTEGRATION
        )
    )
    if organization is None:
        raise click.BadParameter("no in-country organization of this name", param_hint="organization")
    email = checked_new_account(session, email, password)
    user = _add_user(session, organization, email, full_name, role, password)
    click.echo(f"{user.email} added to {organization.name} as {role}.")
