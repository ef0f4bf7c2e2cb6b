"""Closing a returnee case ends its follow-ups; the organization's list shows what is due this week
and where people stand at their latest recorded situation."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from casework.accounts.models import OrganizationKind, Role
from casework.cases.models import Case, CaseStatus, ClosedReason
from reintegration import directory, outcomes, services
from reintegration.models import (
    Answer,
    OutcomeRecord,
    ProviderKind,
    Referral,
    ReturneeClosedReason,
    ReturneeStatus,
    ReturnMethod,
    SafetyStatus,
    Service,
    WorkStatus,
)
from scheduling import dispatch
from scheduling.models import Reminder, ReminderStatus
from tests.factories import PASSWORD, make_organization, make_user


def test_closing_needs_a_reason_closes_the_organizations_case_and_can_be_undone(client, db_session, center, receive):
    returnee = receive(days_ago=3, phone="5555 0123", reminders=True)
    client.sign_in(center["worker"].email, PASSWORD)
    show = f"/reintegration/cases/{returnee.id}"
    page = client.post(f"{show}/close", {"closed_reason": ""}, page=show, follow_redirects=True).get_data(as_text=True)
    assert "Say why the case is closed." in page
    db_session.expire_all()
    assert returnee.status is ReturneeStatus.OPEN
    client.post(f"{show}/close", {"closed_reason": "migrated_again"}, page=show)
    db_session.expire_all()
    assert (returnee.status, returnee.closed_reason, returnee.closed_on) == (
        ReturneeStatus.CLOSED,
        ReturneeClosedReason.MIGRATED_AGAIN,
        center["today"],
    )
    case = db_session.get(Case, returnee.case_id)
    assert (case.status, case.closed_reason) == (CaseStatus.CLOSED, ClosedReason.MOVED_AWAY)
    migrated = db_session.scalars(select(OutcomeRecord).where(OutcomeRecord.returnee_case_id == returnee.id)).one()
    assert migrated.migrated_again is Answer.YES
    page = client.get(show).get_data(as_text=True)
    assert "not held: the case is closed" in page and "Mark as done" not in page
    shelter = directory.save_provider(
        db_session,
        center["worker"],
        None,
        directory.ProviderData(name="Casa Demo", kind=ProviderKind.NGO, country="GT", services=[Service.SHELTER]),
    )
    url = f"{show}/referrals/new"
    refused = client.post(
        url,
        {"service": "shelter", "provider_id": shelter.id, "plan_item_id": 0, "note": ""},
        page=f"{url}?service=shelter",
    ).get_data(as_text=True)
    assert "reopen it to refer the person" in refused
    assert db_session.scalar(select(Referral.id)) is None
    client.post(f"{show}/reopen", {}, page=show)
    db_session.expire_all()
    assert returnee.status is ReturneeStatus.OPEN and db_session.get(Case, returnee.case_id).status is CaseStatus.ACTIVE


def test_no_reminder_goes_out_once_the_case_is_closed(app, client, db_session, center, receive):
    returnee = receive(days_ago=6, phone="5555 0123", reminders=True)
    rows = list(
        db_session.scalars(
            select(Reminder).where(Reminder.family_id == returnee.family_id, Reminder.status == ReminderStatus.PLANNED)
        )
    )
    assert rows, "the returnee had agreed to reminders"
    first = min(rows, key=lambda r: r.due_at)
    client.sign_in(center["worker"].email, PASSWORD)
    show = f"/reintegration/cases/{returnee.id}"
    client.post(f"{show}/close", {"closed_reason": "services_completed"}, page=show)
    db_session.expire_all()
    # Closing calls off the follow-ups still ahead and cancels their reminders (rows kept, not deleted).
    assert {db_session.get(Reminder, r.id).status for r in rows} == {ReminderStatus.CANCELLED}
    with app.app_context():
        result = dispatch.dispatch_once(db_session, app.config, now=first.due_at + timedelta(minutes=1))
    db_session.expire_all()
    assert result.sent == 0 and db_session.get(Reminder, first.id).status is ReminderStatus.CANCELLED


def test_the_list_shows_due_follow_ups_and_the_latest_situation(client, db_session, center, receive):
    soon = receive(days_ago=3)  # its 7-day follow-up is in 4 days
    later = receive(days_ago=40)  # its next follow-up is in 50 days; the 30-day one is overdue
    worker, today = center["worker"], center["today"]
    for returnee, records in (
        (soon, [(Answer.NO, WorkStatus.LOOKING, SafetyStatus.SAFE, Answer.NO)]),
        (
            later,
            [
                (Answer.NO, WorkStatus.LOOKING, SafetyStatus.AT_RISK, Answer.NO),
                (Answer.YES, WorkStatus.EMPLOYED, SafetyStatus.SAFE, Answer.NO),
            ],
        ),
    ):
        for i, (documents, work, safety, migrated) in enumerate(records):
            outcomes.record_outcome(
                db_session,
                worker,
                returnee,
                outcomes.OutcomeData(
                    recorded_on=today - timedelta(days=len(records) - 1 - i),
                    documents_obtained=documents,
                    work=work,
                    safety=safety,
                    migrated_again=migrated,
                ),
                today,
            )
    client.sign_in(worker.email, PASSWORD)
    page = client.get("/reintegration").get_data(as_text=True)
    due = page[page.index('id="due-h"') : page.index('id="figures-h"')]
    assert "Follow-up 7 days after return" in due and "Follow-up 30 days after return" in due
    assert "Follow-up 90 days after return" not in due and "overdue" in due
    for returnee in (soon, later):  # each line links to its returnee, named by the household
        assert f'href="/reintegration/cases/{returnee.id}#follow-h">{returnee.family.display_name}</a>' in due
    # Soonest first: the overdue ones before the one still ahead.
    assert due.rindex("overdue") < due.index(f"/reintegration/cases/{soon.id}#")
    listed = page[page.index('<table class="list">') :]
    for returnee in (soon, later):
        assert f">{returnee.reference}</a>" in listed and f"<td>{returnee.family.display_name}</td>" in listed
    figures = outcomes.latest_figures(db_session, center["org"].id)
    assert figures == outcomes.Figures(
        recorded=2, documents_obtained=1, children_in_school=0, working_or_training=1, at_risk=0, migrated_again=0
    )
    assert "At the latest recorded situation of 2 people." in page


def test_the_latest_situation_of_a_day_with_two_records_is_the_last_recorded(db_session, center, receive):
    """Two records on one day: the one entered second is the situation (it corrects the first)."""
    returnee = receive(days_ago=10)
    worker, today = center["worker"], center["today"]
    for work, safety in ((WorkStatus.LOOKING, SafetyStatus.AT_RISK), (WorkStatus.EMPLOYED, SafetyStatus.SAFE)):
        outcomes.record_outcome(
            db_session,
            worker,
            returnee,
            outcomes.OutcomeData(
                recorded_on=today,
                documents_obtained=Answer.NO,
                work=work,
                safety=safety,
                migrated_again=Answer.NO,
            ),
            today,
        )
    db_session.flush()
    figures = outcomes.latest_figures(db_session, center["org"].id)
    assert (figures.recorded, figures.working_or_training, figures.at_risk) == (1, 1, 0)


def test_a_record_dated_earlier_does_not_replace_the_latest_and_closing_as_migrated_does(db_session, center, receive):
    """A situation entered late (dated before the latest) joins the timeline without becoming the
    latest; closing the case as "migrated again" records the latest situation that day."""
    returnee = receive(days_ago=20)
    worker, today = center["worker"], center["today"]
    for days_ago, work in ((2, WorkStatus.EMPLOYED), (15, WorkStatus.LOOKING)):
        outcomes.record_outcome(
            db_session,
            worker,
            returnee,
            outcomes.OutcomeData(recorded_on=today - timedelta(days=days_ago), work=work),
            today,
        )
    latest = db_session.scalars(select(OutcomeRecord).where(OutcomeRecord.is_latest)).all()
    assert [(r.returnee_case_id, r.work) for r in latest] == [(returnee.id, WorkStatus.EMPLOYED)]
    assert outcomes.latest_figures(db_session, center["org"].id).working_or_training == 1
    services.close(db_session, worker, returnee, ReturneeClosedReason.MIGRATED_AGAIN, today)
    db_session.flush()
    latest = db_session.scalars(select(OutcomeRecord).where(OutcomeRecord.is_latest)).all()
    assert [(r.recorded_on, r.migrated_again) for r in latest] == [(today, Answer.YES)]
    figures = outcomes.latest_figures(db_session, center["org"].id)
    assert (figures.recorded, figures.working_or_training, figures.migrated_again) == (1, 0, 1)


def test_the_kept_figures_are_those_of_each_returnees_latest_record_in_their_organization(db_session, center, receive):
    """Records added in any order (late entries, two the same day) across returnees and two
    organizations: each organization's kept figures count what its returnees' latest records say."""
    worker, today = center["worker"], center["today"]
    other_center = make_organization(db_session, OrganizationKind.REINTEGRATION, name="Otro Centro")
    other_worker = make_user(db_session, other_center, Role.CASE_MANAGER)
    other = services.receive(
        db_session,
        other_worker,
        {"given_names": "Rosa", "first_surname": "Coc", "preferred_language": "spa"},
        services.ReturnData(country="GT", returned_on=today - timedelta(days=30), method=ReturnMethod.FLIGHT),
        today,
    )
    returnees = [receive(days_ago=30), receive(days_ago=30), receive(days_ago=30), other]
    entries = [  # (returnee, days ago, documents, work, safety)
        (0, 20, Answer.YES, WorkStatus.EMPLOYED, SafetyStatus.SAFE),
        (0, 25, Answer.NO, WorkStatus.LOOKING, SafetyStatus.AT_RISK),  # entered late: not the latest
        (1, 10, Answer.NO, WorkStatus.LOOKING, SafetyStatus.DISPLACED),
        (1, 10, Answer.YES, WorkStatus.IN_TRAINING, SafetyStatus.SAFE),  # the same day, later: the latest
        (2, 5, Answer.YES, WorkStatus.NOT_WORKING, SafetyStatus.AT_RISK),
        (3, 5, Answer.YES, WorkStatus.EMPLOYED, SafetyStatus.AT_RISK),
        (2, 1, Answer.NO, WorkStatus.SELF_EMPLOYED, SafetyStatus.AT_RISK),
    ]
    for index, days_ago, documents, work, safety in entries:
        outcomes.record_outcome(
            db_session,
            other_worker if index == 3 else worker,
            returnees[index],
            outcomes.OutcomeData(
                recorded_on=today - timedelta(days=days_ago), documents_obtained=documents, work=work, safety=safety
            ),
            today,
        )
    db_session.commit()
    assert outcomes.latest_figures(db_session, center["org"].id) == outcomes.Figures(
        recorded=3, documents_obtained=2, children_in_school=0, working_or_training=3, at_risk=1, migrated_again=0
    )
    assert outcomes.latest_figures(db_session, other_center.id) == outcomes.Figures(
        recorded=1, documents_obtained=1, children_in_school=0, working_or_training=1, at_risk=1, migrated_again=0
    )
    assert outcomes.latest_figures(db_session, make_organization(db_session).id) == outcomes.Figures(0, 0, 0, 0, 0, 0)


def test_family_members_in_the_us_are_added_and_removed(client, db_session, center, receive):
    from reintegration.models import RelativeInUS

    returnee = receive()
    client.sign_in(center["worker"].email, PASSWORD)
    url = f"/reintegration/cases/{returnee.id}/relatives"
    page = client.post(url, {"name": "Tomás Cux", "relationship": "hijo", "phone": "555", "us_state": "TX"}).get_data(
        as_text=True
    )
    assert 'id="phone-error"' in page and 'value="Tomás Cux"' in page
    assert (
        client.post(
            url, {"name": "Tomás Cux", "relationship": "hijo", "phone": "(713) 555-0199", "us_state": "TX"}
        ).status_code
        == 302
    )
    relative = db_session.scalars(select(RelativeInUS)).one()
    assert (relative.phone, relative.us_state) == ("+17135550199", "TX")
    show = f"/reintegration/cases/{returnee.id}"
    assert "Tomás Cux" in client.get(show).get_data(as_text=True)
    client.post(f"/reintegration/relatives/{relative.id}/remove", {}, page=show)
    assert db_session.scalars(select(RelativeInUS)).first() is None
