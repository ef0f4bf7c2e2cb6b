"""iCalendar output read back by two independent parsers (icalendar and vobject): zones, identity,
sequence, cancellation, and nothing personal in what calendar providers fetch."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import icalendar
import pytest
import vobject

from scheduling import links, services
from scheduling.models import AppointmentKind
from tests.factories import PASSWORD
from tests.scheduling.conftest import household, make_appointment, program_today

SECRET = "test-secret-key"  # the test app's SECRET_KEY


def parse_both(data: bytes):
    text = data.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.rstrip().endswith("END:VCALENDAR")
    return icalendar.Calendar.from_ical(data), vobject.readOne(text)


@pytest.fixture()
def signed_in(client, manager):
    client.sign_in(manager.email, PASSWORD)
    return client


def test_a_single_date_has_its_zone_its_wall_time_and_a_stable_identity(
    signed_in, db_session, manager, family_case, courts
):
    _family, case = family_case
    hearing = make_appointment(db_session, manager, case, courts["phoenix"], day=date(2027, 7, 15), at=time(8, 30))
    first = signed_in.get(f"/appointments/{hearing.id}/calendar.ics")
    assert first.mimetype == "text/calendar"
    ical, vcal = parse_both(first.data)
    event = ical.walk("VEVENT")[0]
    assert event["DTSTART"].params["TZID"] == "America/Phoenix"
    assert event.decoded("DTSTART").timetuple()[:5] == (2027, 7, 15, 8, 30)  # the wall clock in Phoenix
    assert vcal.vevent.dtstart.value.astimezone(UTC) == datetime(2027, 7, 15, 15, 30, tzinfo=UTC)
    assert [tz.tzid.value for tz in vcal.vtimezone_list] == ["America/Phoenix"]
    assert vcal.vevent.uid.value == hearing.uid and "@" in hearing.uid
    assert int(vcal.vevent.sequence.value) == 0
    assert vcal.vevent.dtstamp.value.tzinfo is not None and vcal.vevent.last_modified.value
    assert "1-800-898-7180" in vcal.vevent.description.value

    services.update_appointment(
        db_session,
        manager,
        hearing,
        services.AppointmentData(
            kind=hearing.kind,
            member_ids=[a.member_id for a in hearing.attendees],
            local_date=date(2027, 7, 16),
            local_time=time(13, 0),
            court_id=hearing.court_id,
        ),
    )
    _ical, vcal = parse_both(signed_in.get(f"/appointments/{hearing.id}/calendar.ics").data)
    assert vcal.vevent.uid.value == hearing.uid
    assert int(vcal.vevent.sequence.value) == 1
    assert vcal.vevent.dtstart.value.timetuple()[:5] == (2027, 7, 16, 13, 0)


def test_the_vtimezone_rules_cover_only_the_years_of_the_events(signed_in, db_session, manager, family_case, courts):
    _family, case = family_case
    make_appointment(db_session, manager, case, courts["el-paso"], day=date(2027, 3, 16), at=time(9, 0))
    make_appointment(db_session, manager, case, courts["chicago"], day=date(2027, 11, 8), at=time(9, 0))
    _feed, token = links.caseload_feed(db_session, SECRET, manager, create=True)
    ical, vcal = parse_both(signed_in.get(f"/feeds/{token}.ics").data)
    zones = {tz.tzid.value: tz for tz in vcal.vtimezone_list}
    assert set(zones) == {"America/Denver", "America/Chicago"}
    for component in ical.walk("VTIMEZONE"):
        starts = [sub.decoded("DTSTART") for sub in component.subcomponents]
        assert starts and min(starts).year >= 2026 and max(starts).year <= 2028
    # The spring change of 14 March 2027 is known: 16 March in El Paso is on MDT (UTC-6).
    denver = next(e for e in vcal.vevent_list if e.dtstart.value.tzinfo and e.dtstart.value.date() == date(2027, 3, 16))
    assert denver.dtstart.value.utcoffset() == timedelta(hours=-6)


def test_feeds_drop_cancelled_dates_and_the_single_download_says_cancelled(
    signed_in, client, db_session, manager, family_case, courts
):
    family, case = family_case
    kept = make_appointment(db_session, manager, case, courts["chicago"], day=program_today() + timedelta(days=20))
    dropped = make_appointment(
        db_session,
        manager,
        case,
        courts["chicago"],
        day=program_today() + timedelta(days=25),
        kind=AppointmentKind.STATUS_HEARING,
    )
    before = dropped.sequence
    services.cancel_appointment(db_session, manager, dropped)
    _feed, token = links.caseload_feed(db_session, SECRET, manager, create=True)
    family_token = links.family_link(db_session, SECRET, family)
    db_session.commit()
    for url in (f"/feeds/{token}.ics", f"/f/{family_token}.ics"):
        _ical, vcal = parse_both(client.get(url).data)
        assert [e.uid.value for e in vcal.vevent_list] == [kept.uid], url
    _ical, vcal = parse_both(signed_in.get(f"/appointments/{dropped.id}/calendar.ics").data)
    assert vcal.vevent.status.value == "CANCELLED" and int(vcal.vevent.sequence.value) > before


def test_feeds_name_no_one(client, db_session, manager, courts):
    family, case = household(db_session, manager)
    from casework.families import services as family_services
    from casework.families.models import Relationship
    from tests.factories import member_data

    family_services.add_member(
        db_session,
        manager,
        family,
        member_data(
            given="Yenifer",
            first="Tzoc",
            a_number="A-123-456-789",
            relationship_to_head=Relationship.SPOUSE,
            phones=[("(312) 555-0999", family_services.PhoneKind.MOBILE)],
        ),
        program_today(),
    )
    make_appointment(db_session, manager, case, courts["chicago"], day=program_today() + timedelta(days=9))
    _feed, token = links.caseload_feed(db_session, SECRET, manager, create=True)
    family_token = links.family_link(db_session, SECRET, family)
    db_session.commit()
    for url in (f"/feeds/{token}.ics", f"/f/{family_token}.ics"):
        text = client.get(url).get_data(as_text=True)
        assert "BEGIN:VEVENT" in text
        for private in ("José", "García", "Yenifer", "Tzoc", "123456789", "123-456-789", "555-0143", "555-0999"):
            assert private not in text, (url, private)
    assert case.reference in client.get(f"/feeds/{token}.ics").get_data(as_text=True)


def test_a_revoked_or_forged_feed_address_finds_nothing(client, db_session, manager, family_case, courts):
    _feed, token = links.caseload_feed(db_session, SECRET, manager, create=True)
    assert client.get(f"/feeds/{token}.ics").status_code == 200
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert client.get(f"/feeds/{forged}.ics").status_code == 404
    links.revoke(db_session, manager, _feed)
    assert client.get(f"/feeds/{token}.ics").status_code == 404
