"""Time the main pages on seeded data against a minimal page; print median ms, ratio and SQL statements.

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 casework db upgrade
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 casework seed --families 100000
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 python benchmarks/pages.py [--repeat 30]

Not a test: it prints figures. The minimal page signs in the same way and runs one indexed query
(a user by primary key) and renders a one-line template, so the ratio measures what each page
costs above the fixed price of a request (session, sign-in check, CSRF, headers, the commit that
ends every view's unit of work). The minimal page must commit as the pages do: a request that
ends in a rollback makes psycopg drop every statement it had prepared on the connection, and the
next page would pay to prepare and plan them again.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import render_template_string
from flask_login import current_user
from sqlalchemy import event, func, select

from casework import create_app
from casework.access import requires
from casework.accounts.models import User
from casework.cases.models import Case, CaseStatus
from casework.db import Database, db
from casework.demo.seed import MANAGER_EMAIL, PASSWORD
from casework.families.identifiers import format_a_number, format_phone
from casework.families.models import Family, Member, Phone, Relationship
from casework.families.services import search_token
from casework.transactions import unit_of_work
from tests.http import csrf_token_of

BUDGET = 3.0


def build_app(url: str):
    # The default instance folder, as `casework seed` used: its keys decrypt the seeded A-numbers.
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "benchmark", "SCHEDULER_ENABLED": False})

    @app.route("/_bench/minimal")
    @unit_of_work  # as every view is made (casework.transactions.commit_views_once): it commits
    @requires("own_account")  # any signed-in account: the partner's pages are compared with it too
    def minimal():
        user = db.session.scalars(select(User).where(User.id == current_user.id)).one()
        return render_template_string("<p>{{ user.email }}</p>", user=user)

    @app.route("/_bench/layout")
    @unit_of_work  # as every view is made (casework.transactions.commit_views_once): it commits
    @requires("own_account")
    def minimal_in_layout():
        user = db.session.scalars(select(User).where(User.id == current_user.id)).one()
        return render_template_string(
            '{% extends "base.html" %}{% block content %}<p>{{ user.email }}</p>{% endblock %}', user=user
        )

    return app


class StatementCounter:
    """SQL statements per request, and the time spent in them (execute and fetch of the cursor)."""

    def __init__(self, engine) -> None:
        self.count = 0
        self.seconds = 0.0
        self._started = 0.0
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def reset(self) -> None:
        self.count, self.seconds = 0, 0.0

    def _before(self, *args) -> None:  # type: ignore[no-untyped-def]
        self.count += 1
        self._started = time.perf_counter()

    def _after(self, *args) -> None:  # type: ignore[no-untyped-def]
        self.seconds += time.perf_counter() - self._started


@dataclass(frozen=True)
class Timing:
    label: str
    median_ms: float
    sql_ms: float
    statements: int
    slowest: tuple[float, str] = (0.0, "")  # with a counter that keeps it (benchmarks/reintegration.py)


def time_pages(client, counter: StatementCounter, pages: list[tuple[Any, ...]], repeat: int) -> list[Timing]:
    """Request each page `repeat` times, after two warm-up rounds, and give each page's medians.
    A page is (label, path), or (label, path, client) to request it as another account.

    The requests go in rounds, every page once per round, so that the minimal page and the pages
    compared with it are timed at the same moments: on a shared machine whose speed drifts during
    a run, timing one page after the other would put the drift into the ratios."""
    samples: dict[str, list[tuple[float, float, int, tuple[float, str]]]] = {page[0]: [] for page in pages}
    for round_number in range(repeat + 2):
        for label, path, *who in pages:
            counter.reset()
            start = time.perf_counter()
            response = (who[0] if who else client).get(path)
            took = (time.perf_counter() - start) * 1000
            if response.status_code != 200:
                sys.exit(f"{path} answered {response.status_code}")
            if round_number >= 2:
                slowest = getattr(counter, "slowest", (0.0, ""))
                samples[label].append((took, counter.seconds * 1000, counter.count, slowest))
    return [
        Timing(
            label,
            statistics.median(s[0] for s in samples[label]),
            statistics.median(s[1] for s in samples[label]),
            max(s[2] for s in samples[label]),
            max(s[3] for s in samples[label]),
        )
        for label, *_ in pages
    ]


PARTNER_EMAIL = "seed-partner@example.org"
PARTNER_REFERRALS = 300


def ensure_partner(app, manager_email: str) -> None:
    """A legal partner organization, its account PARTNER_EMAIL, and PARTNER_REFERRALS open cases of
    the manager's program (households that consent to sharing) referred to it, half of them
    accepted, through the services a case manager and a partner use: made on the first run, as
    seeded databases have no partner."""
    from legal.models import PartnerKind
    from legal.services import NewPartnerOrganization, accept, create_partner_organization, refer, sharing_consented

    with app.test_request_context("/"):
        session = db.session
        if session.scalar(select(User.id).where(User.email == PARTNER_EMAIL)) is not None:
            return
        manager = session.scalars(select(User).where(User.email == manager_email)).one()
        _organization, partner = create_partner_organization(
            session,
            None,
            NewPartnerOrganization(
                name="Seeded Legal Partner",
                timezone="America/Chicago",
                kind=PartnerKind.NONPROFIT,
                capacity=1000,
                email=PARTNER_EMAIL,
                full_name="Seed Partner",
                password=PASSWORD,
            ),
        )
        cases = session.scalars(
            select(Case)
            .join(Family, Case.family_id == Family.id)
            .where(Family.program_id == manager.organization_id, Case.status != CaseStatus.CLOSED, sharing_consented())
            .order_by(Case.id)
            .limit(PARTNER_REFERRALS)
        ).all()
        for number, case in enumerate(cases):
            members = [m.id for m in case.family.members]
            referral = refer(session, manager, case, partner.organization_id, members, None, "http://127.0.0.1")
            if number % 2 == 0:
                accept(session, partner, referral, "http://127.0.0.1")
        session.commit()
        print(f"referred {len(cases)} cases to the partner {PARTNER_EMAIL} (half accepted)")


UPCOMING_UID = "bench-upcoming-"


def ensure_upcoming_dates(app, manager_email: str) -> None:
    """A date in the coming three weeks for every open case of the manager's program (a check-in at
    the program's ICE office, or a hearing when it has none, every third one a hearing), at 9:00 at
    the program's zone, inserted in bulk on the first run: seeded households, and the history
    benchmarks/reports.py adds, have no date ahead, and the dashboard, the agenda and the family
    page list the ones ahead."""
    from datetime import UTC, datetime, time, timedelta
    from zoneinfo import ZoneInfo

    from sqlalchemy import insert, text

    from scheduling.models import (
        Appointment,
        AppointmentKind,
        AppointmentStatus,
        AttendanceMode,
        Court,
        Office,
        OfficeKind,
    )

    with app.app_context():
        session = db.session
        if session.scalar(select(Appointment.id).where(Appointment.uid.startswith(UPCOMING_UID)).limit(1)):
            return
        program = session.scalars(select(User).where(User.email == manager_email)).one().organization
        zone = ZoneInfo(program.timezone)
        today = datetime.now(UTC).astimezone(zone).date()
        courts = session.scalars(select(Court.id).where(Court.active.is_(True)).order_by(Court.id)).all()
        if not courts:  # a database seeded and never given the shipped court list
            from scheduling.services import load_courts

            load_courts(session)
            courts = session.scalars(select(Court.id).where(Court.active.is_(True)).order_by(Court.id)).all()
        office = session.scalar(
            select(Office.id).where(Office.program_id == program.id, Office.kind == OfficeKind.ICE).limit(1)
        )
        cases = session.scalars(
            select(Case.id)
            .join(Family, Case.family_id == Family.id)
            .where(Family.program_id == program.id, Case.status != CaseStatus.CLOSED)
            .order_by(Case.id)
        ).all()
        first_id = (session.scalar(select(func.max(Appointment.id))) or 0) + 1
        now = datetime.now(UTC)
        rows = []
        for number, case_id in enumerate(cases):
            day = today + timedelta(days=1 + number % 21)
            hearing = number % 3 == 0 or office is None
            rows.append(
                {
                    "id": first_id + number,
                    "case_id": case_id,
                    "kind": AppointmentKind.MASTER_HEARING if hearing else AppointmentKind.ICE_CHECK_IN,
                    "court_id": courts[number % len(courts)] if hearing else None,
                    "office_id": None if hearing else office,
                    "local_date": day,
                    "local_time": time(9),
                    "timezone": program.timezone,
                    "fold": 0,
                    "starts_at": datetime.combine(day, time(9), zone).astimezone(UTC),
                    "mode": AttendanceMode.IN_PERSON,
                    "status": AppointmentStatus.SCHEDULED,
                    "uid": f"{UPCOMING_UID}{first_id + number}@casework",
                    "sequence": 0,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        if rows:
            session.execute(insert(Appointment), rows)
        session.commit()
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("ANALYZE appointments"))
            session.commit()
        print(f"added a date ahead to each of {len(rows)} open cases of {program.name}")


def signed_in(app, email: str, password: str):
    client = app.test_client()
    token = csrf_token_of(client.get("/sign-in").get_data(as_text=True))
    response = client.post("/sign-in", data={"email": email, "password": password, "csrf_token": token})
    if response.status_code != 302:
        sys.exit(f"Sign-in as {email} failed ({response.status_code}).")
    return client


def sample_queries(app, email: str) -> dict[str, str]:
    """Real values from the seeded data: a name, an A-number and a phone of the manager's families."""
    with app.app_context():
        session = db.session
        manager = session.scalar(select(User).where(User.email == email))
        if manager is None:
            sys.exit(f"No account {email}: seed first (casework seed --families N).")
        family_id = session.scalar(
            select(Case.family_id).where(Case.assigned_to_id == manager.id).order_by(Case.id.desc()).limit(1)
        )
        head = session.scalar(
            select(Member).where(Member.family_id == family_id, Member.relationship_to_head == Relationship.HEAD)
        )
        a_number = session.scalar(
            select(Member.a_number)
            .join(Family, Member.family_id == Family.id)
            .where(Family.program_id == manager.organization_id, Member.a_number.is_not(None))
            .limit(1)
            .offset(500)
        )
        phone = session.scalar(
            select(Phone.number)
            .join(Member, Phone.member_id == Member.id)
            .where(Member.family_id == family_id)
            .limit(1)
        )
        return {
            "name": f"{head.first_surname} {head.given_names.split()[0]}",
            "a_number": format_a_number(a_number),
            "phone": format_phone(phone) if phone else "",
            "family_id": str(family_id),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=int(os.environ.get("BENCH_REPEAT", "20")))
    parser.add_argument("--email", default=os.environ.get("BENCH_EMAIL", MANAGER_EMAIL))
    parser.add_argument("--password", default=os.environ.get("BENCH_PASSWORD", PASSWORD))
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL")
    if not url:
        sys.exit("Set DATABASE_URL to the seeded database.")

    app = build_app(url)
    counter = StatementCounter(Database.state(app).engine)
    samples = sample_queries(app, args.email)
    ensure_partner(app, args.email)
    ensure_upcoming_dates(app, args.email)
    client = signed_in(app, args.email, args.password)
    partner = signed_in(app, PARTNER_EMAIL, PASSWORD)

    from urllib.parse import quote

    pages = [
        ("minimal page", "/_bench/minimal"),
        ("minimal page in the layout", "/_bench/layout"),
        ("dashboard", "/dashboard"),
        ("family list", "/families"),
        (f"search name '{samples['name']}'", "/families?s=" + quote(search_token(samples["name"]))),
        ("search A-number", "/families?s=" + quote(search_token(samples["a_number"]))),
        ("search phone", "/families?s=" + quote(search_token(samples["phone"]))),
        ("family page", f"/families/{samples['family_id']}"),
        ("agenda", "/agenda"),
        # The partner's pages, compared with the same minimal page requested as the partner.
        ("minimal page, as the partner", "/_bench/minimal", partner),
        ("partner portal", "/partner", partner),
    ]
    results = time_pages(client, counter, pages, args.repeat)
    partner_base = next(t.median_ms for t in results if t.label == "minimal page, as the partner")

    with app.app_context():
        families = db.session.scalar(select(func.count()).select_from(Family))
    base, layout = results[0].median_ms, results[1].median_ms
    dialect = Database.state(app).engine.dialect.name
    print(
        f"{dialect}, {families} families, {args.repeat} rounds of requests (every page once a round), as {args.email}"
    )
    print(
        f"ratio: to the minimal page; layout ratio: to the minimal page in the layout (base.html). "
        f"Budget {BUDGET:.0f}x."
    )
    print(f"{'page':<40} {'median ms':>10} {'SQL ms':>7} {'SQL':>4} {'ratio':>7} {'layout ratio':>13}")
    worst = 0.0
    for timing in results:
        label, median, sql_ms, count = timing.label, timing.median_ms, timing.sql_ms, timing.statements
        ratio = median / (partner_base if label.startswith("partner") else base)
        worst = max(worst, ratio)
        flag = "" if ratio <= BUDGET else "  over budget"
        print(
            f"{label[:40]:<40} {median:>10.1f} {sql_ms:>7.1f} {count:>4} {ratio:>7.2f} {median / layout:>13.2f}{flag}"
        )
    sys.exit(0 if worst <= BUDGET else 1)


if __name__ == "__main__":
    main()
