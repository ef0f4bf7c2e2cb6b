"""The referral workflow over HTTP with CSRF on: refer with consent, the partner answers, represents,
records a new hearing date; emails through a local SMTP server; consent revoked ends access."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from casework.accounts.models import OrganizationKind, Role
from casework.audit.models import AuditEvent
from casework.families import services as family_services
from casework.families.models import Consent, ConsentKind
from casework.timeutil import today_in
from legal import services
from legal.models import PartnerKind, Referral, ReferralStatus, Representation
from scheduling import dispatch
from scheduling.models import Appointment, MessageKind, Notification, Reminder, ReminderStatus
from tests.factories import PASSWORD, make_organization, make_user
from tests.fake_servers import SmtpServer
from tests.scheduling.conftest import household, make_appointment, program_today


@pytest.fixture()
def clinic(db_session, courts):
    org = make_organization(db_session, OrganizationKind.LEGAL_PARTNER, name="Lakeside Legal Clinic")
    user = make_user(db_session, org, Role.LEGAL_PARTNER, email="attorney@lakeside.example.org", name="Ana Abogada")
    services.save_profile(
        db_session,
        user,
        org,
        services.ProfileData(
            kind=PartnerKind.LAW_SCHOOL_CLINIC,
            capacity=3,
            states=["IL"],
            languages=["spa"],
            court_ids=[courts["chicago"].id],
            contact_name="Intake desk",
            contact_email="intake@lakeside.example.org",
            contact_phone=None,
        ),
    )
    return org, user


@pytest.fixture()
def referred_family(db_session, manager, courts):
    family, case = household(db_session, manager, consents=(ConsentKind.SMS_REMINDERS, ConsentKind.LEGAL_SHARING))
    hearing = make_appointment(db_session, manager, case, courts["chicago"], day=program_today() + timedelta(days=30))
    return family, case, hearing


def test_a_referral_needs_the_familys_consent_to_share(client, db_session, manager, clinic, courts):
    _family, case = household(db_session, manager)
    client.sign_in(manager.email, PASSWORD)
    page = client.get(f"/cases/{case.id}/legal-referrals/new").get_data(as_text=True)
    assert "consented to sharing with legal partners" in page
    response = client.post(
        f"/cases/{case.id}/legal-referrals/new",
        {"partner_id": clinic[0].id, "member_ids": [m.id for m in case.family.members], "message": "Asylum case"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="partner_id-error"' in page and "Asylum case" in page
    assert db_session.scalar(select(Referral.id)) is None


def test_the_whole_workflow_with_emails(app, client, other_client, db_session, manager, clinic, referred_family):
    org, attorney = clinic
    family, case, hearing = referred_family
    client.sign_in(manager.email, PASSWORD)
    page = client.get(f"/cases/{case.id}/legal-referrals/new").get_data(as_text=True)
    assert "Lakeside Legal Clinic" in page  # suggested: covers the court, speaks Spanish, has room
    response = client.post(
        f"/cases/{case.id}/legal-referrals/new",
        {"partner_id": org.id, "member_ids": [family.members[0].id], "message": "Master hearing next month"},
    )
    assert response.status_code == 302
    referral = db_session.scalars(select(Referral)).one()
    assert referral.status is ReferralStatus.SENT
    outgoing = db_session.scalars(select(Notification).order_by(Notification.id)).all()
    assert {n.recipient for n in outgoing} == {"intake@lakeside.example.org", attorney.email}

    other_client.sign_in(attorney.email, PASSWORD)
    portal = other_client.get("/partner").get_data(as_text=True)
    line = portal.split(f'<a href="/partner/referrals/{referral.id}">{case.reference}</a>')[1].split("</tr>")[0]
    assert family.display_name in line
    case_page = other_client.get(f"/partner/referrals/{referral.id}").get_data(as_text=True)
    assert family.members[0].given_names in case_page and "Master calendar hearing" in case_page
    assert (
        other_client.post(
            f"/partner/referrals/{referral.id}/accept", page=f"/partner/referrals/{referral.id}"
        ).status_code
        == 302
    )
    db_session.expire_all()
    assert db_session.get(Referral, referral.id).status is ReferralStatus.ACCEPTED
    assert any(n.recipient == manager.email for n in db_session.scalars(select(Notification)))

    # Representation: the date of the notice of appearance is required, and not in the future.
    url = f"/partner/referrals/{referral.id}/representation"
    other_client.post(url, {"representation": "representing", "appearance_filed_on": ""}, page=url.rsplit("/", 1)[0])
    db_session.expire_all()
    assert db_session.get(Referral, referral.id).representation is Representation.NONE
    filed_on = today_in(org.timezone)  # the partner's own day: UTC's may already be tomorrow
    other_client.post(
        url, {"representation": "representing", "appearance_filed_on": filed_on.isoformat()}, page=url.rsplit("/", 1)[0]
    )
    db_session.expire_all()
    assert db_session.get(Referral, referral.id).appearance_filed_on == filed_on

    # The partner moves the hearing: the family's reminders follow, and they are told it changed.
    sent = db_session.scalars(select(Reminder).where(Reminder.appointment_id == hearing.id)).first()
    sent.status = ReminderStatus.SENT
    hearing.starts_at = hearing.starts_at - timedelta(days=31)  # as if the date had just passed
    db_session.commit()
    outcome_url = f"/partner/appointments/{hearing.id}/outcome"
    new_day = program_today() + timedelta(days=90)
    assert (
        other_client.post(
            outcome_url,
            {
                "outcome": "adjourned",
                "decision": "",
                "note": "",
                "new_local_date": new_day.isoformat(),
                "new_local_time": "13:00",
                "new_fold": "",
            },
        ).status_code
        == 302
    )
    db_session.expire_all()
    moved = db_session.get(Appointment, db_session.get(Appointment, hearing.id).rescheduled_to_id)
    assert moved.local_date == new_day and moved.local_time == time(13, 0)
    assert db_session.scalars(
        select(Reminder).where(Reminder.appointment_id == moved.id, Reminder.kind == MessageKind.DATE_CHANGED)
    ).first()

    # The case manager sees who at the partner looked, and the new date.
    view = client.get(f"/legal-referrals/{referral.id}").get_data(as_text=True)
    assert "Ana Abogada" in view and "Representing" in view
    assert f"/appointments/{moved.id}" in client.get(f"/families/{family.id}").get_data(as_text=True)

    # Emails leave through SMTP with the reminders' sweep.
    smtp = SmtpServer().start()
    try:
        with app.app_context():
            result = dispatch.dispatch_once(
                db_session, {**app.config, "MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp.port}
            )
        assert result.notifications >= 3
        recipients = {m["To"] for m in smtp.messages}
        assert {"intake@lakeside.example.org", attorney.email, manager.email} <= recipients
        assert all(
            case.reference in m.get_payload(0).get_payload(decode=True).decode()
            for m in smtp.messages
            if m["To"] != manager.email
        )
    finally:
        smtp.stop()


def test_decline_with_a_reason_ends_access_and_lets_the_manager_refer_elsewhere(
    client, other_client, db_session, manager, clinic, referred_family
):
    org, attorney = clinic
    family, case, _hearing = referred_family
    referral = services.refer(db_session, manager, case, org.id, [family.members[0].id], None, "http://x")
    other_client.sign_in(attorney.email, PASSWORD)
    page = f"/partner/referrals/{referral.id}"
    other_client.post(f"/partner/referrals/{referral.id}/decline", {"reason": ""}, page=page)
    db_session.expire_all()
    assert db_session.get(Referral, referral.id).status is ReferralStatus.SENT, "a decline needs a reason"
    other_client.post(f"/partner/referrals/{referral.id}/decline", {"reason": "No capacity this month"}, page=page)
    db_session.expire_all()
    assert db_session.get(Referral, referral.id).decline_reason == "No capacity this month"
    assert other_client.get(page).status_code == 404
    client.sign_in(manager.email, PASSWORD)
    assert "Refer elsewhere" in client.get(f"/legal-referrals/{referral.id}").get_data(as_text=True)
    assert services.refer(db_session, manager, case, org.id, [family.members[0].id], None, "http://x").id != referral.id


def test_revoking_consent_to_share_ends_the_partners_access_at_once(
    client, other_client, db_session, manager, clinic, referred_family
):
    org, attorney = clinic
    family, case, _hearing = referred_family
    referral = services.refer(db_session, manager, case, org.id, [family.members[0].id], None, "http://x")
    services.accept(db_session, attorney, referral, "http://x")
    other_client.sign_in(attorney.email, PASSWORD)
    assert other_client.get(f"/partner/referrals/{referral.id}").status_code == 200
    consent = db_session.scalars(select(Consent).where(Consent.kind == ConsentKind.LEGAL_SHARING)).one()
    family_services.revoke_consent(db_session, manager, consent, program_today())
    response = other_client.get(f"/partner/referrals/{referral.id}")
    assert response.status_code == 404 and family.members[0].given_names not in response.get_data(as_text=True)
    assert case.reference not in other_client.get("/partner").get_data(as_text=True)


def test_a_partner_never_sees_internal_notes_confidential_flags_or_other_referrals(
    other_client, db_session, manager, clinic, referred_family
):
    from casework.cases import services as case_services

    org, attorney = clinic
    family, case, _hearing = referred_family
    case_services.add_note(db_session, manager, case, "Internal: the father drinks")
    head = family.members[0]
    from casework.families.models import MemberVulnerability, Vulnerability

    head.vulnerabilities = [MemberVulnerability(flag=Vulnerability.GBV_SURVIVOR, confidential=True)]
    other = make_organization(db_session, OrganizationKind.LEGAL_PARTNER, name="Other Firm LLP")
    theirs = services.refer(db_session, manager, case, other.id, [head.id], "For the other firm only", "http://x")
    ours = services.refer(db_session, manager, case, org.id, [head.id], None, "http://x")
    services.accept(db_session, attorney, ours, "http://x")
    other_client.sign_in(attorney.email, PASSWORD)
    page = other_client.get(f"/partner/referrals/{ours.id}").get_data(as_text=True)
    assert head.given_names in page
    for hidden in ("Internal: the father drinks", "Survivor", "For the other firm only", "Other Firm LLP"):
        assert hidden not in page, hidden
    assert other_client.get(f"/partner/referrals/{theirs.id}").status_code == 404
    views = db_session.scalars(
        select(AuditEvent).where(AuditEvent.user_id == attorney.id, AuditEvent.object_type == "family")
    ).all()
    assert len(views) == 1, "every page of a family's data seen by a partner is audited"


def test_the_program_sees_unanswered_referrals_and_merits_hearings_without_counsel(
    client, db_session, manager, clinic, referred_family, courts
):
    from casework.db import utcnow
    from scheduling.models import AppointmentKind

    org, _attorney = clinic
    family, case, _hearing = referred_family
    merits = make_appointment(
        db_session,
        manager,
        case,
        courts["chicago"],
        day=program_today() + timedelta(days=40),
        kind=AppointmentKind.INDIVIDUAL_HEARING,
    )
    referral = services.refer(db_session, manager, case, org.id, [family.members[0].id], None, "http://x")
    referral.sent_at = utcnow() - timedelta(days=6)
    db_session.commit()
    client.sign_in(manager.email, PASSWORD)
    page = client.get("/legal").get_data(as_text=True)
    assert f"/legal-referrals/{referral.id}" in page
    assert family.display_name in page and "Lakeside Legal Clinic" in page
    assert merits.case_id == case.id


def test_the_demo_partner_signs_in_to_its_referred_cases(app, client, db_session):
    from casework.demo import demo
    from legal.demo import PARTNER_EMAIL

    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert PARTNER_EMAIL in result.output
    response = client.sign_in(PARTNER_EMAIL, demo.PASSWORD)
    assert response.headers["Location"].endswith("/partner")
    portal = client.get("/partner").get_data(as_text=True)
    assert portal.count("/partner/referrals/") >= 3
    assert client.get("/dashboard").status_code == 403
    again = app.test_cli_runner().invoke(args=["demo"])
    assert "Demo legal partner already loaded" in again.output


def test_a_partner_subscribes_to_the_dates_of_its_referred_cases(
    client, other_client, db_session, manager, clinic, referred_family
):
    from scheduling import links

    org, attorney = clinic
    family, case, hearing = referred_family
    referral = services.refer(db_session, manager, case, org.id, [family.members[0].id], None, "http://x")
    services.accept(db_session, attorney, referral, "http://x")
    other_client.sign_in(attorney.email, PASSWORD)
    assert other_client.post("/calendar/subscription", {"action": "create"}).status_code == 302
    _feed, token = links.caseload_feed(db_session, "test-secret-key", attorney)
    feed = client.get(f"/feeds/{token}.ics").get_data(as_text=True)
    assert hearing.uid in feed and case.reference in feed and family.members[0].given_names not in feed
    assert (
        db_session.scalars(
            select(AuditEvent).where(
                AuditEvent.user_id == attorney.id,
                AuditEvent.object_type == "calendar_feed",
                AuditEvent.action == "view",
            )
        ).first()
        is not None
    )
    services.close(db_session, manager, referral, "Finished")
    assert hearing.uid not in client.get(f"/feeds/{token}.ics").get_data(as_text=True)


def test_a_partners_account_manager_adds_and_deactivates_colleagues_only(client, db_session, manager, clinic):
    org, attorney = clinic
    attorney.manages_organization = True
    other_org = make_organization(db_session, OrganizationKind.LEGAL_PARTNER, name="Elsewhere Law")
    stranger = make_user(db_session, other_org, Role.LEGAL_PARTNER)
    db_session.commit()
    client.sign_in(attorney.email, PASSWORD)
    page = client.post(
        "/partner/users", {"email": "new@lakeside.example.org", "full_name": "Nuevo Colega", "password": "short"}
    ).get_data(as_text=True)
    assert 'id="password-error"' in page or "at least" in page.lower()
    assert (
        client.post(
            "/partner/users",
            {
                "email": "new@lakeside.example.org",
                "full_name": "Nuevo Colega",
                "password": "a long enough passphrase here",
            },
        ).status_code
        == 302
    )
    from casework.accounts.models import User

    colleague = db_session.scalars(select(User).where(User.email == "new@lakeside.example.org")).one()
    assert colleague.organization_id == org.id and colleague.role is Role.LEGAL_PARTNER
    assert not colleague.manages_organization
    client.post(f"/partner/users/{colleague.id}/active", page="/partner/users")
    db_session.expire_all()
    assert db_session.get(User, colleague.id).active is False
    for target in (stranger.id, manager.id):
        assert client.post(f"/partner/users/{target}/active", page="/partner/users").status_code == 404
    db_session.expire_all()
    assert db_session.get(User, stranger.id).active and db_session.get(User, manager.id).active
    attorney.manages_organization = False
    db_session.commit()
    assert client.get("/partner/users").status_code == 403


def test_a_partner_sees_only_the_documents_marked_as_shared(
    client, other_client, db_session, manager, clinic, referred_family
):
    from casework.releases.models import DocumentKind, Release, ReleaseDocument, ReleaseType, ReleasingAgency

    org, attorney = clinic
    family, case, _hearing = referred_family
    release = Release(
        family_id=family.id, released_on=program_today(), agency=ReleasingAgency.CBP, release_type=ReleaseType.PAROLE
    )
    release.documents = [
        ReleaseDocument(kind=DocumentKind.NOTICE_TO_APPEAR, received_on=date(2026, 10, 1)),
        ReleaseDocument(kind=DocumentKind.I94, received_on=date(2026, 10, 2)),
    ]
    db_session.add(release)
    referral = services.refer(db_session, manager, case, org.id, [family.members[0].id], None, "http://x")
    services.accept(db_session, attorney, referral, "http://x")
    nta = release.documents[0]
    client.sign_in(manager.email, PASSWORD)
    client.post(f"/documents/{nta.id}/share", page=f"/releases/{release.id}/edit")
    other_client.sign_in(attorney.email, PASSWORD)
    page = other_client.get(f"/partner/referrals/{referral.id}").get_data(as_text=True)
    assert "Notice to Appear (I-862)" in page and "I-94" not in page
    client.post(f"/documents/{nta.id}/share", page=f"/releases/{release.id}/edit")
    assert "Notice to Appear" not in other_client.get(f"/partner/referrals/{referral.id}").get_data(as_text=True)


def test_retention_erases_the_texts_of_the_legal_work(app, db_session, manager, clinic, referred_family):
    from casework.cases.models import CaseStatus, ClosedReason
    from casework.extensions import registry
    from casework.retention import services as retention
    from casework.timeutil import add_years
    from legal.models import LegalNote

    org, attorney = clinic
    family, case, _hearing = referred_family
    referral = services.refer(
        db_session, manager, case, org.id, [family.members[0].id], "Asylum, persecuted by gang", "http://x"
    )
    services.accept(db_session, attorney, referral, "http://x")
    services.add_legal_note(db_session, attorney, case, "Declaration drafted; client fears MS-13")
    services.close(db_session, manager, referral, "Relief granted")
    today = program_today()
    case.status, case.closed_on, case.closed_reason = (
        CaseStatus.CLOSED,
        add_years(today, -3) - timedelta(days=1),
        ClosedReason.RELIEF_GRANTED,
    )
    db_session.commit()
    policy = retention.RetentionPolicy(years=3, warning_days=30)
    with app.app_context():
        retention.run(db_session, today, policy, registry(app).anonymizers)
        retention.run(db_session, today + timedelta(days=30), policy, registry(app).anonymizers)
    db_session.expire_all()
    kept = db_session.get(Referral, referral.id)
    assert kept.message is None and kept.partner_id == org.id and kept.status is ReferralStatus.CLOSED
    assert all(e.detail == "" for e in kept.events)
    assert db_session.scalars(select(LegalNote)).one().body == "—"
