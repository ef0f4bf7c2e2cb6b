from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select, update

from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.crypto import field_keys
from casework.db import db
from casework.families.models import Member
from casework.transactions import unit_of_work


@click.group("keys", help="Encryption keys of identifiers stored at rest.")
def keys_cli() -> None:
    pass


def rotate_a_numbers(session, batch: int = 1000) -> int:
    """Re-encrypt every A-number under the current key and recompute its blind index."""
    keys = field_keys()
    last_id, done = 0, 0
    while True:
        rows = session.execute(
            select(Member.id, Member.a_number)
            .where(Member.id > last_id, Member.a_number.is_not(None))
            .order_by(Member.id)
            .limit(batch)
        ).all()
        if not rows:
            break
        session.execute(
            update(Member),
            [
                {"id": member_id, "a_number": a_number, "a_number_index": keys.blind_index(a_number)}
                for member_id, a_number in rows
            ],
        )
        last_id, done = rows[-1].id, done + len(rows)
    record(session, None, AuditAction.CHANGE, "member", None, detail=f"A-numbers re-encrypted: {done}")
    return done


@keys_cli.command("rotate")
@click.option("--batch", default=1000, show_default=True, type=click.IntRange(1, 100_000))
@with_appcontext
@unit_of_work
def rotate_command(batch: int) -> None:
    """Re-encrypt A-numbers and two-factor secrets under the first key of FIELD_ENCRYPTION_KEYS
    (then older keys can go) and recompute blind indexes under BLIND_INDEX_KEY; then each domain's
    sealed values and file keys."""
    from flask import current_app

    from casework.accounts import two_factor
    from casework.extensions import registry

    done = rotate_a_numbers(db.session, batch)
    click.echo(f"{done} A-numbers re-encrypted under key {field_keys().current_id!r}.")
    click.echo(f"{two_factor.rotate_secrets(db.session)} two-factor secrets re-encrypted.")
    for rotate in registry(current_app).key_rotations:
        click.echo(rotate(db.session))
