from datetime import date, timedelta

from sqlalchemy import select

from casework.accounts.models import Role
from casework.cases.models import Case
from casework.community.models import ReferralStatus, ServiceReferral
from casework.families import services as family_services
from casework.families.models import Relationship
from casework.releases.models import DocumentKind, Release, ReleaseDocument, ReleaseType, ReleasingAgency
from casework.schooling.models import EnrollmentStatus, SchoolEnrollment
from casework.timeutil import today_in
from tests.factories import PASSWORD, make_family, make_organization, make_user, member_data


def _setup(client, db_session):
    program = make_organization(db_session)
    user = make_user(db_session, program, Role.CASE_MANAGER)
    family = make_family(db_session, user)
    db_session.commit()
    client.sign_in(user.email, PASSWORD)
    return user, family, today_in(program.timezone)


def _child(db_session, user, family, today, years=9, given="Sofía"):
    return family_services.add_member(db_session, user, family, member_data(
        given=given, first="García", a_number=None, phones=[], relationship_to_head=Relationship.CHILD,
        date_of_birth=date(today.year - years, 1, 15)), today)


# Releases ------------------------------------------------------------------------------------

def test_release_recorded_with_documents(client, db_session):
    user, family, today = _setup(client, db_session)
    url = f"/families/{family.id}/releases/new"
    response = client.post(url, {"member_id": "0", "arrived_on": (today - timedelta(days=12)).isoformat(),
                                 "released_on": (today - timedelta(days=10)).isoformat(), "agency": "cbp",
                                 "release_type": "parole", "facility": "Yuma station", "sponsor_name": "Pedro García"})
    assert response.status_code == 302
    release = db_session.scalars(select(Release)).one()
    assert release.member_id is None and release.facility == "Yuma station"

    edit = f"/releases/{release.id}/edit"
    assert client.post(f"/releases/{release.id}/documents", {"kind": "notice_to_appear",
                                                               "received_on": today.isoformat()}, page=edit).status_code == 302
    future = client.post(f"/releases/{release.id}/documents", {"kind": "i94",
                                                                 "received_on": (today + timedelta(days=3)).isoformat()}, page=edit)
    assert "cannot be in the future" in future.get_data(as_text=True)
    document = db_session.scalars(select(ReleaseDocument)).one()
    assert document.kind is DocumentKind.NOTICE_TO_APPEAR
    page = client.get(f"/families/{family.id}").get_data(as_text=True)
    assert "Notice to Appear (I-862)" in page and "Yuma station" in page and "Parole" in page
    assert client.post(f"/documents/{document.id}/remove", page=edit).status_code == 302
    assert db_session.scalars(select(ReleaseDocument)).first() is None


def test_release_validation_keeps_input(client, db_session):
    user, family, today = _setup(client, db_session)
    url = f"/families/{family.id}/releases/new"
    response = client.post(url, {"member_id": "0", "arrived_on": today.isoformat(),
                                 "released_on": (today - timedelta(days=1)).isoformat(), "agency": "ice",
                                 "release_type": "recognizance", "facility": "Port Isabel"})
    page = response.get_data(as_text=True)
    assert "Arrival comes before release." in page and 'value="Port Isabel"' in page
    response = client.post(url, {"member_id": "0", "released_on": (today + timedelta(days=1)).isoformat(),
                                 "agency": "ice", "release_type": "recognizance"})
    assert "cannot be in the future" in response.get_data(as_text=True)
    assert db_session.scalars(select(Release)).first() is None


def test_release_refuses_a_member_of_another_family(client, db_session):
    user, family, today = _setup(client, db_session)
    other = make_family(db_session, user, member_data(given="Otra", first="Persona", a_number=None))
    db_session.commit()
    response = client.post(f"/families/{family.id}/releases/new", {
        "member_id": str(other.members[0].id), "released_on": today.isoformat(), "agency": "cbp",
        "release_type": "parole"})
    assert response.status_code == 200 and "Not a valid choice" in response.get_data(as_text=True)
    assert db_session.scalars(select(Release)).first() is None


def test_release_edit_form_shows_recorded_values(client, db_session):
    user, family, today = _setup(client, db_session)
    member = family.members[0]
    release = Release(family_id=family.id, member_id=member.id, released_on=today, agency=ReleasingAgency.ORR,
                      release_type=ReleaseType.PAROLE)
    db_session.add(release)
    db_session.commit()
    page = client.get(f"/releases/{release.id}/edit").get_data(as_text=True)
    assert f'<option selected value="{member.id}">' in page
    assert '<option selected value="orr">' in page


# School enrollment ---------------------------------------------------------------------------

def test_school_age_children_are_listed_and_enrolled(client, db_session):
    user, family, today = _setup(client, db_session)
    child = _child(db_session, user, family, today)
    baby = _child(db_session, user, family, today, years=2, given="Mateo")
    db_session.commit()
    page = client.get(f"/families/{family.id}").get_data(as_text=True)
    school = page.split('id="school-h"')[1]
    assert "Sofía García" in school and "Mateo" not in school.split("</section>")[0]
    assert client.get(f"/members/{baby.id}/school").status_code == 404

    url = f"/members/{child.id}/school"
    missing = client.post(url, {"status": "enrolled", "district": "Chicago Public Schools"})
    assert "Name the school." in missing.get_data(as_text=True)
    assert 'value="Chicago Public Schools"' in missing.get_data(as_text=True)
    barrier = client.post(url, {"status": "barrier"})
    assert "Say what stands in the way." in barrier.get_data(as_text=True)
    ok = client.post(url, {"status": "enrolled", "school": "Finkl Elementary", "grade": "4",
                           "enrolled_on": today.isoformat(), "english_learner_services": "y"})
    assert ok.status_code == 302
    enrollment = db_session.scalars(select(SchoolEnrollment)).one()
    assert enrollment.status is EnrollmentStatus.ENROLLED and enrollment.english_learner_services


def test_child_not_enrolled_after_thirty_days_shows_an_alert(client, db_session):
    user, family, today = _setup(client, db_session)
    child = _child(db_session, user, family, today)
    db_session.add(Release(family_id=family.id, released_on=today - timedelta(days=29),
                           agency=ReleasingAgency.CBP, release_type=ReleaseType.PAROLE))
    db_session.commit()
    assert "alert: not enrolled" not in client.get(f"/families/{family.id}").get_data(as_text=True)
    release = db_session.scalars(select(Release)).one()
    release.released_on = today - timedelta(days=30)
    db_session.commit()
    assert "alert: not enrolled" in client.get(f"/families/{family.id}").get_data(as_text=True)
    client.post(f"/members/{child.id}/school", {"status": "documents_requested"})
    assert "alert: not enrolled" in client.get(f"/families/{family.id}").get_data(as_text=True)


# Community services --------------------------------------------------------------------------

def test_service_referral_created_and_status_changed(client, db_session):
    user, family, today = _setup(client, db_session)
    case = db_session.scalars(select(Case).where(Case.family_id == family.id)).one()
    url = f"/cases/{case.id}/services/new"
    empty = client.post(url, {"category": "housing", "provider": "", "member_id": "0", "referred_on": today.isoformat()})
    assert "This field is required." in empty.get_data(as_text=True)
    response = client.post(url, {"category": "mental_health", "provider": "Pilsen Wellness Center",
                                 "member_id": str(family.members[0].id), "referred_on": today.isoformat()})
    assert response.status_code == 302
    referral = db_session.scalars(select(ServiceReferral)).one()
    assert referral.status is ReferralStatus.REFERRED
    response = client.post(f"/service-referrals/{referral.id}/edit", {"status": "appointment_set",
                                                                       "notes": "Intake on Tuesday"})
    assert response.status_code == 302
    db_session.expire_all()
    referral = db_session.get(ServiceReferral, referral.id)
    assert referral.status is ReferralStatus.APPOINTMENT_SET and referral.status_changed_on == today
    page = client.get(f"/families/{family.id}").get_data(as_text=True)
    assert "Pilsen Wellness Center" in page and "Appointment set" in page


def test_other_programs_cannot_reach_these_records(client, db_session, other_client):
    user, family, today = _setup(client, db_session)
    child = _child(db_session, user, family, today)
    stranger = make_user(db_session, make_organization(db_session))
    db_session.commit()
    other_client.sign_in(stranger.email, PASSWORD)
    case = db_session.scalars(select(Case).where(Case.family_id == family.id)).one()
    for url in (f"/families/{family.id}/releases/new", f"/members/{child.id}/school", f"/cases/{case.id}/services/new"):
        assert other_client.get(url).status_code == 404
