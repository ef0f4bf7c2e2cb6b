"""Time the reintegration pages of an in-country organization with many returnees and a large
directory, beside another organization of the same size; print median ms, SQL ms and statements.

    python benchmarks/reintegration.py                       # SQLite in a temporary folder
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/casework_bench python benchmarks/reintegration.py

The database named by DATABASE_URL is emptied and migrated first. Not a test: it prints figures
(the statement counts are held constant by tests/reintegration/test_query_counts.py). Each page's
ratio is to the minimal page of benchmarks/pages.py, requested as the same worker (issue 17's budget:
3x), and, beside it, to that page rendered in the layout.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import render_template_string
from flask_login import current_user
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import SQLAlchemyError

from benchmarks.pages import BUDGET, StatementCounter, time_pages
from benchmarks.reminders import fresh
from casework import create_app
from casework.access import requires
from casework.accounts.models import OrganizationKind, Role, User
from casework.db import Database, db
from casework.timeutil import today_in
from casework.transactions import unit_of_work
from reintegration import directory, outcomes, plans, services
from reintegration.divisions import municipalities
from reintegration.models import ProviderKind, ReturnMethod, Service, WorkStatus
from tests.factories import PASSWORD, make_organization, make_user
from tests.http import csrf_token_of

RECEIVING = "Centro de recepción"
GIVEN = ["Juan Carlos", "María Elena", "Wilmer Josué", "Reina Isabel", "Ana Lucía", "José Luis"]
SURNAMES = ["Tzoc", "Xiloj", "Cux", "Menchú", "Ixcoy", "Pérez", "García", "Tum"]
OFFERED = [
    [Service.SHELTER, Service.PSYCHOSOCIAL],
    [Service.IDENTITY_DOCUMENTS, Service.EDUCATION],
    [Service.EMPLOYMENT],
    [Service.HEALTH, Service.PSYCHOSOCIAL],
    [Service.LEGAL, Service.PROTECTION],
    [Service.CASH, Service.SHELTER],
]


class SlowestStatement(StatementCounter):
    """Also keeps the slowest statement of the request, to say where a page's SQL time goes."""

    def reset(self) -> None:
        super().reset()
        self.slowest = (0.0, "")

    def _before(self, conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def,override]
        super()._before()
        self._statement = statement

    def _after(self, *args) -> None:  # type: ignore[no-untyped-def]
        took = time.perf_counter() - self._started
        super()._after()
        if took > self.slowest[0]:
            self.slowest = (took, " ".join(self._statement.split())[:90])


def build(url: str):
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "benchmark", "SCHEDULER_ENABLED": False})

    @app.route("/_bench/minimal")
    @unit_of_work  # as every view is made (casework.transactions.commit_views_once): it commits
    @requires("own_account")
    def minimal():
        user = db.session.scalars(select(User).where(User.id == current_user.id)).one()
        return render_template_string("<p>{{ user.email }}</p>", user=user)

    @app.route("/_bench/layout")
    @unit_of_work  # as every view is made (casework.transactions.commit_views_once): it commits
    @requires("in_country_staff")
    def minimal_in_layout():
        user = db.session.scalars(select(User).where(User.id == current_user.id)).one()
        return render_template_string(
            '{% extends "base.html" %}{% block content %}<p>{{ user.email }}</p>{% endblock %}', user=user
        )

    return app


def seed_organization(session, name: str, returnees: int, providers: int) -> tuple[User, int]:
    org = make_organization(session, OrganizationKind.REINTEGRATION, name=name, timezone="America/Guatemala")
    worker = make_user(session, org, Role.CASE_MANAGER)
    worker.locale = "es"
    today = today_in(org.timezone)
    places = municipalities("GT")
    for n in range(providers):
        place = places[n % len(places)]
        directory.save_provider(
            session,
            worker,
            None,
            directory.ProviderData(
                name=f"Proveedor Demo {n}",
                kind=list(ProviderKind)[n % len(ProviderKind)],
                country="GT",
                division=place.division,
                municipality=place.name if n % 3 else None,
                services=OFFERED[n % len(OFFERED)],
                languages=["spa", "quc"] if n % 2 else ["spa"],
                phone=f"+502 5{n % 10}55 {n % 10000:04d}",
            ),
        )
    last = 0
    for n in range(returnees):
        place = places[(n * 7) % len(places)]
        returnee = services.receive(
            session,
            worker,
            {
                "given_names": GIVEN[n % len(GIVEN)],
                "first_surname": SURNAMES[n % len(SURNAMES)],
                "preferred_language": "spa",
                "reminders_consent": n % 2 == 0,
            },
            services.ReturnData(
                country="GT",
                returned_on=today - timedelta(days=n % 200),
                method=ReturnMethod.FLIGHT,
                division=place.division,
                municipality=place.name,
                phone=f"+502 4{n % 10}{n // 10 % 10}0 {n % 10000:04d}",
            ),
            today,
        )
        assessment = services.save_assessment(
            session,
            worker,
            returnee,
            {
                "has_shelter": "no" if n % 3 == 0 else "yes",
                "has_national_id": "no",
                "cash_needs": "yes",
                "work_skills": "Albañil" if n % 2 else "",
            },
        )
        plans.build_plan(session, worker, returnee, assessment)
        outcomes.record_outcome(
            session,
            worker,
            returnee,
            outcomes.OutcomeData(recorded_on=returnee.returned_on, work=WorkStatus.LOOKING),
            today,
        )
        last = returnee.id
    session.commit()
    return worker, last


def seed(url: str, returnees: int, providers: int):  # type: ignore[no-untyped-def]
    fresh(url)
    app = build(url)
    started = time.perf_counter()
    with app.app_context():
        session = Database.state(app).sessionmaker()
        seed_organization(session, "Otro centro de recepción", returnees, providers)
        worker, returnee_id = seed_organization(session, RECEIVING, returnees, providers)
        email = worker.email
        session.close()
    if url.startswith("postgresql"):
        # Planner statistics and the visibility map, as autovacuum keeps them on a settled database.
        with Database.state(app).engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    print(
        f"seeded 2 organizations × {returnees} returnees and {providers} providers "
        f"in {time.perf_counter() - started:.0f} s ({url.split(':')[0]})"
    )
    return email, returnee_id, app


def seeded_worker(url: str) -> tuple[str, int] | None:
    """The timed organization's worker and newest returnee, if an earlier run seeded this database."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            row = connection.execute(
                text(
                    "SELECT min(u.email), max(r.id) FROM organizations o JOIN users u ON u.organization_id = o.id "
                    "JOIN returnee_cases r ON r.organization_id = o.id WHERE o.name = :name"
                ),
                {"name": RECEIVING},
            ).one()
    except SQLAlchemyError:
        return None
    finally:
        engine.dispose()
    return (row[0], row[1]) if row[0] is not None else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--returnees", type=int, default=2000)
    parser.add_argument("--providers", type=int, default=600)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--slowest", action="store_true", help="name each page's slowest statement")
    parser.add_argument("--reuse", action="store_true", help="time the database a previous run seeded, as it is")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    seeded = args.reuse and seeded_worker(url)
    if seeded:
        app = build(url)
        email, returnee_id = seeded
        print(f"timing the organizations seeded by an earlier run ({url.split(':')[0]})")
    else:
        email, returnee_id, app = seed(url, args.returnees, args.providers)
    counter = SlowestStatement(Database.state(app).engine)
    counter.reset()
    client = app.test_client()
    token = csrf_token_of(client.get("/sign-in").get_data(as_text=True))
    client.post("/sign-in", data={"email": email, "password": PASSWORD, "csrf_token": token})
    pages = [
        ("minimal page", "/_bench/minimal"),
        ("minimal page in the layout", "/_bench/layout"),
        ("returnees (due follow-ups, figures, list)", "/reintegration"),
        ("directory", "/reintegration/providers"),
        ("directory, shelter in Huehuetenango", "/reintegration/providers?country=GT&division=GT-13&service=shelter"),
        ("returnee page", f"/reintegration/cases/{returnee_id}"),
        ("referral form, shelter suggestions", f"/reintegration/cases/{returnee_id}/referrals/new?service=shelter"),
    ]
    results = time_pages(client, counter, pages, args.repeat)
    base, layout = results[0].median_ms, results[1].median_ms
    print(f"{args.repeat} rounds of requests (every page once a round). Budget {BUDGET:.0f}x the minimal page.")
    print(f"{'page':45} {'median ms':>10} {'SQL ms':>8} {'statements':>11} {'ratio':>6} {'layout ratio':>13}")
    worst = 0.0
    for timing in results:
        ratio = timing.median_ms / base
        worst = max(worst, ratio)
        print(
            f"{timing.label:45} {timing.median_ms:10.1f} {timing.sql_ms:8.1f} {timing.statements:11d} "
            f"{ratio:6.2f} {timing.median_ms / layout:13.2f}{'' if ratio <= BUDGET else '  over budget'}"
        )
        if args.slowest:
            took, statement = timing.slowest
            print(f"    slowest statement {took * 1000:.1f} ms: {statement}")
    sys.exit(0 if worst <= BUDGET else 1)


if __name__ == "__main__":
    main()
