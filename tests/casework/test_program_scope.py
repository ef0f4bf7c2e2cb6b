"""The program scope with a bound program: the same records as `access.scoped` for a program's
staff, and refused for anyone else (their reach is not a program)."""

from __future__ import annotations

import pytest

from casework import access
from casework.accounts.models import OrganizationKind, Role
from casework.families.models import Member
from tests.factories import make_family, make_organization, make_user, member_data


def test_a_bound_program_scope_reads_what_the_scope_reads(db_session):
    ours, theirs = make_organization(db_session), make_organization(db_session)
    manager, other = make_user(db_session, ours), make_user(db_session, theirs)
    make_family(db_session, manager, member_data(given="Ana", first="Tzul"))
    make_family(db_session, other, member_data(given="Rosa", first="Coc"))
    db_session.commit()
    for user in (manager, other):
        bound = db_session.scalars(access.program_scoped(Member), access.program_scope(user)).all()
        assert bound == db_session.scalars(access.scoped(Member, user)).all()
        assert len(bound) == 1
    assert access.program_scoped(Member) is access.program_scoped(Member)  # built once


def test_only_a_programs_staff_get_a_bound_program(db_session):
    partner = make_user(db_session, make_organization(db_session, OrganizationKind.LEGAL_PARTNER), Role.LEGAL_PARTNER)
    former = make_user(db_session, make_organization(db_session), active=False)
    for user in (partner, former):
        with pytest.raises(PermissionError):
            access.program_scope(user)
