"""`casework demo` and `casework seed`, run through the CLI on the test database (inside the test's
transaction: the commands' `db.session` comes from the sessionmaker the db_session fixture installs)."""

from __future__ import annotations

from sqlalchemy import func, select

from casework.accounts.models import Organization, Role, User
from casework.audit.models import AuditEvent
from casework.cases.models import Case, CaseStatus, Note, Task
from casework.demo import demo, seed
from casework.families.identifiers import format_a_number, name_tokens
from casework.families.models import Consent, Family, Member, NameToken, Phone
from casework.releases.models import Release
from casework.schooling.models import SchoolEnrollment
from casework.timeutil import today_in


def _count(db_session, model, *where) -> int:
    return db_session.scalar(select(func.count()).select_from(model).where(*where))


def _snapshot(db_session) -> dict[str, int]:
    return {
        model.__name__: _count(db_session, model)
        for model in (Organization, User, Family, Member, NameToken, Case, Note, Task, AuditEvent, Release)
    }


def test_demo_loads_once_and_its_accounts_sign_in(app, client, db_session):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "Demo data loaded: 40 fictional families." in result.output
    assert "demo-password" in result.output and "manager@example.org" in result.output

    program = db_session.scalar(select(Organization).where(Organization.name == demo.PROGRAM_NAME))
    assert program.timezone == "America/Chicago"
    families = _count(db_session, Family, Family.program_id == program.id)
    assert families == 40
    roles = dict(db_session.execute(select(User.email, User.role).where(User.organization_id == program.id)).all())
    assert roles["admin@example.org"] is Role.ADMIN
    assert roles["supervisor@example.org"] is Role.SUPERVISOR
    assert roles["manager@example.org"] is Role.CASE_MANAGER
    assert sum(role is Role.CASE_MANAGER for role in roles.values()) >= 3

    # What the demo is for: accents, indigenous languages with interpreters, children at school,
    # overdue tasks, families without consent, closed cases, most cases with manager@example.org.
    members = list(db_session.scalars(select(Member).join(Family).where(Family.program_id == program.id)))
    assert any(m.preferred_language in ("quc", "mam", "kjb", "cab") and m.needs_interpreter for m in members)
    assert any(m.preferred_language == "hat" for m in members)
    assert any(any(c in m.full_name for c in "áéíóúñ") for m in members)
    assert all(
        len(db_session.scalars(select(NameToken).where(NameToken.member_id == m.id)).all()) >= 2 for m in members
    )
    assert _count(db_session, SchoolEnrollment) > 0
    cases = list(db_session.scalars(select(Case).join(Family).where(Family.program_id == program.id)))
    manager_id = db_session.scalar(select(User.id).where(User.email == "manager@example.org"))
    assert sum(c.assigned_to_id == manager_id for c in cases) > len(cases) / 2
    assert any(c.status is CaseStatus.CLOSED for c in cases)
    with_consent = set(db_session.scalars(select(Member.family_id).join(Consent, Consent.member_id == Member.id)))
    assert any(c.family_id not in with_consent for c in cases)
    today = today_in(demo.PROGRAM_TIMEZONE)
    due = list(db_session.scalars(select(Task.due_on).join(Case).join(Family).where(Family.program_id == program.id)))
    assert any(d < today for d in due) and any(d >= today for d in due)

    before = _snapshot(db_session)
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0, again.output
    assert "nothing changed" in again.output and "Demo dates already loaded." in again.output
    assert _snapshot(db_session) == before

    assert client.sign_in("manager@example.org", demo.PASSWORD).status_code == 302
    assert client.get("/dashboard").status_code == 200
    page = client.get("/families").get_data(as_text=True)
    assert page.count('href="/families/') >= 10


def test_demo_accounts_exist_only_where_the_demo_was_loaded(app, db_session):
    assert db_session.scalar(select(User).where(User.email == "admin@example.org")) is None


def test_seed_creates_searchable_families(app, client, db_session):
    result = app.test_cli_runner().invoke(args=["seed", "--families", "30"])
    assert result.exit_code == 0, result.output
    program = db_session.scalar(select(Organization).where(Organization.name == seed.PROGRAM_NAME))
    families = list(db_session.scalars(select(Family).where(Family.program_id == program.id)))
    assert len(families) == 30
    assert all(f.display_name and f.sort_key == f.sort_key.lower() for f in families)
    family_ids = [f.id for f in families]
    assert _count(db_session, Case, Case.family_id.in_(family_ids)) == 30
    assert len(set(db_session.scalars(select(Case.reference).where(Case.family_id.in_(family_ids))))) == 30
    members = list(db_session.scalars(select(Member).where(Member.family_id.in_(family_ids))))
    assert 60 <= len(members) <= 150
    member = members[7]
    tokens = set(db_session.scalars(select(NameToken.token).where(NameToken.member_id == member.id)))
    assert tokens == name_tokens(member.given_names, member.first_surname, member.second_surname)

    assert client.sign_in(seed.MANAGER_EMAIL, seed.PASSWORD).status_code == 302
    seed_manager = db_session.scalar(select(User).where(User.email == seed.MANAGER_EMAIL))
    assert seed_manager.organization_id == program.id
    name = f"{member.first_surname} {member.given_names.split()[0]}"
    page = client.get("/families", query_string={"q": name}).get_data(as_text=True)
    assert f'href="/families/{member.family_id}"' in page
    head = db_session.scalar(select(Member).where(Member.family_id == families[3].id, Member.a_number.is_not(None)))
    page = client.get("/families", query_string={"q": format_a_number(head.a_number)}).get_data(as_text=True)
    assert f'href="/families/{head.family_id}"' in page
    phone = db_session.scalar(select(Phone.number).where(Phone.member_id == head.id))
    page = client.get("/families", query_string={"q": phone}).get_data(as_text=True)
    assert f'href="/families/{head.family_id}"' in page
    assert client.get(f"/families/{head.family_id}").status_code == 200
    assert client.get("/dashboard").status_code == 200

    # A second run adds to the same program, with new unique case references.
    more = app.test_cli_runner().invoke(args=["seed", "--families", "5"])
    assert more.exit_code == 0, more.output
    assert _count(db_session, Family, Family.program_id == program.id) == 35
    assert _count(db_session, Case) == len(set(db_session.scalars(select(Case.reference))))
