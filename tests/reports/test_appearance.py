"""Figure 1, the appearance rate, against a dataset whose answers are worked out by hand."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from casework.accounts.models import OrganizationKind, Role
from casework.db import utcnow
from casework.families.models import Consent
from legal.models import Referral, ReferralStatus, Representation
from reports import facts, services
from reports.services import Filters
from scheduling.models import AppointmentKind, AppointmentStatus, Channel, Decision, Outcome, ReminderStatus
from tests.factories import PASSWORD, make_organization, make_user
from tests.http import Client
from tests.reports.conftest import appointment, household, legal_partner_user, other_program, reminder

H = AppointmentKind.MASTER_HEARING


@pytest.fixture()
def dataset(db_session, program):
    """Hearings of household 1 (Spanish, Marta's case): 7 attended (5 attended, 1 adjourned, 1
    decision granted), 1 missed (an in absentia order), 2 past with no outcome, 1 cancelled and 1
    rescheduled (left out), and one date on each side of the period (outside it). Represented from
    day 10. Check-ins: household 2 (Mam, Carlos's case, no consent) 3 attended and 1 missed,
    household 3 (Haitian Creole, Marta's, opted out before) 1 attended; USCIS: household 2, 1 attended.
    A second program's missed hearing in the same month."""
    p = program
    _f1, case1 = household(db_session, p.manager, "spa", given="Rigoberta", surname="Ixcoy")
    _f2, case2 = household(db_session, p.other_manager, "mam", consents=(), given="Wilmer", surname="Tzoc")
    f3, case3 = household(db_session, p.manager, "hat", given="Marie-Claude", surname="Joseph")
    consent = db_session.scalars(select(Consent).where(Consent.member_id == f3.members[0].id)).one()
    consent.revoked_on = p.start - timedelta(days=10)

    def hearing(day, outcome=None, **kw):
        return appointment(db_session, case1, p.day(day), H, outcome=outcome, court=kw.pop("court", p.court), **kw)

    rows = {}
    for day in (2, 3, 4, 6):
        rows[day] = hearing(day, Outcome.ATTENDED)
    rows[5] = hearing(5, Outcome.ATTENDED, court=p.other_court)
    rows[13] = hearing(13, Outcome.ADJOURNED)
    rows[14] = appointment(
        db_session,
        case1,
        p.day(14),
        AppointmentKind.INDIVIDUAL_HEARING,
        outcome=Outcome.DECISION,
        decision=Decision.GRANTED,
        court=p.court,
    )
    rows[7] = hearing(7, Outcome.DECISION, decision=Decision.IN_ABSENTIA_ORDER)
    rows[20] = hearing(20)
    rows[21] = hearing(21)
    hearing(8, status=AppointmentStatus.CANCELLED)
    hearing(9, Outcome.RESCHEDULED)
    appointment(db_session, case1, p.start - timedelta(days=1), H, outcome=Outcome.ATTENDED, court=p.court)
    appointment(db_session, case1, p.end + timedelta(days=1), H, outcome=Outcome.MISSED, court=p.court)

    reminder(db_session, rows[2], Channel.SMS, delivery="delivered")
    reminder(db_session, rows[3], Channel.SMS)
    reminder(db_session, rows[4], Channel.EMAIL)
    reminder(db_session, rows[5], Channel.SMS, ReminderStatus.FAILED)
    reminder(db_session, rows[6], Channel.SMS, delivery="undelivered")
    reminder(db_session, rows[13], Channel.SMS, delivery="delivered", days_before=-1)  # after the date: not before
    reminder(db_session, rows[14], Channel.SMS, delivery="delivered")
    reminder(db_session, rows[14], Channel.EMAIL)
    reminder(db_session, rows[20], Channel.SMS, delivery="delivered")

    partner = make_organization(db_session, OrganizationKind.LEGAL_PARTNER, name="Lakeside Legal Clinic")
    db_session.add(
        Referral(
            case_id=case1.id,
            partner_id=partner.id,
            status=ReferralStatus.ACCEPTED,
            representation=Representation.REPRESENTING,
            appearance_filed_on=p.day(10),
        )
    )

    for day in (2, 9, 16):
        appointment(db_session, case2, p.day(day), AppointmentKind.ICE_CHECK_IN, Outcome.ATTENDED, office=p.ice)
    appointment(db_session, case2, p.day(23), AppointmentKind.ATD_CHECK_IN, Outcome.MISSED, office=p.ice)
    appointment(db_session, case3, p.day(11), AppointmentKind.ICE_CHECK_IN, Outcome.ATTENDED, office=p.ice)
    appointment(db_session, case2, p.day(12), AppointmentKind.USCIS_BIOMETRICS, Outcome.ATTENDED, office=p.uscis)

    _elsewhere, their_manager, _admin = other_program(db_session)
    _fx, their_case = household(db_session, their_manager, "spa", given="Reina", surname="Pérez")
    appointment(db_session, their_case, p.day(3), H, Outcome.MISSED, court=p.court)
    facts.refresh(db_session, p.organization.id, utcnow())
    db_session.commit()
    return p


def _filters(p, **kw) -> Filters:
    return Filters(start=p.start, end=p.end, **kw)


def _url(p, path="/reports", **args) -> str:
    return path + "?" + urlencode({"start": p.start.isoformat(), "end": p.end.isoformat(), **args})


def _triples(rows, category):
    return {
        r.key: (r.of(category).attended, r.of(category).missed, r.of(category).missing)
        for r in rows
        if not r.of(category).empty
    }


def test_the_rate_is_attended_over_attended_and_missed_with_missing_outcomes_apart(db_session, dataset):
    p = dataset
    summary = services.appearance(db_session, p.supervisor, _filters(p), utcnow()).summary
    hearings = summary["hearing"]
    assert (hearings.attended, hearings.missed, hearings.missing, hearings.left_out) == (7, 1, 2, 2)
    assert hearings.rate == 0.875
    assert (summary["check_in"].attended, summary["check_in"].missed, summary["check_in"].missing) == (4, 1, 0)
    assert summary["check_in"].rate == 0.8
    assert (summary["uscis"].attended, summary["uscis"].missed, summary["uscis"].rate) == (1, 0, 1.0)


def test_the_breakdowns_add_up_to_the_figure(db_session, dataset):
    p = dataset
    figure = services.appearance(db_session, p.supervisor, _filters(p), utcnow())
    month = f"{p.start.year:04d}-{p.start.month:02d}"
    assert _triples(figure.months, "hearing") == {month: (7, 1, 2)}
    assert [r.key for r in figure.months] == [month]
    places = figure.places
    assert _triples(places, "hearing") == {f"court-{p.court.id}": (6, 1, 2), f"court-{p.other_court.id}": (1, 0, 0)}
    assert _triples(places, "check_in") == {f"office-{p.ice.id}": (4, 1, 0)}
    assert _triples(places, "uscis") == {f"office-{p.uscis.id}": (1, 0, 0)}
    assert {r.key: r.label for r in places}[f"court-{p.other_court.id}"] == "Kansas City Immigration Court"
    languages = figure.languages
    assert _triples(languages, "hearing") == {"spa": (7, 1, 2)}
    assert _triples(languages, "check_in") == {"mam": (3, 1, 0), "hat": (1, 0, 0)}
    managers = figure.managers
    assert _triples(managers, "hearing") == {str(p.manager.id): (7, 1, 2)}
    assert _triples(managers, "check_in") == {str(p.manager.id): (1, 0, 0), str(p.other_manager.id): (3, 1, 0)}
    assert {r.key: r.label for r in managers}[str(p.other_manager.id)] == "Carlos Ortiz"
    representation = figure.representation
    assert _triples(representation, "hearing") == {"represented": (2, 0, 2), "unrepresented": (5, 1, 0)}


def test_the_breakdowns_are_named_from_the_filter_lists_and_looked_up_when_missing(db_session, dataset):
    p = dataset
    known = services.filter_lists(db_session, p.supervisor).names()
    assert known[f"court-{p.other_court.id}"] == "Kansas City Immigration Court"
    assert known[str(p.other_manager.id)] == "Carlos Ortiz"
    del known[str(p.other_manager.id)]  # as for a case manager no longer on the program's staff
    known[f"office-{p.ice.id}"] = "ICE office, as the list names it"
    figure = services.appearance(db_session, p.supervisor, _filters(p), utcnow(), known)
    assert {r.key: r.label for r in figure.managers}[str(p.other_manager.id)] == "Carlos Ortiz"
    assert {r.key: r.label for r in figure.places}[f"office-{p.ice.id}"] == "ICE office, as the list names it"
    # A case manager's reports are their caseload: no staff to choose, and they name only themselves.
    assert services.filter_lists(db_session, p.manager).staff == [(str(p.manager.id), p.manager.full_name)]


def test_what_reached_the_family_before_the_date(db_session, dataset):
    p = dataset
    reach = services.appearance(db_session, p.supervisor, _filters(p), utcnow()).reach
    assert [r.key for r in reach] == list(services.REACH)
    assert _triples(reach, "hearing") == {
        "sms_delivered": (2, 0, 1),  # days 2 and 14 (a text delivered beats the email too), 20 missing
        "sms_sent": (1, 0, 0),  # day 3: sent, the carrier never said
        "email_only": (1, 0, 0),  # day 4
        "failed": (2, 0, 0),  # day 5 failed to send, day 6 undelivered
        "other": (1, 1, 1),  # day 13 (its text went after the date), 7, 21: consent but nothing sent
    }
    assert _triples(reach, "check_in") == {"no_consent": (3, 1, 0), "opted_out": (1, 0, 0)}
    assert _triples(reach, "uscis") == {"no_consent": (1, 0, 0)}


def test_filters_narrow_every_figure(db_session, dataset):
    p = dataset
    now = utcnow()
    by = lambda **kw: services.appearance(db_session, p.supervisor, _filters(p, **kw), now).summary  # noqa: E731
    assert by(language="mam")["check_in"].rate == 0.75 and by(language="mam")["hearing"].empty
    assert (by(court_id=p.other_court.id)["hearing"].attended, by(court_id=p.other_court.id)["hearing"].missed) == (
        1,
        0,
    )
    assert by(office_id=p.ice.id)["check_in"].denominator == 5 and by(office_id=p.ice.id)["hearing"].empty
    assert by(manager_id=p.other_manager.id)["check_in"].rate == 0.75
    assert by(kind=AppointmentKind.INDIVIDUAL_HEARING)["hearing"].attended == 1


def test_the_page_shows_each_figure_with_numerator_denominator_and_definition(client, dataset):
    p = dataset
    client.sign_in(p.supervisor.email, PASSWORD)
    response = client.get(_url(p))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "87.5%" in page and "7 attended of 8 (attended + missed)" in page
    assert "2 outcomes missing" in page and "Attended ÷ (attended + missed)" in page
    assert "80.0%" in page and "100.0%" in page
    assert "<svg" in page and "Kansas City Immigration Court" in page and "Carlos Ortiz" in page
    assert "Elsewhere" not in page and "Reina" not in page
    assert page.count('class="list report-table"') == 7


def test_each_table_downloads_what_the_page_shows_with_the_pages_filters(client, dataset):
    p = dataset
    client.sign_in(p.supervisor.email, PASSWORD)
    page = client.get(_url(p) + "&language=spa").get_data(as_text=True)
    links = [href.replace("&amp;", "&") for href in re.findall(r'href="(/reports/export\?[^"]+)"', page)]
    assert len(links) == 7 * 4  # each table: CSV and XLSX, for the program and for sharing
    place = [link for link in links if "table=appearance-by-place&format=csv" in link]
    assert len(place) == 2 and "share=1" in place[1] and all("language=spa" in link for link in place)
    program, shared = (client.get(link) for link in place)
    assert program.status_code == shared.status_code == 200
    assert program.mimetype == "text/csv" and "Kansas City Immigration Court" in program.get_data(as_text=True)
    for link in links:
        assert client.get(link).status_code == 200, link
    # The cells: a label is a row header, a figure a numeric cell named by its column.
    assert re.search(r'<th scope="row" data-label="Court or office">Kansas City Immigration Court</th>', page)
    assert '<th scope="row" data-label="Appointments">Immigration court hearings</th>' in page
    assert '<td class="num" data-label="Appearance rate">87.5% (7/8)</td>' in page


def test_the_missing_outcomes_are_listed_for_those_who_may_see_them(client, dataset):
    p = dataset
    client.sign_in(p.supervisor.email, PASSWORD)
    page = client.get(_url(p)).get_data(as_text=True)
    link = re.search(r'href="(/reports/outcomes-missing\?[^"]+)"', page).group(1).replace("&amp;", "&")
    listing = client.get(link).get_data(as_text=True)
    assert "2 dates" in listing and listing.count("Ixcoy") == 2
    assert p.day(20).strftime("%Y") in listing


def test_the_missing_outcomes_come_a_page_at_a_time_with_their_place_and_manager(db_session, dataset):
    p = dataset
    now = utcnow()
    first, more, total = services.missing_outcomes(db_session, p.supervisor, _filters(p), "hearing", now, 1, 1)
    second, after, last_total = services.missing_outcomes(db_session, p.supervisor, _filters(p), "hearing", now, 2, 1)
    assert (total, more, after, len(first), len(second)) == (2, True, False, 1, 1)
    # The last page counts what came before it; a whole list on one page, or a page past the end,
    # say the same count.
    assert last_total == 2
    assert services.missing_outcomes(db_session, p.supervisor, _filters(p), "hearing", now, 1, 10)[2] == 2
    assert services.missing_outcomes(db_session, p.supervisor, _filters(p), "hearing", now, 3, 1) == ([], False, 2)
    assert (first[0].local_date, first[0].local_time) < (second[0].local_date, second[0].local_time)
    row = first[0]
    assert row.kind in services.KINDS_OF["hearing"] and row.family_name.startswith("Ixcoy")
    assert (row.place, row.manager) == ("Chicago Immigration Court", "Marta Quispe")
    elsewhere = services.missing_outcomes(
        db_session, p.supervisor, _filters(p, court_id=p.other_court.id), "hearing", now, 1, 10
    )
    assert elsewhere == ([], False, 0)


def test_a_case_manager_sees_their_own_caseload_only(client, other_client, dataset):
    p = dataset
    client.sign_in(p.other_manager.email, PASSWORD)
    page = client.get(_url(p)).get_data(as_text=True)
    assert "75.0%" in page and "3 attended of 4 (attended + missed)" in page
    assert "87.5%" not in page and "Marta Quispe" not in page
    assert 'name="manager"' not in page  # their caseload is their filter
    listing = client.get(_url(p, "/reports/outcomes-missing", category="hearing")).get_data(as_text=True)
    assert "0 dates" in listing and "Ixcoy" not in listing
    other_client.sign_in(p.manager.email, PASSWORD)
    mine = other_client.get(_url(p)).get_data(as_text=True)
    assert "87.5%" in mine and "Carlos Ortiz" not in mine


def test_program_admins_see_the_whole_program(client, dataset):
    p = dataset
    client.sign_in(p.admin.email, PASSWORD)
    page = client.get(_url(p)).get_data(as_text=True)
    assert "87.5%" in page and "80.0%" in page and "the whole program" in page


def test_legal_partners_and_in_country_staff_are_refused(app, client, db_session, dataset):
    partner = legal_partner_user(db_session)
    reception = make_organization(db_session, OrganizationKind.REINTEGRATION, name="Reception center")
    worker = make_user(db_session, reception, Role.SUPERVISOR)
    db_session.commit()
    client.sign_in(partner.email, PASSWORD)
    for url in (
        "/reports",
        "/reports/reminders",
        "/reports/caseload",
        "/reports/outcomes-missing",
        "/reports/export?table=appearance-summary&format=csv",
    ):
        assert client.get(url).status_code == 403, url
    in_country = Client(app.test_client())
    in_country.sign_in(worker.email, PASSWORD)
    assert in_country.get("/reports").status_code == 403
    assert in_country.get("/reports/export?table=appearance-summary&format=csv").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, dataset):
    response = client.get("/reports")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize(
    "args, field, message",
    [
        ({"start": "2026-13-45", "end": "2026-01-31"}, "start", "Not a valid date value."),
        ({"start": "2026-05-01", "end": "2026-04-01"}, "end", "The period ends before it starts."),
        ({"start": "1990-01-01", "end": "1990-02-01"}, "start", "Choose a date from 2000 on."),
        ({"start": "2001-01-01", "end": "2026-01-01"}, "end", "Choose a period of at most 60 months."),
        ({"start": "2026-01-01", "end": ""}, "end", "Give the last day of the period."),
        ({"period": "last_decade"}, "period", "Not a valid choice."),
        ({"place": "court-abc"}, "place", "Not a valid choice."),
        ({"place": "court-999999"}, "place", "Not a valid choice."),
        ({"manager": "999999"}, "manager", "Not a valid choice."),
        ({"language": "xx<script>"}, "language", "Not a valid choice."),
        ({"kind": "other"}, "kind", "Not a valid choice."),
    ],
)
def test_bad_filters_are_explained_next_to_their_field(client, dataset, args, field, message):
    client.sign_in(dataset.supervisor.email, PASSWORD)
    response = client.get("/reports?" + urlencode(args))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="{field}-error"' in page and message in page
    assert "<svg" not in page
    if args.get("start"):
        assert f'value="{args["start"]}"' in page  # the typed value is kept


def test_presets_are_whole_months_in_the_programs_calendar(client, dataset):
    p = dataset
    client.sign_in(p.supervisor.email, PASSWORD)
    page = client.get("/reports?period=last_quarter").get_data(as_text=True)
    start, end = services.preset_period("last_quarter", p.today)
    assert f'value="{start.isoformat()}"' in page and f'value="{end.isoformat()}"' in page
    assert start.day == 1 and start.month in (1, 4, 7, 10) and (end + timedelta(days=1)).day == 1
    default = client.get("/reports").get_data(as_text=True)
    start12, end12 = services.preset_period("last_12_months", p.today)
    assert f'value="{start12.isoformat()}"' in default and (end12 + timedelta(days=1)) == p.today.replace(day=1)
