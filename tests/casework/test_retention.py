"""Households whose cases closed more than the retention period ago are anonymized by the daily
job, only after standing on the supervisors' warning list; the job is audited."""

from datetime import date, timedelta

from sqlalchemy import select, text

from casework.accounts.models import Role
from casework.audit.models import AuditEvent
from casework.cases import services as case_services
from casework.cases.models import Case, CaseStatus, ClosedReason, Note
from casework.families.models import Address, Family, NameToken, Phone
from casework.retention import services
from casework.timeutil import add_years
from tests.factories import PASSWORD, make_family, make_organization, make_user, member_data

POLICY = services.RetentionPolicy(years=3, warning_days=30)
TODAY = date(2026, 11, 24)


def _closed_family(db_session, user, closed_on, **head):
    family = make_family(db_session, user, member_data(**head) if head else None)
    case = db_session.scalars(select(Case).where(Case.family_id == family.id)).one()
    case_services.add_note(db_session, user, case, "Visited the family at home.")
    case.status, case.closed_on, case.closed_reason = CaseStatus.CLOSED, closed_on, ClosedReason.MOVED_AWAY
    db_session.commit()
    return family


def test_households_are_listed_then_anonymized_after_the_warning(app, db_session):
    user = make_user(db_session, make_organization(db_session))
    due = _closed_family(db_session, user, add_years(TODAY, -3) - timedelta(days=1), a_number="A-123-456-789")
    soon = _closed_family(
        db_session, user, add_years(TODAY, -3) + timedelta(days=10), given="Rosa", first="Tzul", a_number=None
    )
    recent = _closed_family(db_session, user, TODAY - timedelta(days=100), given="Juan", first="Pérez", a_number=None)
    open_family = make_family(db_session, user, member_data(given="Ana", first="Cux", a_number=None))
    db_session.commit()

    with app.app_context():
        listed, anonymized = services.run(db_session, TODAY, POLICY)
    assert (listed, anonymized) == (2, 0)  # listed first, however long overdue
    assert {f.id for f in db_session.scalars(select(Family).where(Family.retention_warned_on.is_not(None)))} == {
        due.id,
        soon.id,
    }

    with app.app_context():
        listed, anonymized = services.run(db_session, TODAY + timedelta(days=30), POLICY)
    assert (listed, anonymized) == (0, 2)
    db_session.expire_all()
    gone = db_session.get(Family, due.id)
    assert gone.anonymized_at is not None and gone.display_name == f"#{due.id}"
    member = gone.members[0]
    assert (member.given_names, member.a_number, member.email) == ("—", None, None)
    assert member.date_of_birth == date(1988, 1, 1) and member.languages  # figures stay
    for model, column in ((Phone, Phone.member_id), (NameToken, NameToken.member_id)):
        assert db_session.scalars(select(model).where(column == member.id)).first() is None
    assert db_session.scalars(select(Address).where(Address.family_id == due.id)).first() is None
    case_ids = select(Case.id).where(Case.family_id == due.id)
    assert db_session.scalars(select(Note).where(Note.case_id.in_(case_ids))).first() is None
    assert "García" not in str(
        db_session.execute(text("SELECT * FROM members WHERE family_id = :f"), {"f": due.id}).all()
    )
    for untouched in (recent, open_family):
        assert db_session.get(Family, untouched.id).anonymized_at is None
    audit = [e.detail for e in db_session.scalars(select(AuditEvent).where(AuditEvent.family_id == due.id))]
    assert any(d.startswith("retention warning") for d in audit)
    assert "anonymized: retention period over" in audit


def test_supervisors_see_the_warning_list(client, db_session):
    program = make_organization(db_session)
    manager = make_user(db_session, program, Role.CASE_MANAGER)
    supervisor = make_user(db_session, program, Role.SUPERVISOR)
    from casework.timeutil import today_in

    today = today_in(program.timezone)
    family = _closed_family(db_session, manager, add_years(today, -3) + timedelta(days=5))
    other = make_user(db_session, make_organization(db_session))
    elsewhere = _closed_family(db_session, other, add_years(today, -3), given="Otra", first="Persona", a_number=None)
    db_session.commit()
    client.sign_in(manager.email, PASSWORD)
    assert client.get("/retention").status_code == 403
    client.post("/sign-out", page="/dashboard")
    client.sign_in(supervisor.email, PASSWORD)
    page = client.get("/retention").get_data(as_text=True)
    assert family.display_name in page and elsewhere.display_name not in page
