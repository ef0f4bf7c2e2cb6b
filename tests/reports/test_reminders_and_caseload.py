"""Figures 2 (reminder reach) and 6 (caseload), against hand-built data."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from casework.cases import services as case_services
from casework.cases.models import Case, CaseStatus, ClosedReason, Task
from casework.db import utcnow
from casework.families.models import Consent, Family
from reports import facts, services
from reports.services import Filters
from scheduling.models import AppointmentKind, Channel, MessageKind, ReminderStatus
from tests.factories import PASSWORD
from tests.reports.conftest import ZONE, appointment, household, other_program, page_as_built, refreshed, reminder


def _at(day, hour=10) -> datetime:
    return datetime.combine(day, time(hour), ZoneInfo(ZONE)).astimezone(UTC)


@pytest.fixture()
def outbox(db_session, program):
    p = program
    _f1, case1 = household(db_session, p.manager, "spa", opened_on=p.day(4), given="Rigoberta", surname="Ixcoy")
    _f2, case2 = household(db_session, p.other_manager, "mam", opened_on=p.day(4), given="Wilmer", surname="Tzoc")
    f3, _case3 = household(db_session, p.manager, "hat", given="Marie-Claude", surname="Joseph")
    _f4, case4 = household(db_session, p.other_manager, "spa", opened_on=p.day(1), given="Reina", surname="Pérez")
    date10 = appointment(db_session, case1, p.day(10), AppointmentKind.MASTER_HEARING, court=p.court)
    sms, email = Channel.SMS, Channel.EMAIL
    reminder(db_session, date10, sms, delivery="delivered", reply="confirmed")
    reminder(db_session, date10, sms, delivery="undelivered")
    reminder(db_session, date10, sms, reply="needs_help")
    reminder(db_session, date10, email)
    reminder(db_session, date10, sms, ReminderStatus.FAILED)
    reminder(db_session, date10, sms, ReminderStatus.SKIPPED).last_error = "consent withdrawn"
    reminder(db_session, date10, sms, ReminderStatus.SKIPPED).last_error = "too late: the appointment is about to start"
    reminder(db_session, date10, sms, ReminderStatus.CANCELLED)
    reminder(db_session, date10, sms, ReminderStatus.PLANNED, kind=MessageKind.DATE_CHANGED)
    outside = appointment(db_session, case1, p.end + timedelta(days=5), AppointmentKind.MASTER_HEARING, court=p.court)
    reminder(db_session, outside, sms, delivery="delivered")  # due after the period

    for created, done in ((p.day(6), True), (p.day(7), False), (p.end + timedelta(days=2), True)):
        db_session.add(
            Task(
                case_id=case2.id,
                title="Call the family with a Mam interpreter about the date of x",
                title_key="scheduling.interpreter_call",
                title_values={"language": "mam", "date": "x"},
                due_on=created,
                created_at=_at(created),
                completed_at=_at(created) if done else None,
            )
        )
    db_session.add(
        Task(
            case_id=case2.id,
            title="Call the family with a Mam interpreter about the date of 2026-01-01",
            due_on=p.day(8),
            created_at=_at(p.day(8)),
        )
    )  # before titles had keys
    consent = db_session.scalars(select(Consent).where(Consent.member_id == f3.members[0].id)).one()
    consent.revoked_on = p.day(5)

    case_services.add_task(db_session, p.manager, case1, "Call the school", p.today - timedelta(days=1), p.manager.id)
    done = case_services.add_task(db_session, p.manager, case1, "Visit", p.today - timedelta(days=3), p.manager.id)
    done.completed_at = _at(p.today)
    case4.status, case4.closed_on, case4.closed_reason = CaseStatus.CLOSED, p.day(15), ClosedReason.MOVED_AWAY

    _elsewhere, their_manager, _admin = other_program(db_session)
    _fx, their_case = household(db_session, their_manager, "spa", opened_on=p.day(4), given="Yusmary", surname="Rojas")
    theirs = appointment(db_session, their_case, p.day(10), AppointmentKind.MASTER_HEARING, court=p.court)
    reminder(db_session, theirs, sms, delivery="delivered")
    facts.refresh(db_session, p.organization.id, utcnow())
    db_session.commit()
    return p


def test_reminder_reach_counts_each_state_by_language_and_channel(db_session, outbox):
    p = outbox
    reach = services.reminder_reach(db_session, p.supervisor, Filters(p.start, p.end), ZONE)
    by_channel = {row.key: row.values for row in reach.by_channel}
    assert by_channel["sms"] == {
        "planned": 8,
        "sent": 3,
        "delivered": 1,
        "failed": 2,
        "held_no_consent": 1,
        "held_other": 1,
        "cancelled": 1,
        "waiting": 1,
        "confirmed": 1,
        "needs_help": 1,
        "opt_outs": 1,
    }
    assert by_channel["email"]["planned"] == 1 and by_channel["email"]["sent"] == 1
    languages = {row.key: row for row in reach.by_language}
    assert languages["spa"]["planned"] == 9 and languages["spa"]["opt_outs"] == 0
    assert languages["hat"]["opt_outs"] == 1
    assert (languages["mam"]["calls_created"], languages["mam"]["calls_done"]) == (3, 1)
    assert reach.total["planned"] == 9 and reach.total["calls_created"] == 3


def test_the_monthly_outbox_counts_give_what_counting_the_outbox_gives(db_session, outbox):
    """Whole months of the whole program add up the outbox's monthly counts; a period from the 2nd
    counts the rows themselves: the same rows, the same figures."""
    p = outbox
    whole = services.reminder_reach(db_session, p.supervisor, Filters(p.start, p.end), ZONE)
    counted = services.reminder_reach(db_session, p.supervisor, Filters(p.day(2), p.end), ZONE)
    assert services.whole_program_months(p.supervisor, Filters(p.start, p.end))
    assert not services.whole_program_months(p.supervisor, Filters(p.day(2), p.end))
    assert whole == counted
    assert whole.total["planned"] == 9


def test_each_filter_narrows_the_reach(db_session, outbox):
    """A court, a kind, a case manager or a household language narrows the outbox, the opt-outs and
    the interpreter calls alike (the other program's reminder never counts)."""
    p = outbox

    def total(**narrowed):
        return services.reminder_reach(db_session, p.supervisor, Filters(p.start, p.end, **narrowed), ZONE).total

    assert total(court_id=p.court.id)["planned"] == 9
    assert total(court_id=p.other_court.id)["planned"] == 0
    assert total(kind=AppointmentKind.MASTER_HEARING)["planned"] == 9
    assert total(kind=AppointmentKind.ICE_CHECK_IN)["planned"] == 0
    mine = total(manager_id=p.manager.id)
    assert (mine["planned"], mine["calls_created"], mine["opt_outs"]) == (9, 0, 1)
    theirs = total(manager_id=p.other_manager.id)
    assert (theirs["planned"], theirs["calls_created"], theirs["opt_outs"]) == (0, 3, 0)
    assert (total(language="spa")["planned"], total(language="spa")["opt_outs"]) == (9, 0)
    assert (total(language="hat")["planned"], total(language="hat")["opt_outs"]) == (0, 1)
    assert total(language="mam")["calls_created"] == 3


def test_reminder_page_and_download(client, outbox):
    p = outbox
    client.sign_in(p.supervisor.email, PASSWORD)
    query = urlencode({"start": p.start.isoformat(), "end": p.end.isoformat()})
    page = client.get("/reports/reminders?" + query).get_data(as_text=True)
    assert "Reminder reach" in page and "<svg" in page and "Haitian Creole" in page
    assert "Yusmary" not in page
    body = client.get(f"/reports/export?table=reminders-by-channel&format=csv&{query}").get_data()
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    sms = dict(zip(rows[0], rows[1], strict=False))
    assert sms["Channel"] == "Text (SMS)" and sms["Planned (every message due)"] == "8" and sms["Sent"] == "3"


def test_a_case_manager_sees_the_reach_of_their_own_cases(db_session, outbox):
    p = outbox
    mine = services.reminder_reach(db_session, p.other_manager, Filters(p.start, p.end), ZONE)
    assert mine.total["planned"] == 0 and mine.total["calls_created"] == 3 and mine.total["opt_outs"] == 0


def _caseload(db_session, user, filters):
    """The figures as the page shows them: from the case facts, rebuilt first."""
    facts.refresh(db_session, user.organization_id, utcnow())
    return services.caseload(db_session, user, filters)


def test_caseload_by_manager_and_month(db_session, outbox):
    p = outbox
    load = _caseload(db_session, p.supervisor, Filters(p.start, p.end))
    managers = {m.name: (m.open_cases, m.in_intake, m.overdue_tasks) for m in load.managers}
    assert managers["Marta Quispe"] == (2, 2, 1)
    assert managers["Carlos Ortiz"] == (1, 1, 0)
    assert len(load.months) == 1
    month = load.months[0]
    assert month.intakes == 3 and month.closures == {"moved_away": 1}
    mam = _caseload(db_session, p.supervisor, Filters(p.start, p.end, language="mam"))
    by_name = {m.name: (m.open_cases, m.in_intake, m.overdue_tasks) for m in mam.managers}
    assert by_name == {"Carlos Ortiz": (1, 1, 0), "": (0, 0, 2)}  # the interpreter calls are nobody's yet
    assert mam.months[0].intakes == 1 and mam.months[0].closures == {}


def test_caseload_page_filters_and_access(client, other_client, outbox):
    p = outbox
    query = urlencode({"start": p.start.isoformat(), "end": p.end.isoformat()})
    client.sign_in(p.supervisor.email, PASSWORD)
    page = client.get("/reports/caseload?" + query).get_data(as_text=True)
    assert "Marta Quispe" in page and "Carlos Ortiz" in page and "Closed: Moved away" in page
    narrowed = client.get("/reports/caseload?" + query + f"&manager={p.other_manager.id}").get_data(as_text=True)
    row = 'data-label="Case manager">%s</th>'
    assert row % "Carlos Ortiz" in narrowed and row % "Marta Quispe" not in narrowed
    assert f'<option selected value="{p.other_manager.id}">Carlos Ortiz</option>' in narrowed
    other_client.sign_in(p.other_manager.email, PASSWORD)
    own = other_client.get("/reports/caseload?" + query).get_data(as_text=True)
    assert "Carlos Ortiz" in own and "Marta Quispe" not in own
    shared = client.get(f"/reports/export?table=caseload-by-manager&format=csv&share=1&{query}").get_data()
    text = shared.decode("utf-8-sig")
    assert "Marta Quispe" not in text and "Case manager 1" in text and "<5" in text


def test_the_caseload_page_shows_the_figures_as_built_until_refreshed(app, client, db_session, outbox, monkeypatch):
    """The figures are those of the last build, which the page names; "Refresh now" brings in a
    case closed since, and comes back to the caseload with its period."""
    p = outbox
    monkeypatch.setitem(app.config, "REPORT_FACTS_MAX_AGE", 3600)
    client.sign_in(p.supervisor.email, PASSWORD)
    query = {"start": p.start.isoformat(), "end": p.end.isoformat()}
    assert "Closed: Lost contact" not in page_as_built(client, "caseload", "/reports/caseload", query)
    rigoberta = db_session.scalars(select(Case).join(Family).where(Family.display_name.like("Ixcoy%"))).one()
    rigoberta.status, rigoberta.closed_on, rigoberta.closed_reason = (
        CaseStatus.CLOSED,
        p.day(16),
        ClosedReason.LOST_CONTACT,
    )
    db_session.commit()
    assert "Closed: Lost contact" not in client.get(f"/reports/caseload?{urlencode(query)}").get_data(as_text=True)
    assert "Closed: Lost contact" in refreshed(client, "caseload", "/reports/caseload", query)


def test_the_reach_page_says_as_of_when_only_when_it_reads_the_monthly_counts(client, outbox):
    p = outbox
    client.sign_in(p.supervisor.email, PASSWORD)
    whole = client.get("/reports/reminders?" + urlencode({"start": p.start, "end": p.end})).get_data(as_text=True)
    assert "Figures as of" in whole and "Refresh now" in whole
    live = urlencode({"start": p.day(2), "end": p.end})
    assert "Figures as of" not in client.get("/reports/reminders?" + live).get_data(as_text=True)
    period = {"start": p.start.isoformat(), "end": p.end.isoformat(), "report": "reminders"}
    back = client.post("/reports/refresh", period, page="/reports/reminders?" + urlencode(period))
    assert back.status_code == 302 and back.headers["Location"].startswith("/reports/reminders?")
