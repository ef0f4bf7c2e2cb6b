"""The shipped list of immigration courts: well-formed, each in its right zone, loaded once."""
from __future__ import annotations

import csv
import zoneinfo

from sqlalchemy import func, select

from casework.db import utcnow
from scheduling import services
from scheduling.models import Court

ROWS = list(csv.DictReader(services.COURTS_CSV.open(encoding="utf-8")))


def test_every_court_has_an_address_and_a_real_zone():
    assert len(ROWS) >= 60
    assert len({r["slug"] for r in ROWS}) == len(ROWS)
    for row in ROWS:
        assert row["name"].endswith("Immigration Court") and row["street"] and row["city"]
        assert len(row["state"]) == 2 and len(row["postal_code"]) == 5 and row["postal_code"].isdigit()
        zoneinfo.ZoneInfo(row["timezone"])


def test_the_zones_that_are_easy_to_get_wrong():
    by_state = {}
    for row in ROWS:
        by_state.setdefault(row["state"], set()).add(row["timezone"])
    assert by_state["AZ"] == {"America/Phoenix"}          # no daylight time in Arizona
    assert by_state["PR"] == {"America/Puerto_Rico"}
    assert by_state["MP"] == {"Pacific/Saipan"}
    assert by_state["HI"] == {"Pacific/Honolulu"}
    el_paso = [r for r in ROWS if r["city"] == "El Paso"]
    assert el_paso and {r["timezone"] for r in el_paso} == {"America/Denver"}
    assert {r["timezone"] for r in ROWS if r["state"] == "TX" and r["city"] != "El Paso"} == {"America/Chicago"}


def test_loading_adds_missing_courts_and_keeps_admins_corrections(db_session):
    added, updated = services.load_courts(db_session)
    assert (added, updated) == (len(ROWS), 0)
    chicago = db_session.scalars(select(Court).where(Court.slug == "chicago")).one()
    chicago.street = "Corrected by an admin"
    db_session.commit()
    assert services.load_courts(db_session) == (0, 0)
    assert db_session.get(Court, chicago.id).street == "Corrected by an admin"
    assert services.load_courts(db_session, update=True) == (0, len(ROWS))
    assert db_session.get(Court, chicago.id).street.startswith("525 West Van Buren")
    assert db_session.scalar(select(func.count(Court.id))) == len(ROWS)


def test_the_demo_has_dates_at_every_stage(app, client, db_session):
    from casework.demo import demo
    from scheduling.models import Appointment, Office, Reminder

    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "Demo dates loaded:" in result.output
    assert db_session.scalar(select(func.count(Court.id))) == len(ROWS)
    assert db_session.scalar(select(func.count(Office.id))) == 3
    appointments = db_session.scalars(select(Appointment)).all()
    assert len(appointments) > 40
    assert any(a.starts_at < utcnow() and a.outcome is None
               for a in appointments), "a past date without outcome, for the follow-up list"
    assert db_session.scalar(select(func.count(Reminder.id))) > 0
    client.sign_in("manager@example.org", demo.PASSWORD)
    assert client.get("/agenda").status_code == 200
    assert "Chicago Immigration Court" in client.get("/courts").get_data(as_text=True)
