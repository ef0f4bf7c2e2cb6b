from datetime import timedelta

from sqlalchemy import select

from casework.accounts.models import Role
from casework.audit.models import AuditAction, AuditEvent
from casework.cases.models import Case
from casework.families import services as family_services
from casework.families.models import Relationship
from casework.releases.models import Release, ReleaseType, ReleasingAgency
from casework.schooling.models import Barrier, EnrollmentStatus, SchoolEnrollment
from casework.timeutil import add_years, today_in
from tests.factories import PASSWORD, make_family, make_organization, make_user, member_data


def _setup(client, db_session, alert_days=None):
    program = make_organization(db_session)
    if alert_days is not None:
        program.enrollment_alert_days = alert_days
    user = make_user(db_session, program, Role.CASE_MANAGER)
    family = make_family(db_session, user)
    db_session.commit()
    assert client.sign_in(user.email, PASSWORD).status_code == 302
    return user, family, today_in(program.timezone)


def _child(db_session, user, family, today, born=None, given="Sofía"):
    child = family_services.add_member(
        db_session,
        user,
        family,
        member_data(
            given=given,
            first="García",
            second=None,
            a_number=None,
            phones=[],
            relationship_to_head=Relationship.CHILD,
            date_of_birth=born or add_years(today, -9),
        ),
        today,
    )
    db_session.commit()
    return child


def _section(client, family) -> str:
    page = client.get(f"/families/{family.id}").get_data(as_text=True)
    if 'id="school-h"' not in page:
        return ""
    return page.split('id="school-h"')[1].split("</section>")[0]


def _row(section: str, name: str) -> str:
    return next(row for row in section.split("<tr>") if name in row)


def _errors(page: str, field: str) -> str:
    marker = f'id="{field}-error">'
    return page.split(marker, 1)[1].split("</p>", 1)[0] if marker in page else ""


def _start_clock(db_session, family, days_ago, today):
    """Make the household's case opened `days_ago` days ago, with no release recorded."""
    case = db_session.scalars(select(Case).where(Case.family_id == family.id)).one()
    case.opened_on = today - timedelta(days=days_ago)
    db_session.commit()


def _release(db_session, family, days_ago, today):
    db_session.add(
        Release(
            family_id=family.id,
            released_on=today - timedelta(days=days_ago),
            agency=ReleasingAgency.CBP,
            release_type=ReleaseType.PAROLE,
        )
    )
    db_session.commit()


def test_school_age_is_five_to_eighteen_on_the_day(client, db_session):
    user, family, today = _setup(client, db_session)
    five_today = _child(db_session, user, family, today, add_years(today, -5), "Cinco")
    almost_five = _child(db_session, user, family, today, add_years(today, -5) + timedelta(days=1), "Casi")
    eighteen = _child(db_session, user, family, today, add_years(today, -19) + timedelta(days=1), "Dieciocho")
    nineteen = _child(db_session, user, family, today, add_years(today, -19), "Diecinueve")
    no_birth_date = family_services.add_member(
        db_session,
        user,
        family,
        member_data(
            given="Sinfecha",
            first="García",
            a_number=None,
            phones=[],
            relationship_to_head=Relationship.CHILD,
            date_of_birth=None,
        ),
        today,
    )
    db_session.commit()

    section = _section(client, family)
    assert "Cinco García" in section and "Dieciocho García" in section
    assert "Casi" not in section and "Diecinueve" not in section and "Sinfecha" not in section
    for member in (five_today, eighteen):
        assert client.get(f"/members/{member.id}/school").status_code == 200
    for member in (almost_five, nineteen, no_birth_date, family.members[0]):
        assert client.get(f"/members/{member.id}/school").status_code == 404
        response = client.raw.post(
            f"/members/{member.id}/school", data={"status": "not_started", "csrf_token": client.token("/dashboard")}
        )
        assert response.status_code == 404
    assert db_session.scalars(select(SchoolEnrollment)).first() is None


def test_no_school_section_without_school_age_children(client, db_session):
    user, family, today = _setup(client, db_session)
    _child(db_session, user, family, today, add_years(today, -2), "Bebé")
    assert _section(client, family) == ""


def test_enrolled_needs_school_and_a_past_enrollment_date(client, db_session):
    user, family, today = _setup(client, db_session)
    child = _child(db_session, user, family, today)
    url = f"/members/{child.id}/school"

    no_school = client.post(
        url,
        {"status": "enrolled", "district": "Chicago Public Schools", "enrolled_on": today.isoformat(), "grade": "4"},
    )
    page = no_school.get_data(as_text=True)
    assert no_school.status_code == 200 and "Name the school." in _errors(page, "school")
    assert 'value="Chicago Public Schools"' in page and 'value="4"' in page

    no_date = client.post(url, {"status": "enrolled", "school": "Finkl Elementary"})
    page = no_date.get_data(as_text=True)
    assert "Give the date of enrollment." in _errors(page, "enrolled_on") and 'value="Finkl Elementary"' in page

    future = client.post(
        url,
        {"status": "enrolled", "school": "Finkl Elementary", "enrolled_on": (today + timedelta(days=1)).isoformat()},
    )
    assert "cannot be in the future" in _errors(future.get_data(as_text=True), "enrolled_on")

    barrier = client.post(url, {"status": "barrier", "barrier_notes": "Landlord will not sign"})
    page = barrier.get_data(as_text=True)
    assert "Say what stands in the way." in _errors(page, "barrier") and "Landlord will not sign" in page

    for bad in (
        {"status": "graduated"},
        {"status": "barrier", "barrier": "weather"},
        {"status": "enrolled", "school": "X", "enrolled_on": "yesterday"},
        {"grade": "x" * 21},
    ):
        response = client.post(url, bad)
        assert response.status_code == 200 and 'class="error"' in response.get_data(as_text=True)
    assert db_session.scalars(select(SchoolEnrollment)).first() is None


def test_enrollment_is_saved_and_shown_on_the_family_page(client, db_session):
    user, family, today = _setup(client, db_session)
    child = _child(db_session, user, family, today)
    url = f"/members/{child.id}/school"
    response = client.post(
        url,
        {
            "status": "enrolled",
            "district": "Chicago Public Schools",
            "school": "Finkl Elementary",
            "grade": "4",
            "enrolled_on": (today - timedelta(days=3)).isoformat(),
            "english_learner_services": "y",
        },
    )
    assert response.status_code == 302
    enrollment = db_session.scalars(select(SchoolEnrollment)).one()
    assert enrollment.member_id == child.id and enrollment.status is EnrollmentStatus.ENROLLED
    assert enrollment.enrolled_on == today - timedelta(days=3) and enrollment.english_learner_services
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.object_type == "school_enrollment")).one()
    assert event.action is AuditAction.CREATE and event.family_id == family.id and "Finkl" not in event.detail

    row = _row(_section(client, family), "Sofía García")
    assert "Enrolled" in row and "Finkl Elementary" in row and "grade 4" in row
    assert "English-learner services" in row and "alert" not in row

    # The form shows what was recorded; a barrier replaces the enrollment details.
    form = client.get(url).get_data(as_text=True)
    assert 'value="Finkl Elementary"' in form and '<option selected value="enrolled">' in form
    assert (
        client.post(
            url,
            {
                "status": "barrier",
                "barrier": "proof_of_residency",
                "barrier_notes": "No lease yet",
                "district": "Chicago Public Schools",
            },
        ).status_code
        == 302
    )
    db_session.expire_all()
    enrollment = db_session.scalars(select(SchoolEnrollment)).one()
    assert enrollment.status is EnrollmentStatus.BARRIER and enrollment.barrier is Barrier.PROOF_OF_RESIDENCY
    assert enrollment.enrolled_on is None and not enrollment.english_learner_services
    row = _row(_section(client, family), "Sofía García")
    assert "Barrier" in row and "Proof of residency" in row


def test_alert_after_the_programs_days_since_the_first_release(client, db_session):
    user, family, today = _setup(client, db_session)
    child = _child(db_session, user, family, today)
    _start_clock(db_session, family, 400, today)  # the case is older, but a release comes first
    _release(db_session, family, 29, today)
    assert "alert" not in _row(_section(client, family), "Sofía García")

    _release(db_session, family, 31, today)  # an earlier release of the household starts the clock
    assert "alert: not enrolled" in _row(_section(client, family), "Sofía García")

    assert client.post(f"/members/{child.id}/school", {"status": "documents_requested"}).status_code == 302
    assert "alert: not enrolled" in _row(_section(client, family), "Sofía García")

    assert (
        client.post(
            f"/members/{child.id}/school",
            {"status": "enrolled", "school": "Finkl Elementary", "enrolled_on": today.isoformat()},
        ).status_code
        == 302
    )
    assert "alert" not in _row(_section(client, family), "Sofía García")


def test_alert_counts_from_case_opening_without_a_release(client, db_session):
    user, family, today = _setup(client, db_session)
    _child(db_session, user, family, today)
    _start_clock(db_session, family, 10, today)
    assert "alert" not in _row(_section(client, family), "Sofía García")
    _start_clock(db_session, family, 45, today)
    assert "alert: not enrolled" in _row(_section(client, family), "Sofía García")


def test_alert_follows_the_programs_setting(client, db_session):
    user, family, today = _setup(client, db_session, alert_days=60)
    _child(db_session, user, family, today)
    _release(db_session, family, 45, today)
    assert "alert" not in _row(_section(client, family), "Sofía García")
    _release(db_session, family, 61, today)
    assert "alert: not enrolled" in _row(_section(client, family), "Sofía García")


def test_case_manager_of_another_program_gets_404(client, db_session, other_client):
    user, family, today = _setup(client, db_session)
    child = _child(db_session, user, family, today)
    stranger = make_user(db_session, make_organization(db_session))
    db_session.commit()
    other_client.sign_in(stranger.email, PASSWORD)
    assert other_client.get(f"/members/{child.id}/school").status_code == 404
    response = other_client.raw.post(
        f"/members/{child.id}/school",
        data={
            "status": "enrolled",
            "school": "X",
            "enrolled_on": today.isoformat(),
            "csrf_token": other_client.token("/dashboard"),
        },
    )
    assert response.status_code == 404
    assert db_session.scalars(select(SchoolEnrollment)).first() is None
