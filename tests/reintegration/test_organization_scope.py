"""An in-country organization's staff reach their own organization's households, as a program's
staff reach theirs: the statements built once on the bound program scope read exactly their
records, and anyone whose reach is not their own organization's is given none."""

from __future__ import annotations

from casework import access
from casework.accounts.models import OrganizationKind, Role
from casework.cases.models import Note
from casework.documents.models import Document
from casework.families.models import Member
from reintegration.models import ReturneeCase
from tests.factories import make_organization, make_user


def test_in_country_staff_read_through_the_bound_scope_what_the_scope_gives_them(db_session, center, receive):
    ours = receive(days_ago=3)
    other_center = make_organization(db_session, OrganizationKind.REINTEGRATION, name="Otro Centro")
    other_worker = make_user(db_session, other_center, Role.CASE_MANAGER)
    db_session.commit()
    worker = center["worker"]
    for user, expected in ((worker, [ours.id]), (other_worker, [])):
        for model in (ReturneeCase, Member, Document):
            values = access.organization_scope(user, model)
            assert values == {access.PROGRAM_SCOPE: user.organization_id}
            bound = db_session.scalars(access.program_scoped(model), values).all()
            assert bound == db_session.scalars(access.scoped(model, user)).all()
        cases = db_session.scalars(access.program_scoped(ReturneeCase), access.organization_scope(user, ReturneeCase))
        assert [c.id for c in cases] == expected
    # Records their grant does not reach (a US case's notes) are read through `scoped`, which gives none.
    assert access.organization_scope(worker, Note) is None
    assert db_session.scalars(access.scoped(Note, worker)).all() == []


def test_a_partner_and_a_former_worker_have_no_bound_scope(db_session, center):
    partner = make_user(db_session, make_organization(db_session, OrganizationKind.LEGAL_PARTNER), Role.LEGAL_PARTNER)
    former = make_user(db_session, center["org"], Role.CASE_MANAGER, active=False)
    program_manager = make_user(db_session, make_organization(db_session))
    db_session.commit()
    for user in (partner, former):
        assert access.organization_scope(user, Member) is None
        scope, values = access.reach(user, Member)  # their scope, built for them, with no values
        assert values == {} and scope is not access.program_scoped(Member)
        assert db_session.scalars(scope).all() == db_session.scalars(access.scoped(Member, user)).all()
    worker = center["worker"]
    assert access.reach(worker, ReturneeCase) == (
        access.program_scoped(ReturneeCase),
        {access.PROGRAM_SCOPE: center["org"].id},
    )
    assert access.organization_scope(program_manager, Member) == access.program_scope(program_manager)
