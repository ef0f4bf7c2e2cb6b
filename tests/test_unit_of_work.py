"""One unit of work per request: a fault in the middle of an operation leaves nothing of it saved.

Each test lets the operation run past its first writes (they are flushed), then injects a fault
in its last step, and proves that nothing of the operation reached the database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from casework.audit.models import AuditEvent
from casework.cases.models import Case, Task
from casework.families.models import Consent, ConsentKind, Family, Member
from legal.models import Referral, ReferralEvent, ReferralStatus
from reintegration.models import ReturneeCase
from scheduling.models import Appointment, Notification
from tests.factories import PASSWORD
from tests.legal.test_referrals import clinic, referred_family  # noqa: F401  (fixtures)
from tests.reintegration.conftest import center, receive  # noqa: F401
from tests.reintegration.test_returnees import _handover_form, reception, removed_case  # noqa: F401
from tests.scheduling.conftest import courts, family_case, manager, program  # noqa: F401


class InjectedFault(RuntimeError):
    pass


def fail_after(monkeypatch, module, name: str) -> list[int]:
    """Make `module.name` do its work, then fail; returns a list that counts the calls."""
    original = getattr(module, name)
    calls: list[int] = []

    def failing(*args, **kwargs):
        original(*args, **kwargs)
        calls.append(1)
        raise InjectedFault(f"{name} failed after doing its work")

    monkeypatch.setattr(module, name, failing)
    return calls


def _count(db_session, model) -> int:
    db_session.expire_all()
    return db_session.scalar(select(func.count()).select_from(model)) or 0


def test_intake_saves_nothing_when_opening_the_case_fails(monkeypatch, client, db_session, manager):
    from casework.cases import services as case_services

    client.sign_in(manager.email, PASSWORD)
    calls = fail_after(monkeypatch, case_services, "open_cases")
    before = [_count(db_session, model) for model in (Family, Member, Consent, Case, AuditEvent)]
    with pytest.raises(InjectedFault):
        client.post(
            "/families/new",
            {
                "given_names": "Lucía",
                "first_surname": "Ajú",
                "phone": "(773) 555-0142",
                "phone_kind": "mobile",
                "other_phone_kind": "home",
                "relationship_to_head": "head",
                "line1": "2200 S Pulaski Rd",
                "city": "Chicago",
                "state": "IL",
                "postal_code": "60623",
                "consents": ["sms_reminders"],
                "moved_in_on": "2026-10-20",
                "assigned_to_id": str(manager.id),
            },
        )
    assert calls == [1], "the family, its head and consents were flushed before the fault"
    assert [_count(db_session, model) for model in (Family, Member, Consent, Case, AuditEvent)] == before


def test_revoking_a_consent_saves_nothing_when_its_audit_fails(monkeypatch, client, db_session, manager, family_case):
    from casework.families import services as family_services

    family, _case = family_case
    consent = next(c for c in family.members[0].consents if c.kind is ConsentKind.SMS_REMINDERS)
    client.sign_in(manager.email, PASSWORD)
    calls = fail_after(monkeypatch, family_services, "record")
    with pytest.raises(InjectedFault):
        client.post(f"/consents/{consent.id}/revoke", page=f"/families/{family.id}")
    assert calls == [1]
    db_session.expire_all()
    assert db_session.get(Consent, consent.id).revoked_on is None


@pytest.mark.parametrize("answer", ["accept", "decline"])
def test_a_partners_answer_saves_nothing_when_telling_the_case_manager_fails(
    monkeypatch, other_client, db_session, clinic, referred_family, manager, answer
):
    from legal import services as legal_services

    _family, case, _hearing = referred_family
    org, attorney = clinic
    referral = legal_services.refer(
        db_session,
        manager,
        case,
        org.id,
        [m.id for m in case.family.members],
        "Master hearing next month",
        "http://127.0.0.1:5000",
    )
    db_session.commit()
    events, notices = _count(db_session, ReferralEvent), _count(db_session, Notification)
    other_client.sign_in(attorney.email, PASSWORD)
    calls = fail_after(monkeypatch, legal_services, "_tell_case_manager")
    page = f"/partner/referrals/{referral.id}"
    with pytest.raises(InjectedFault):
        other_client.post(f"{page}/{answer}", {"reason": "No capacity this month"}, page=page)
    assert calls == [1], "the status, its event and the email to the case manager were written before the fault"
    db_session.expire_all()
    assert db_session.get(Referral, referral.id).status is ReferralStatus.SENT
    assert (_count(db_session, ReferralEvent), _count(db_session, Notification)) == (events, notices)


def test_correcting_the_return_date_saves_nothing_when_moving_the_follow_ups_fails(
    monkeypatch, client, db_session, center, receive
):
    from reintegration import followups

    returnee = receive(days_ago=10, phone="5555 0123", reminders=True)
    db_session.commit()
    before = {t.id: t.due_on for t in db_session.scalars(select(Task).where(Task.case_id == returnee.case_id))}
    moments = dict(
        db_session.execute(
            select(Appointment.id, Appointment.starts_at).where(Appointment.case_id == returnee.case_id)
        ).all()
    )
    client.sign_in(center["worker"].email, PASSWORD)
    calls = fail_after(monkeypatch, followups, "shift")
    earlier = returnee.returned_on - timedelta(days=3)
    with pytest.raises(InjectedFault):
        client.post(
            f"/reintegration/cases/{returnee.id}/return",
            {
                "country": "GT",
                "returned_on": earlier.isoformat(),
                "method": "land",
                "arrival_point": "El Carmen",
                "reception_center": "",
                "division": "",
                "municipality": "",
                "phone": "5555 0456",
                "notes": "",
            },
        )
    assert calls == [1], "the follow-ups were moved before the fault"
    db_session.expire_all()
    kept = db_session.get(ReturneeCase, returnee.id)
    assert (kept.returned_on, kept.phone) == (earlier + timedelta(days=3), "+50255550123")
    assert {t.id: t.due_on for t in db_session.scalars(select(Task).where(Task.case_id == returnee.case_id))} == before
    assert (
        dict(
            db_session.execute(
                select(Appointment.id, Appointment.starts_at).where(Appointment.case_id == returnee.case_id)
            ).all()
        )
        == moments
    )


def test_a_hand_over_saves_nothing_when_opening_the_in_country_case_fails(
    monkeypatch, client, db_session, manager, reception, removed_case
):
    from reintegration import services as reintegration_services

    org, _worker = reception
    _family, case = removed_case
    families, members = _count(db_session, Family), _count(db_session, Member)
    client.sign_in(manager.email, PASSWORD)
    calls = fail_after(monkeypatch, reintegration_services, "_open_case")
    with pytest.raises(InjectedFault):
        client.post(f"/cases/{case.id}/handover", _handover_form(org.id))
    assert calls == [1], "the family's copy and the returnee case were written before the fault"
    assert (_count(db_session, Family), _count(db_session, Member), _count(db_session, ReturneeCase)) == (
        families,
        members,
        0,
    )


def test_closing_a_case_saves_nothing_when_its_audit_fails(monkeypatch, client, db_session, manager, family_case):
    from casework.cases import services as case_services

    _family, case = family_case
    client.sign_in(manager.email, PASSWORD)
    calls = fail_after(monkeypatch, case_services, "record")
    with pytest.raises(InjectedFault):
        client.post(
            f"/cases/{case.id}/status",
            {"status": "closed", "closed_reason": "moved_away"},
            page=f"/cases/{case.id}/status",
        )
    assert calls == [1]
    db_session.expire_all()
    assert db_session.get(Case, case.id).closed_on is None


def test_a_command_saves_nothing_when_it_fails(app, db_session, monkeypatch):
    from casework.accounts.models import Organization
    from legal import services as legal_services

    fail_after(monkeypatch, legal_services, "add_account")
    result = app.test_cli_runner().invoke(
        args=[
            "legal",
            "add-organization",
            "--name",
            "Clinica Fallida",
            "--timezone",
            "America/Chicago",
            "--email",
            "a@fallida.example.org",
            "--full-name",
            "Ana Demo",
            "--password",
            "correct horse battery 9",
        ]
    )
    assert isinstance(result.exception, InjectedFault)
    db_session.rollback()
    assert db_session.scalar(select(Organization.id).where(Organization.name == "Clinica Fallida")) is None
