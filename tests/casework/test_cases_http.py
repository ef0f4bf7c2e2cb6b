from datetime import date, timedelta

from sqlalchemy import select

from casework.accounts.models import Role
from casework.cases.models import Case, CaseAssignment, CaseStatus, ClosedReason, Note, Task
from casework.db import utcnow
from casework.families import services as family_services
from casework.families.models import Relationship
from casework.schooling.models import EnrollmentStatus, SchoolEnrollment
from casework.timeutil import today_in
from tests.factories import PASSWORD, make_family, make_organization, make_user, member_data


def _setup(client, db_session, role=Role.CASE_MANAGER):
    program = make_organization(db_session)
    user = make_user(db_session, program, role)
    family = make_family(db_session, user)
    db_session.commit()
    client.sign_in(user.email, PASSWORD)
    case = db_session.scalars(select(Case).where(Case.family_id == family.id)).one()
    return user, family, case


def test_case_opens_in_intake_and_closes_only_with_a_reason(client, db_session):
    user, family, case = _setup(client, db_session)
    assert case.status is CaseStatus.INTAKE and case.reference.startswith("C-")
    assert (
        client.post(f"/cases/{case.id}/status", {"status": "active"}, page=f"/families/{family.id}").status_code == 302
    )
    response = client.post(f"/cases/{case.id}/status", {"status": "closed"}, page=f"/families/{family.id}")
    assert response.status_code == 200 and "Say why the case is closed." in response.get_data(as_text=True)
    response = client.post(
        f"/cases/{case.id}/status", {"status": "closed", "closed_reason": "removed"}, page=f"/families/{family.id}"
    )
    assert response.status_code == 302
    db_session.expire_all()
    case = db_session.get(Case, case.id)
    assert case.status is CaseStatus.CLOSED and case.closed_reason is ClosedReason.REMOVED
    assert case.closed_on == today_in(user.organization.timezone)


def test_reassignment_keeps_history(client, db_session):
    user, family, case = _setup(client, db_session)
    colleague = make_user(db_session, user.organization, Role.CASE_MANAGER, name="Lucía Colleague")
    stranger = make_user(db_session, make_organization(db_session))
    db_session.commit()
    refused = client.post(
        f"/cases/{case.id}/assign", {"assigned_to_id": str(stranger.id)}, page=f"/families/{family.id}"
    )
    assert refused.status_code == 200 and "Not a valid choice" in refused.get_data(as_text=True)
    assert (
        client.post(
            f"/cases/{case.id}/assign", {"assigned_to_id": str(colleague.id)}, page=f"/families/{family.id}"
        ).status_code
        == 302
    )
    history = db_session.scalars(
        select(CaseAssignment).where(CaseAssignment.case_id == case.id).order_by(CaseAssignment.id)
    ).all()
    assert [h.user_id for h in history] == [user.id, colleague.id]
    page = client.get(f"/families/{family.id}").get_data(as_text=True)
    assert "Assignment history" in page and "Lucía Colleague" in page


def test_the_family_page_writes_a_note_and_links_to_the_status_assignment_and_task_pages(client, db_session):
    _user, family, case = _setup(client, db_session)
    page = client.get(f"/families/{family.id}").get_data(as_text=True)
    assert f'action="/cases/{case.id}/notes"' in page  # the note is written on the page itself
    for path, heading in (
        (f"/cases/{case.id}/status", "Case status"),
        (f"/cases/{case.id}/assign", "Assign the case"),
        (f"/cases/{case.id}/tasks", "New task"),
    ):
        assert f'href="{path}"' in page and f'action="{path}"' not in page
        form = client.get(path)
        assert form.status_code == 200 and heading in form.get_data(as_text=True)
    # The staff lists are on the assignment and task pages only, not read for the family page.
    assert 'name="assigned_to_id"' not in page and 'name="assignee_id"' not in page
    assert 'name="assigned_to_id"' in client.get(f"/cases/{case.id}/assign").get_data(as_text=True)


def test_notes_form_a_timeline(client, db_session):
    _user, family, case = _setup(client, db_session)
    empty = client.post(f"/cases/{case.id}/notes", {"body": "   "}, page=f"/families/{family.id}")
    assert empty.status_code == 200 and "This field is required." in empty.get_data(as_text=True)
    client.post(
        f"/cases/{case.id}/notes",
        {"body": "Called the family; the court notice arrived."},
        page=f"/families/{family.id}",
    )
    client.post(f"/cases/{case.id}/notes", {"body": "Second visit."}, page=f"/families/{family.id}")
    page = client.get(f"/families/{family.id}").get_data(as_text=True)
    assert page.index("Second visit.") < page.index("the court notice arrived")
    assert len(db_session.scalars(select(Note)).all()) == 2


def test_tasks_are_added_completed_and_listed(client, db_session):
    user, family, case = _setup(client, db_session)
    today = today_in(user.organization.timezone)
    response = client.post(
        f"/cases/{case.id}/tasks",
        {"title": "Request school records", "due_on": "not a date", "assignee_id": str(user.id)},
        page=f"/families/{family.id}",
    )
    assert response.status_code == 200 and 'value="Request school records"' in response.get_data(as_text=True)
    client.post(
        f"/cases/{case.id}/tasks",
        {
            "title": "Request school records",
            "due_on": (today - timedelta(days=2)).isoformat(),
            "assignee_id": str(user.id),
        },
        page=f"/families/{family.id}",
    )
    task = db_session.scalars(select(Task)).one()
    assert "Request school records" in client.get("/tasks").get_data(as_text=True)
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "Request school records" in dashboard.split("Overdue tasks")[1].split("Tasks in the next 14 days")[0]
    assert client.post(f"/tasks/{task.id}/complete", page=f"/families/{family.id}").status_code == 302
    assert "Request school records" not in client.get("/tasks").get_data(as_text=True)
    again = client.post(f"/tasks/{task.id}/complete", page=f"/families/{family.id}", follow_redirects=True)
    assert "already done" in again.get_data(as_text=True)


def test_the_family_page_lists_tasks_and_notes_with_their_people(app, client, db_session):
    """Open tasks first by date, a done one struck through with Reopen, each with its assignee or a
    dash; a title kept by key is written in the reader's language; each note names its author."""
    from casework.cases.models import TaskKind
    from casework.cases.titles import ADDRESS_CHANGE_COURT

    user, family, case = _setup(client, db_session)
    user.full_name = "Mónica Manager"
    today = today_in(user.organization.timezone)
    done = Task(case_id=case.id, title="Book the interpreter", due_on=today - timedelta(days=9), assignee_id=user.id)
    done.completed_at = utcnow()
    db_session.add_all(
        [
            done,
            Task(case_id=case.id, title="Call the school", due_on=today + timedelta(days=3)),
            Task(
                case_id=case.id,
                kind=TaskKind.ADDRESS_CHANGE_COURT,
                title="File the change of address",
                title_key=ADDRESS_CHANGE_COURT.key,
                title_values={},
                due_on=today - timedelta(days=1),
                assignee_id=user.id,
            ),
            Note(case_id=case.id, author_id=user.id, body="Visited the family."),
        ]
    )
    db_session.commit()
    page = client.get(f"/families/{family.id}").get_data(as_text=True)
    tasks = page.split('id="tasks-h"')[1].split("New task")[0]
    rows = tasks.split("<tr>")[2:]
    assert "overdue" in rows[0] and "<td>Mónica Manager</td>" in rows[0] and "Mark done" in rows[0]
    assert "Call the school" in rows[1] and "<td>—</td>" in rows[1]
    assert "<s>Book the interpreter</s>" in rows[2] and "Reopen" in rows[2] and "Mónica Manager" in rows[2]
    notes = page.split('id="notes-h"')[1].split("</section>")[0]
    assert "Mónica Manager" in notes and "Visited the family." in notes
    assert "File the change of address with the immigration court (EOIR-33)" in rows[0]  # by its key
    spanish = client.get(f"/families/{family.id}", headers={"Accept-Language": "es"}).get_data(as_text=True)
    with app.test_request_context("/", headers={"Accept-Language": "es"}):
        in_spanish = ADDRESS_CHANGE_COURT.render({})
    assert in_spanish != "File the change of address with the immigration court (EOIR-33)"
    assert in_spanish in spanish.split('id="tasks-h"')[1].split("</table>")[0]


def test_dashboard_alerts_unenrolled_children_and_missing_consent(client, db_session):
    user, family, case = _setup(client, db_session)
    today = today_in(user.organization.timezone)
    case.opened_on = today - timedelta(days=45)
    child = family_services.add_member(
        db_session,
        user,
        family,
        member_data(
            given="Sofía",
            first="García",
            second="Tzoc",
            a_number=None,
            phones=[],
            relationship_to_head=Relationship.CHILD,
            date_of_birth=date(today.year - 9, 1, 15),
        ),
        today,
    )
    family_services.add_member(
        db_session,
        user,
        family,
        member_data(
            given="Mateo",
            first="García",
            a_number=None,
            phones=[],
            relationship_to_head=Relationship.CHILD,
            date_of_birth=date(today.year - 2, 1, 15),
        ),
        today,
    )
    without_consent = make_family(
        db_session, user, member_data(given="Wilmer", first="Chávez", a_number=None), consents=()
    )
    db_session.commit()
    page = client.get("/dashboard").get_data(as_text=True)
    alerts = page.split("Alerts")[1]
    school = alerts.split("No consent recorded")[0]
    assert "Sofía García Tzoc" in school and "Mateo" not in school
    consent = alerts.split("No consent recorded")[1].split("Changes of address not filed")[0]
    assert without_consent.display_name in consent and family.display_name not in consent

    db_session.add(
        SchoolEnrollment(
            member_id=child.id, status=EnrollmentStatus.ENROLLED, school="Lincoln Elementary", enrolled_on=today
        )
    )
    db_session.commit()
    assert "Sofía García Tzoc" not in client.get("/dashboard").get_data(as_text=True).split("Alerts")[1]


def test_dashboard_lists_families_last_changed_first_and_the_oldest_cases_without_consent_first(client, db_session):
    user, first, _case = _setup(client, db_session)
    today = today_in(user.organization.timezone)
    names = ["Chávez", "Ixcoy", "Morales", "Pop"]
    others = [
        make_family(db_session, user, member_data(given="Ana", first=name, a_number=None), consents=())
        for name in names
    ]
    db_session.flush()
    households = [first, *others]
    for days, family in zip((3, 1, 4, 2, 5), households, strict=True):
        family.updated_at = utcnow() - timedelta(days=days)
        case = db_session.scalars(select(Case).where(Case.family_id == family.id)).one()
        case.opened_on = today - timedelta(days=10 * days)
    db_session.commit()

    page = client.get("/dashboard").get_data(as_text=True)
    families = page.split('id="fam-h"')[1].split("</section>")[0]
    consent = page.split('id="consent-alert-h"')[1].split("</section>")[0]

    def order(html: str) -> list[int]:
        return [int(part.split('"')[0].split("#")[0]) for part in html.split('href="/families/')[1:]]

    by_change = sorted(households, key=lambda f: f.updated_at, reverse=True)
    assert order(families) == [f.id for f in by_change]
    oldest_case_first = [others[3], others[1], others[2], others[0]]  # opened 50, 40, 20 and 10 days ago
    assert order(consent) == [f.id for f in oldest_case_first]


def test_dashboard_task_panels_each_show_their_first_twenty_soonest_first(client, db_session):
    """Overdue, next two weeks and changes of address to file: each panel its own first twenty
    lines in date order, with "more" past them; a change of address overdue shows in both panels."""
    from casework.cases.models import TaskKind

    user, _family, case = _setup(client, db_session)
    today = today_in(user.organization.timezone)
    overdue = [
        Task(case_id=case.id, title=f"Overdue {n:02d}", due_on=today - timedelta(days=30 - n), assignee_id=user.id)
        for n in range(22)
    ]
    address = Task(
        case_id=case.id,
        kind=TaskKind.ADDRESS_CHANGE_COURT,
        title="File the change of address",
        due_on=today - timedelta(days=40),
        assignee_id=user.id,
    )
    soon = Task(case_id=case.id, title="Call the clinic", due_on=today + timedelta(days=2), assignee_id=user.id)
    done = Task(case_id=case.id, title="Done already", due_on=today - timedelta(days=50), assignee_id=user.id)
    done.completed_at = utcnow()
    db_session.add_all([*reversed(overdue), address, soon, done])
    db_session.commit()

    page = client.get("/dashboard").get_data(as_text=True)
    assert "<strong>20+</strong>overdue tasks" in page.replace("\n", "")
    late = page.split('id="overdue-h"')[1].split('id="upcoming-h"')[0]
    shown = [line.split(" · ")[1].split(" ·")[0] for line in late.split("<li>")[1:]]
    assert shown == ["File the change of address", *[f"Overdue {n:02d}" for n in range(19)]]
    assert "More…" in late and "Done already" not in page
    upcoming = page.split('id="upcoming-h"')[1].split("</section>")[0]
    assert "Call the clinic" in upcoming and "Overdue" not in upcoming and "More…" not in upcoming
    to_file = page.split('id="address-alert-h"')[1].split("</section>")[0]
    assert "File the change of address" in to_file and "Overdue" not in to_file and "More…" not in to_file


def test_supervisor_sees_the_whole_program(client, db_session):
    user, family, _case = _setup(client, db_session, Role.SUPERVISOR)
    colleague = make_user(db_session, user.organization, Role.CASE_MANAGER)
    other = make_family(db_session, colleague, member_data(given="Marie", first="Joseph", second=None, a_number=None))
    db_session.commit()
    mine = client.get("/dashboard").get_data(as_text=True)
    assert other.display_name not in mine
    program = client.get("/dashboard?view=program").get_data(as_text=True)
    assert other.display_name in program and family.display_name in program


def test_dashboard_task_lines_name_the_household_and_in_the_program_view_the_assignee(client, db_session):
    user, family, case = _setup(client, db_session, Role.SUPERVISOR)
    colleague = make_user(db_session, user.organization, Role.CASE_MANAGER)
    colleague.full_name = "Reina Caseworker"
    other = make_family(db_session, colleague, member_data(given="Marie", first="Joseph", second=None, a_number=None))
    other_case = db_session.scalars(select(Case).where(Case.family_id == other.id)).one()
    today = today_in(user.organization.timezone)
    db_session.add_all(
        [
            Task(case_id=case.id, title="Call the school", due_on=today - timedelta(days=1), assignee_id=user.id),
            Task(
                case_id=other_case.id,
                title="Book the interpreter",
                due_on=today + timedelta(days=3),
                assignee_id=colleague.id,
            ),
        ]
    )
    db_session.commit()

    mine = client.get("/dashboard").get_data(as_text=True)
    overdue = mine.split('id="overdue-h"')[1].split('id="upcoming-h"')[0]
    assert "Call the school" in overdue and f'href="/families/{family.id}">{family.display_name}</a>' in overdue
    assert "Book the interpreter" not in mine and "(" not in overdue.split("</ul>")[0].split("<li>")[1]

    program = client.get("/dashboard?view=program").get_data(as_text=True)
    upcoming = program.split('id="upcoming-h"')[1].split("Alerts")[0]
    assert "Book the interpreter" in upcoming and f'href="/families/{other.id}">{other.display_name}</a>' in upcoming
    assert "(Reina Caseworker)" in upcoming
    families = program.split('id="fam-h"')[1].split('id="overdue-h"')[0]
    assert other.display_name in families and family.display_name in families and "Intake" in families
