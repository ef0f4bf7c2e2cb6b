"""Templates' `can` (casework.access.template_permissions) answers as the access rule does, for the
account making the request."""

from flask import render_template_string
from flask_login import login_user

from casework import access
from casework.accounts.models import Role
from tests.factories import make_organization, make_user


def test_a_pages_can_answers_every_capability_as_the_access_rule_for_whoever_asks(app, db_session):
    program = make_organization(db_session)
    manager = make_user(db_session, program, Role.CASE_MANAGER)
    admin = make_user(db_session, program, Role.ADMIN)
    db_session.commit()
    answers = {}
    for user in (manager, admin):
        with app.test_request_context("/"):
            login_user(user)
            for capability in access._CAPABILITIES:
                written = render_template_string("{{ can(c) }}|{{ can(c) }}", c=capability)
                assert written == f"{access.has(user, capability)}|{access.has(user, capability)}", capability
            answers[user.id] = render_template_string("{{ can('manage_users') }}")
    assert answers == {manager.id: "False", admin.id: "True"}
