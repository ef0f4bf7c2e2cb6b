import csv
import io

from sqlalchemy import select

from casework.accounts.models import Role
from casework.audit.models import AuditEvent
from casework.exports import safe_cell
from tests.factories import PASSWORD, make_family, make_organization, make_user, member_data


def test_cells_that_would_start_a_formula_are_neutralized():
    for dangerous in ('=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(dangerous) == "'" + dangerous
    assert safe_cell("García, José") == "García, José" and safe_cell(None) == "" and safe_cell(3) == "3"


def test_supervisors_export_the_program_and_it_is_audited(client, db_session):
    program = make_organization(db_session)
    manager = make_user(db_session, program, Role.CASE_MANAGER)
    supervisor = make_user(db_session, program, Role.SUPERVISOR)
    make_family(db_session, manager, member_data(given="=cmd|' /C calc'!A0", first="Pérez", a_number=None))
    make_family(db_session, manager, member_data(given="Rosa", first="Tzul", a_number=None))
    stranger = make_user(db_session, make_organization(db_session))
    make_family(db_session, stranger, member_data(given="Otra", first="Persona", a_number=None))
    db_session.commit()

    client.sign_in(manager.email, PASSWORD)
    assert client.get("/families/export.csv").status_code == 403
    client.post("/sign-out", page="/dashboard")
    client.sign_in(supervisor.email, PASSWORD)
    response = client.get("/families/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:2] == ["Case", "Household"] and len(rows) == 3
    assert sorted(row[1] for row in rows[1:]) == ["Pérez López, =cmd|' /C calc'!A0", "Tzul López, Rosa"]
    assert rows[1][2] == "1" and rows[1][4] == manager.full_name
    exports = db_session.scalars(select(AuditEvent).where(AuditEvent.object_type == "export")).all()
    assert [e.user_id for e in exports] == [supervisor.id]


def test_exported_household_names_cannot_become_formulas(client, db_session):
    program = make_organization(db_session)
    supervisor = make_user(db_session, program, Role.SUPERVISOR)
    make_family(db_session, supervisor, member_data(given="Ana", first="=1+1", second=None, a_number=None))
    db_session.commit()
    client.sign_in(supervisor.email, PASSWORD)
    rows = list(csv.reader(io.StringIO(client.get("/families/export.csv").get_data(as_text=True))))
    assert rows[1][1] == "'=1+1, Ana"


def test_export_reads_in_batches_without_losing_rows(db_session):
    from casework.families.services import export_rows

    program = make_organization(db_session)
    supervisor = make_user(db_session, program, Role.SUPERVISOR)
    for n in range(5):
        make_family(db_session, supervisor, member_data(given=f"Persona{n}", first="Batch", a_number=None))
    db_session.commit()
    names = [row[1] for row in export_rows(db_session, supervisor, batch=2)]
    assert sorted(names) == [f"Batch López, Persona{n}" for n in range(5)]
