from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.accounts.models import Organization, OrganizationKind, Role, User
from casework.accounts.passwords import hash_password
from casework.accounts.services import check_new_password, checked_email
from casework.db import db
from casework.errors import ValidationError
from casework.transactions import unit_of_work


@click.group("users", help="Manage sign-in accounts.")
def users_cli() -> None:
    pass


def checked_new_account(session: Session, email: str, password: str) -> str:
    """The normalized email of an account a command is about to create, once its password passes the
    policy and no account has the email; any domain's command that creates accounts calls this."""
    try:
        check_new_password(password)
        email = checked_email(email)
    except ValidationError as error:
        hint = error.field.replace("new_", "") if error.field else None
        raise click.BadParameter(error.message, param_hint=hint) from error
    if session.scalar(select(User.id).where(User.email == email)):
        raise click.BadParameter("an account with this email exists", param_hint="email")
    return email


@users_cli.command("create-admin")
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True)
@click.option("--program", "program_name", required=True, help="Program name; created if missing.")
@click.option("--timezone", default="America/New_York", show_default=True)
@click.password_option()
@with_appcontext
@unit_of_work
def create_admin(email: str, full_name: str, program_name: str, timezone: str, password: str) -> None:
    """Create the first administrator of a program (for a production install)."""
    session = db.session
    email = checked_new_account(session, email, password)
    program = session.scalar(select(Organization).where(Organization.name == program_name))
    if program is None:
        program = Organization(name=program_name, kind=OrganizationKind.PROGRAM, timezone=timezone)
        session.add(program)
        session.flush()
    session.add(
        User(
            email=email,
            full_name=full_name,
            role=Role.ADMIN,
            organization_id=program.id,
            password_hash=hash_password(password),
        )
    )
    click.echo(f"Administrator {email} created for {program_name}.")
