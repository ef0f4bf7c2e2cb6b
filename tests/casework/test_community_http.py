from datetime import timedelta

import pytest
from sqlalchemy import select

from casework.accounts.models import Role
from casework.audit.models import AuditAction, AuditEvent
from casework.cases.models import Case, CaseStatus, ClosedReason
from casework.community.models import ReferralStatus, ServiceCategory, ServiceReferral
from casework.timeutil import today_in
from tests.factories import PASSWORD, make_family, make_organization, make_user, member_data


def _setup(client, db_session, timezone="America/New_York"):
    program = make_organization(db_session, timezone=timezone)
    user = make_user(db_session, program, Role.CASE_MANAGER)
    family = make_family(db_session, user)
    db_session.commit()
    assert client.sign_in(user.email, PASSWORD).status_code == 302
    case = db_session.scalars(select(Case).where(Case.family_id == family.id)).one()
    return user, family, case, today_in(program.timezone)


def _form(today, **overrides):
    data = {
        "category": "mental_health",
        "provider": "Pilsen Wellness Center",
        "member_id": "0",
        "referred_on": (today - timedelta(days=2)).isoformat(),
        "notes": "Spanish-speaking counselor",
    }
    data.update(overrides)
    return data


def _errors(page: str, field: str) -> str:
    marker = f'id="{field}-error">'
    return page.split(marker, 1)[1].split("</p>", 1)[0] if marker in page else ""


def _section(client, family) -> str:
    page = client.get(f"/families/{family.id}").get_data(as_text=True)
    return page.split('id="services-h"')[1].split("</section>")[0]


def _referral(db_session, case, today, days_ago=10):
    referral = ServiceReferral(
        case_id=case.id,
        category=ServiceCategory.HOUSING,
        provider="Casa Norte",
        status=ReferralStatus.REFERRED,
        referred_on=today - timedelta(days=days_ago),
        status_changed_on=today - timedelta(days=days_ago),
    )
    db_session.add(referral)
    db_session.commit()
    return referral


def test_referral_is_created_for_the_current_case_and_shown(client, db_session):
    _user, family, case, today = _setup(client, db_session)
    assert f"/cases/{case.id}/services/new" in _section(client, family)
    member = family.members[0]
    response = client.post(f"/cases/{case.id}/services/new", _form(today, member_id=str(member.id)))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/families/{family.id}#services-h")

    referral = db_session.scalars(select(ServiceReferral)).one()
    assert referral.case_id == case.id and referral.member_id == member.id
    assert referral.category is ServiceCategory.MENTAL_HEALTH and referral.status is ReferralStatus.REFERRED
    assert referral.referred_on == referral.status_changed_on == today - timedelta(days=2)
    assert referral.notes == "Spanish-speaking counselor"
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.object_type == "service_referral")).one()
    assert event.action is AuditAction.CREATE and event.family_id == family.id
    assert "Pilsen" not in event.detail and "counselor" not in event.detail

    section = _section(client, family)
    assert "Mental health" in section and "Pilsen Wellness Center" in section and "Referred" in section
    assert member.given_names in section
    assert f"/service-referrals/{referral.id}/edit" in section


def test_whole_household_referral_has_no_member(client, db_session):
    _user, _family, case, today = _setup(client, db_session)
    assert client.post(f"/cases/{case.id}/services/new", _form(today, category="food")).status_code == 302
    referral = db_session.scalars(select(ServiceReferral)).one()
    assert referral.member_id is None and referral.category is ServiceCategory.FOOD


def test_invalid_referral_is_refused_with_input_kept(client, db_session):
    user, _family, case, today = _setup(client, db_session)
    url = f"/cases/{case.id}/services/new"
    future = client.post(url, _form(today, referred_on=(today + timedelta(days=1)).isoformat()))
    page = future.get_data(as_text=True)
    assert future.status_code == 200 and "cannot be in the future" in _errors(page, "referred_on")
    assert 'value="Pilsen Wellness Center"' in page and "Spanish-speaking counselor" in page

    blank = client.post(url, _form(today, provider="   "))
    assert blank.status_code == 200 and _errors(blank.get_data(as_text=True), "provider")

    other = make_family(db_session, user, member_data(given="Otra", first="Persona", a_number=None, phones=[]))
    db_session.commit()
    stranger = client.post(url, _form(today, member_id=str(other.members[0].id)))
    assert stranger.status_code == 200 and _errors(stranger.get_data(as_text=True), "member_id")
    assert db_session.scalars(select(ServiceReferral)).first() is None


@pytest.mark.parametrize(
    "overrides",
    [
        {"category": "legal"},
        {"member_id": "x"},
        {"referred_on": "soon"},
        {"referred_on": ""},
        {"provider": "p" * 201},
        {"notes": "n" * 5001},
    ],
)
def test_bad_input_is_a_form_error_not_a_crash(client, db_session, overrides):
    _user, _family, case, today = _setup(client, db_session)
    response = client.post(f"/cases/{case.id}/services/new", _form(today, **overrides))
    assert response.status_code == 200 and 'class="error"' in response.get_data(as_text=True)
    assert db_session.scalars(select(ServiceReferral)).first() is None


def test_no_referral_on_a_closed_case(client, db_session):
    _user, _family, case, today = _setup(client, db_session)
    case.status, case.closed_on, case.closed_reason = CaseStatus.CLOSED, today, ClosedReason.MOVED_AWAY
    db_session.commit()
    response = client.post(f"/cases/{case.id}/services/new", _form(today))
    assert response.status_code == 200
    assert "The case is closed" in response.get_data(as_text=True)
    assert db_session.scalars(select(ServiceReferral)).first() is None


@pytest.mark.parametrize("timezone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_status_change_is_dated_today_in_the_programs_time_zone(client, db_session, timezone):
    _user, family, case, today = _setup(client, db_session, timezone)
    referral = _referral(db_session, case, today)
    url = f"/service-referrals/{referral.id}/edit"
    form = client.get(url).get_data(as_text=True)
    assert '<option selected value="referred">' in form

    response = client.post(url, {"status": "appointment_set", "notes": "Intake on Tuesday"})
    assert response.status_code == 302
    db_session.expire_all()
    referral = db_session.get(ServiceReferral, referral.id)
    assert referral.status is ReferralStatus.APPOINTMENT_SET and referral.notes == "Intake on Tuesday"
    assert referral.status_changed_on == today_in(timezone)
    event = db_session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "service_referral", AuditEvent.action == AuditAction.CHANGE)
    ).one()
    assert "appointment_set" in event.detail and "Tuesday" not in event.detail

    section = _section(client, family)
    assert "Appointment set" in section and "Casa Norte" in section


def test_notes_alone_do_not_move_the_status_date(client, db_session):
    _user, _family, case, today = _setup(client, db_session)
    referral = _referral(db_session, case, today)
    response = client.post(f"/service-referrals/{referral.id}/edit", {"status": "referred", "notes": "Called twice"})
    assert response.status_code == 302
    db_session.expire_all()
    referral = db_session.get(ServiceReferral, referral.id)
    assert referral.status is ReferralStatus.REFERRED and referral.notes == "Called twice"
    assert referral.status_changed_on == today - timedelta(days=10)


def test_unknown_status_is_a_form_error(client, db_session):
    _user, _family, case, today = _setup(client, db_session)
    referral = _referral(db_session, case, today)
    response = client.post(f"/service-referrals/{referral.id}/edit", {"status": "lost"})
    assert response.status_code == 200 and _errors(response.get_data(as_text=True), "status")
    db_session.expire_all()
    assert db_session.get(ServiceReferral, referral.id).status is ReferralStatus.REFERRED


def test_case_manager_of_another_program_gets_404(client, db_session, other_client):
    _user, _family, case, today = _setup(client, db_session)
    referral = _referral(db_session, case, today)
    stranger = make_user(db_session, make_organization(db_session))
    db_session.commit()
    other_client.sign_in(stranger.email, PASSWORD)
    token = other_client.token("/dashboard")
    assert other_client.get(f"/cases/{case.id}/services/new").status_code == 404
    assert other_client.get(f"/service-referrals/{referral.id}/edit").status_code == 404
    assert (
        other_client.raw.post(f"/cases/{case.id}/services/new", data={**_form(today), "csrf_token": token}).status_code
        == 404
    )
    assert (
        other_client.raw.post(
            f"/service-referrals/{referral.id}/edit", data={"status": "declined", "csrf_token": token}
        ).status_code
        == 404
    )
    db_session.expire_all()
    assert [r.id for r in db_session.scalars(select(ServiceReferral))] == [referral.id]
    assert db_session.get(ServiceReferral, referral.id).status is ReferralStatus.REFERRED
