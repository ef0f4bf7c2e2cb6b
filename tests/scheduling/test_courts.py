"""The shipped list of immigration courts: every row checked or explained, each court in its right
zone across the daylight-time changes of 2026-2030; `courts load` adds, moves, renames and closes
courts, never deletes one; a closed court is offered for no new date, and the dates still set there
are shown to the people who must move them."""

from __future__ import annotations

import csv
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from casework.accounts.models import Role
from casework.db import utcnow
from casework.errors import ValidationError
from scheduling import services
from scheduling.models import Appointment, Court, Reminder
from scheduling.timing import resolve
from tests.factories import PASSWORD, make_organization, make_user
from tests.http import Client
from tests.scheduling.conftest import make_appointment, program_today

ROWS = list(csv.DictReader(services.COURTS_CSV.open(encoding="utf-8")))
BY_SLUG = {r["slug"]: r for r in ROWS}
OPEN = [r for r in ROWS if r["status"] == "open"]
CLOSED = [r for r in ROWS if r["status"] == "closed"]
CHECK_DAY = "2026-12-02"

# The zones a court in each state or territory may be in. Indiana and Michigan have their own
# IANA names; El Paso (and the courts beside it in Texas and New Mexico) keep Mountain time.
STATE_ZONES = {
    "AZ": {"America/Phoenix"},
    "CA": {"America/Los_Angeles"},
    "CO": {"America/Denver"},
    "CT": {"America/New_York"},
    "FL": {"America/New_York"},
    "GA": {"America/New_York"},
    "HI": {"Pacific/Honolulu"},
    "IL": {"America/Chicago"},
    "IN": {"America/Indiana/Indianapolis"},
    "LA": {"America/Chicago"},
    "MA": {"America/New_York"},
    "MD": {"America/New_York"},
    "MI": {"America/Detroit"},
    "MN": {"America/Chicago"},
    "MO": {"America/Chicago"},
    "MP": {"Pacific/Saipan"},
    "NC": {"America/New_York"},
    "NE": {"America/Chicago"},
    "NJ": {"America/New_York"},
    "NM": {"America/Denver"},
    "NV": {"America/Los_Angeles"},
    "NY": {"America/New_York"},
    "OH": {"America/New_York"},
    "OR": {"America/Los_Angeles"},
    "PA": {"America/New_York"},
    "PR": {"America/Puerto_Rico"},
    "TN": {"America/Chicago"},
    "TX": {"America/Chicago", "America/Denver"},
    "UT": {"America/Denver"},
    "VA": {"America/New_York"},
    "WA": {"America/Los_Angeles"},
}
NO_DAYLIGHT_TIME = {"America/Phoenix", "America/Puerto_Rico", "Pacific/Honolulu", "Pacific/Saipan"}
STANDARD_OFFSET = {  # hours from UTC in winter
    "America/New_York": -5,
    "America/Detroit": -5,
    "America/Indiana/Indianapolis": -5,
    "America/Chicago": -6,
    "America/Denver": -7,
    "America/Phoenix": -7,
    "America/Los_Angeles": -8,
    "America/Puerto_Rico": -4,
    "Pacific/Honolulu": -10,
    "Pacific/Saipan": 10,
}


# The file -----------------------------------------------------------------------------------------


def test_every_row_is_well_formed_and_checked_or_explained():
    assert len(OPEN) >= 70
    assert len(BY_SLUG) == len(ROWS)
    services.read_courts_file()  # the loader's own checks: zones, statuses, dates, successors
    for row in ROWS:
        slug = row["slug"]
        assert row["name"].endswith("Immigration Court") and row["street"] and row["city"], slug
        assert row["state"] in STATE_ZONES, slug
        assert len(row["postal_code"]) == 5 and row["postal_code"].isdigit(), slug
        zoneinfo.ZoneInfo(row["timezone"])
        assert row["timezone"] in STATE_ZONES[row["state"]], slug
        assert row["status"] in ("open", "closed"), slug
        if row["checked_on"]:
            assert row["checked_on"] == CHECK_DAY and row["source"].startswith(("https://", "http://")), slug
        else:
            assert row["note"], f"{slug}: neither checked nor explained"
        if row["eoir_page"]:
            assert row["eoir_page"].startswith("https://www.justice.gov/eoir/"), slug


def test_the_zones_that_are_easy_to_get_wrong():
    by_state: dict[str, set[str]] = {}
    for row in ROWS:
        by_state.setdefault(row["state"], set()).add(row["timezone"])
    assert by_state["AZ"] == {"America/Phoenix"}  # no daylight time in Arizona
    assert by_state["PR"] == {"America/Puerto_Rico"}
    assert by_state["MP"] == {"Pacific/Saipan"}
    assert by_state["HI"] == {"Pacific/Honolulu"}
    el_paso = [r for r in ROWS if r["city"] == "El Paso"]
    assert el_paso and {r["timezone"] for r in el_paso} == {"America/Denver"}
    assert {r["timezone"] for r in ROWS if r["state"] == "TX" and r["city"] != "El Paso"} == {"America/Chicago"}


def test_the_courts_the_issue_names_are_there_open_closed_or_renamed():
    for slug in (
        "annandale",
        "sterling",
        "hyattsville",
        "laredo",
        "chelmsford",
        "houston-s-gessner-road",
        "houston-greenspoint-park",
        "santa-ana",
        "west-los-angeles",
    ):
        assert BY_SLUG[slug]["status"] == "open", slug
    arlington, olive = BY_SLUG["arlington"], BY_SLUG["los-angeles-olive-street"]
    assert arlington["status"] == olive["status"] == "closed"
    assert set(arlington["replaced_by"].split()) == {"annandale", "sterling"}
    assert olive["closed_on"].startswith("2024-04")
    # Renamed courts keep their slug, so the dates that point at them keep pointing at them.
    assert BY_SLUG["san-juan"]["name"] == "Guaynabo (San Juan) Immigration Court"
    assert BY_SLUG["san-juan"]["city"] == "Guaynabo"
    assert BY_SLUG["jena"]["name"] == "LaSalle Immigration Court"
    assert BY_SLUG["san-diego"]["street"].startswith("880 Front Street")
    assert BY_SLUG["seattle"]["street"].startswith("915 2nd Avenue")
    assert BY_SLUG["chicago"]["street"].startswith("55 East Monroe Street")
    assert BY_SLUG["tacoma"]["street"].endswith("Suite 3")


def test_a_bad_file_is_refused_with_its_line(tmp_path):
    bad = tmp_path / "courts.csv"
    header = ",".join(services.COURT_FILE_COLUMNS)
    good = "Dallas Immigration Court,1100 Commerce Street,Dallas,TX,75242,America/Chicago,dallas,open,,,2026-12-02,https://example.org/dallas,"
    bad.write_text(f"{header}\n{good.replace('America/Chicago', 'Mars/Olympus')}\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="line 2: unknown time zone"):
        services.read_courts_file(bad)
    bad.write_text(f"{header}\n{good.replace(',open,', ',closed-ish,')}\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="neither 'open' nor 'closed'"):
        services.read_courts_file(bad)
    unchecked = good.replace("2026-12-02,https://example.org/dallas,", ",,")
    bad.write_text(f"{header}\n{unchecked}\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="neither a check date nor a note"):
        services.read_courts_file(bad)


# Time zones of every court across the daylight-time changes of 2026-2030 -------------------------


def _transitions(zone: zoneinfo.ZoneInfo, year: int) -> list[date]:
    """The local days on which the zone's UTC offset changes, found hour by hour."""
    days, instant = [], datetime(year, 1, 1, tzinfo=UTC)
    previous = instant.astimezone(zone).utcoffset()
    while instant.year == year:
        instant += timedelta(hours=1)
        offset = instant.astimezone(zone).utcoffset()
        if offset != previous:
            days.append(instant.astimezone(zone).date())
            previous = offset
    return days


def _nth_sunday(year: int, month: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(6 - first.weekday()) % 7 + 7 * (n - 1))


@pytest.mark.parametrize("zone_name", sorted({r["timezone"] for r in ROWS}))
@pytest.mark.parametrize("year", range(2026, 2031))
def test_each_court_zone_changes_clocks_on_the_us_days_only_2026_to_2030(zone_name, year):
    zone = zoneinfo.ZoneInfo(zone_name)
    if zone_name in NO_DAYLIGHT_TIME:
        assert _transitions(zone, year) == []
        return
    spring, autumn = _nth_sunday(year, 3, 2), _nth_sunday(year, 11, 1)
    assert _transitions(zone, year) == [spring, autumn]


@pytest.mark.parametrize("row", ROWS, ids=[r["slug"] for r in ROWS])
def test_every_court_converts_a_hearing_around_each_clock_change_2026_to_2030(row):
    """A 08:30 hearing the Friday before and the Monday after each US clock change, at every
    court of the file: the instant stored is 08:30 at the court, in winter or summer time."""
    zone_name = row["timezone"]
    standard = STANDARD_OFFSET[zone_name]
    for year in range(2026, 2031):
        for sunday, summer_after in ((_nth_sunday(year, 3, 2), True), (_nth_sunday(year, 11, 1), False)):
            for day, summer in (
                (sunday - timedelta(days=2), not summer_after),
                (sunday + timedelta(days=1), summer_after),
            ):
                starts_at = resolve(day, time(8, 30), zone_name, None).starts_at
                shift = 1 if summer and zone_name not in NO_DAYLIGHT_TIME else 0
                expected = datetime.combine(day, time(8, 30), UTC) - timedelta(hours=standard + shift)
                assert starts_at == expected, (row["slug"], day)
                assert starts_at.astimezone(zoneinfo.ZoneInfo(zone_name)).time() == time(8, 30)


# Loading ------------------------------------------------------------------------------------------


def _court_count(db_session) -> int:
    return db_session.scalar(select(func.count(Court.id)))


def test_loading_into_an_empty_database_adds_every_open_court_and_then_nothing(db_session):
    assert _court_count(db_session) == 0
    report = services.load_courts(db_session)
    assert report.count("added") == len(OPEN) and report.not_added_closed == [r["slug"] for r in CLOSED]
    assert _court_count(db_session) == len(OPEN)
    annandale = db_session.scalars(select(Court).where(Court.slug == "annandale")).one()
    assert annandale.active and annandale.closed_on is None and annandale.timezone == "America/New_York"
    assert str(annandale.checked_on) == BY_SLUG["annandale"]["checked_on"] or annandale.checked_on is None
    again = services.load_courts(db_session)
    assert not again.changed and again.differing == []


def test_loading_without_update_keeps_admins_corrections(db_session):
    services.load_courts(db_session)
    chicago = db_session.scalars(select(Court).where(Court.slug == "chicago")).one()
    chicago.street = "Corrected by an admin"
    db_session.flush()
    report = services.load_courts(db_session)
    assert not report.changed and report.differing == ["chicago"]
    assert chicago.street == "Corrected by an admin"
    report = services.load_courts(db_session, update=True)
    assert [c.kind for c in report.changes] == ["moved"] and chicago.street == BY_SLUG["chicago"]["street"]


def _old_install(db_session) -> dict[str, Court]:
    """The rows an install loaded from the five-year-old file."""
    old = {
        "arlington": (
            "Arlington Immigration Court",
            "1901 South Bell Street, Suite 200",
            "Arlington",
            "VA",
            "22202",
            "America/New_York",
        ),
        "los-angeles-olive-street": (
            "Los Angeles - Olive Street Immigration Court",
            "606 South Olive Street, 15th Floor",
            "Los Angeles",
            "CA",
            "90014",
            "America/Los_Angeles",
        ),
        "san-diego": (
            "San Diego Immigration Court",
            "401 West A Street, Suite 800",
            "San Diego",
            "CA",
            "92101",
            "America/Los_Angeles",
        ),
        "san-juan": (
            "San Juan Immigration Court",
            "Ochoa Building, 500 Tanca Street, Suite 300",
            "San Juan",
            "PR",
            "00901",
            "America/Puerto_Rico",
        ),
    }
    made = {}
    for slug, (name, street, city, state, postal, zone) in old.items():
        made[slug] = Court(
            slug=slug, name=name, street=street, city=city, state=state, postal_code=postal, timezone=zone
        )
        db_session.add(made[slug])
    db_session.flush()
    return made


def test_load_update_on_an_old_install_prints_what_changed_and_never_deletes(app, db_session, manager, family_case):
    old = _old_install(db_session)
    _family, case = family_case
    day = program_today() + timedelta(days=40)
    at_arlington = make_appointment(db_session, manager, case, old["arlington"], day=day)
    past_at_olive = make_appointment(
        db_session, manager, case, old["los-angeles-olive-street"], day=program_today() + timedelta(days=10)
    )
    past_at_olive.local_date = date(2024, 3, 1)  # a hearing held there before it closed
    db_session.commit()

    result = app.test_cli_runner().invoke(args=["courts", "load", "--update"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "added     Annandale Immigration Court [annandale]" in out
    assert (
        "moved     San Diego Immigration Court [san-diego]: 401 West A Street, Suite 800, San Diego, CA 92101 -> "
        f"{BY_SLUG['san-diego']['street']}, San Diego, CA {BY_SLUG['san-diego']['postal_code']}"
    ) in out
    assert "renamed   [san-juan] San Juan Immigration Court -> Guaynabo (San Juan) Immigration Court" in out
    assert "closed    Arlington Immigration Court [arlington]" in out
    assert (
        f"closed    Los Angeles - Olive Street Immigration Court [los-angeles-olive-street] on "
        f"{BY_SLUG['los-angeles-olive-street']['closed_on']}" in out
    )
    assert f"{len(OPEN) - 2} added" in out and "2 closed" in out and "1 renamed" in out
    # The date still set at Arlington is listed by case and day, without a name; the past one is not.
    assert f"case {case.reference}, {day.isoformat()}: Arlington Immigration Court [arlington]" in out
    assert "1 scheduled date(s) are at courts that have closed" in out
    assert "García" not in out and "José" not in out

    db_session.expire_all()
    assert _court_count(db_session) == len(OPEN) + 2  # nothing deleted
    arlington = db_session.get(Court, old["arlington"].id)
    assert not arlington.active and arlington.replaced_by == BY_SLUG["arlington"]["replaced_by"]
    assert db_session.get(Appointment, at_arlington.id).court_id == arlington.id
    assert db_session.get(Court, old["san-juan"].id).city == "Guaynabo"

    second = app.test_cli_runner().invoke(args=["courts", "load", "--update"])
    assert second.exit_code == 0, second.output
    assert "Nothing changed" in second.output and "added" not in second.output
    assert f"case {case.reference}, {day.isoformat()}" in second.output  # still to move


def test_load_without_update_on_an_old_install_only_adds(app, db_session):
    old = _old_install(db_session)
    result = app.test_cli_runner().invoke(args=["courts", "load"])
    assert result.exit_code == 0, result.output
    assert "4 court(s) differ from the file and were kept" in result.output
    db_session.expire_all()
    assert db_session.get(Court, old["arlington"].id).active
    assert db_session.get(Court, old["san-diego"].id).street == "401 West A Street, Suite 800"


# A closed court in the pages ------------------------------------------------------------------------


@pytest.fixture()
def closed_court(db_session):
    """Arlington closed, Annandale and Sterling open, as `courts load --update` leaves them."""
    services.load_courts(db_session)
    arlington = Court(
        slug="arlington",
        name="Arlington Immigration Court",
        street="1901 South Bell Street, Suite 200",
        city="Arlington",
        state="VA",
        postal_code="22202",
        timezone="America/New_York",
    )
    db_session.add(arlington)
    db_session.flush()
    return arlington


def _close(db_session, court: Court) -> None:
    court.active = False
    court.closed_on = program_today() - timedelta(days=30)
    court.replaced_by = "annandale sterling"
    db_session.commit()


def _court(db_session, slug: str) -> Court:
    return db_session.scalars(select(Court).where(Court.slug == slug)).one()


def _form(case, court_id, **overrides):
    data = {
        "kind": "master_hearing",
        "member_ids": [m.id for m in case.family.members],
        "local_date": (program_today() + timedelta(days=21)).isoformat(),
        "local_time": "08:30",
        "fold": "",
        "court_id": str(court_id),
        "office_id": "0",
        "location_note": "",
        "timezone": "America/New_York",
        "mode": "in_person",
        "video_link": "",
        "interpreter_language": "spa",
        "notes": "Bring the NTA",
    }
    data.update(overrides)
    return data


def test_a_closed_court_is_not_offered_and_refused_for_a_new_date(
    client, db_session, manager, family_case, closed_court
):
    _close(db_session, closed_court)
    _family, case = family_case
    client.sign_in(manager.email, PASSWORD)
    url = f"/cases/{case.id}/appointments/new"
    page = client.get(url).get_data(as_text=True)
    assert "Annandale Immigration Court" in page and "Arlington Immigration Court" not in page
    response = client.post(url, _form(case, closed_court.id))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="court_id-error"' in page and "Arlington Immigration Court has closed" in page
    assert "Bring the NTA" in page and 'value="08:30"' in page
    assert db_session.scalar(select(Appointment.id).where(Appointment.case_id == case.id)) is None


def test_a_date_at_a_closed_court_is_shown_listed_and_can_be_moved(
    app, client, other_client, db_session, program, manager, family_case, closed_court
):
    _family, case = family_case
    day = program_today() + timedelta(days=45)
    hearing = make_appointment(db_session, manager, case, closed_court, day=day)
    _close(db_session, closed_court)
    client.sign_in(manager.email, PASSWORD)

    page = client.get(f"/appointments/{hearing.id}").get_data(as_text=True)
    assert "This court has closed" in page and "Arlington Immigration Court" in page
    assert "Annandale Immigration Court" in page and "Sterling Immigration Court" in page
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "Dates at courts that have closed" in dashboard and f"/appointments/{hearing.id}" in dashboard

    # Another program's staff see nothing of it; this program's supervisor sees it on the courts page.
    elsewhere = make_user(db_session, make_organization(db_session, name="Another program"), Role.SUPERVISOR)
    supervisor = make_user(db_session, program, Role.SUPERVISOR)
    db_session.commit()
    other_client.sign_in(elsewhere.email, PASSWORD)
    assert f"/appointments/{hearing.id}" not in other_client.get("/courts").get_data(as_text=True)
    assert "Dates at courts that have closed" not in other_client.get("/dashboard").get_data(as_text=True)
    supervisor_client = Client(app.test_client())
    supervisor_client.sign_in(supervisor.email, PASSWORD)
    courts_page = supervisor_client.get("/courts").get_data(as_text=True)
    assert f"/appointments/{hearing.id}" in courts_page and case.reference in courts_page
    assert "Dates at courts that have closed" not in client.get("/courts").get_data(as_text=True)  # a case manager

    # The edit form still shows where it is; keeping the closed court is refused, another is saved.
    edit_url = f"/appointments/{hearing.id}/edit"
    form_page = client.get(edit_url).get_data(as_text=True)
    assert "Arlington Immigration Court (Arlington, VA) — closed" in form_page
    kept = client.post(edit_url, _form(case, closed_court.id, local_date=day.isoformat()))
    assert kept.status_code == 200 and "Arlington Immigration Court has closed" in kept.get_data(as_text=True)
    annandale = _court(db_session, "annandale")
    moved = client.post(edit_url, _form(case, annandale.id, local_date=day.isoformat()))
    assert moved.status_code == 302
    db_session.expire_all()
    assert db_session.get(Appointment, hearing.id).court_id == annandale.id
    assert db_session.scalar(select(func.count(Reminder.id)).where(Reminder.appointment_id == hearing.id)) > 0
    assert "Dates at courts that have closed" not in client.get("/dashboard").get_data(as_text=True)
    assert "This court has closed" not in client.get(f"/appointments/{hearing.id}").get_data(as_text=True)


def test_a_hearing_held_before_the_court_closed_stays_valid(db_session, manager, family_case, closed_court):
    _family, case = family_case
    hearing = make_appointment(db_session, manager, case, closed_court, day=program_today() + timedelta(days=5))
    closed_court.active = False
    closed_court.closed_on = program_today() + timedelta(days=10)  # not allowed from the form; the rule still holds
    db_session.flush()
    assert not closed_court.closed_for(hearing.local_date)
    assert closed_court.closed_for(program_today() + timedelta(days=10))
    assert services.dates_at_closed_courts(db_session, select(Appointment).join(Appointment.case)) == []


def test_an_admin_closes_and_reopens_a_court(client, db_session, program, closed_court):
    admin = make_user(db_session, program, Role.ADMIN)
    db_session.commit()
    client.sign_in(admin.email, PASSWORD)
    url = f"/admin/courts/{closed_court.id}/edit"
    page = client.get(url).get_data(as_text=True)
    assert 'name="closed"' in page and 'name="closed_on"' in page
    fields = {
        "name": closed_court.name,
        "street": closed_court.street,
        "city": closed_court.city,
        "state": closed_court.state,
        "postal_code": closed_court.postal_code,
        "timezone": closed_court.timezone,
        "source_url": "https://www.justice.gov/eoir/arlington-immigration-court",
    }
    future = client.post(url, dict(fields, closed="y", closed_on=(program_today() + timedelta(days=3)).isoformat()))
    page = future.get_data(as_text=True)
    assert future.status_code == 200 and 'id="closed_on-error"' in page and "cannot be in the future" in page
    assert 'value="https://www.justice.gov/eoir/arlington-immigration-court"' in page
    assert client.post(url, dict(fields, closed="y", closed_on="2023-03-01")).status_code == 302
    db_session.expire_all()
    court = db_session.get(Court, closed_court.id)
    assert not court.active and court.closed_on == date(2023, 3, 1) and court.checked_on is not None
    courts_page = client.get("/courts").get_data(as_text=True)
    assert "closed on" in courts_page
    assert client.post(url, fields).status_code == 302  # "Closed" unticked: reopened
    db_session.expire_all()
    court = db_session.get(Court, closed_court.id)
    assert court.active and court.closed_on is None


def test_the_demo_has_dates_at_every_stage(app, client, db_session):
    from casework.demo import demo
    from scheduling.models import Office

    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "Demo dates loaded:" in result.output
    assert db_session.scalar(select(func.count(Court.id))) == len(OPEN)
    assert db_session.scalar(select(func.count(Office.id))) == 3
    appointments = db_session.scalars(select(Appointment)).all()
    assert len(appointments) > 40
    assert all(a.court is None or a.court.active for a in appointments)
    assert any(a.starts_at < utcnow() and a.outcome is None for a in appointments), (
        "a past date without outcome, for the follow-up list"
    )
    assert db_session.scalar(select(func.count(Reminder.id))) > 0
    client.sign_in("manager@example.org", demo.PASSWORD)
    assert client.get("/agenda").status_code == 200
    assert "Chicago Immigration Court" in client.get("/courts").get_data(as_text=True)
