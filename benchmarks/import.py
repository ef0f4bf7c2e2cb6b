"""Time the caseload import and measure its memory; print rows per second and peak RSS.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/casework_bench casework db upgrade
    DATABASE_URL=... python benchmarks/import.py [--rows 10000] [--big-rows 100000]

Not a test: it prints figures. Each run makes a program of its own ("Import Benchmark <time>")
with an admin, a case manager, a court and an ICE office, writes a fictional spreadsheet (Spanish
headers, households of 1 to 6 people over consecutive rows, A-numbers, phones, languages,
consents, addresses, release records, upcoming hearings and check-ins) and imports it as the web
pages do: upload and check (the preview), then the background import in batches, each batch
committed. Budget (issue 15): 10,000 rows (about 3,000 households) at 500 rows per second or more
on PostgreSQL; memory bounded while streaming a 100,000-row file: the peak RSS of checking it,
in a process of its own, next to that of a 10,000-row file.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

HEADERS = [
    "Familia", "Parentesco", "Nombres", "Primer apellido", "Segundo apellido", "Fecha de nacimiento", "Número A",
    "País de nacimiento", "Idioma", "Teléfono", "Correo", "Acepta mensajes", "Dirección", "Ciudad", "Estado",
    "Código postal", "Fecha de liberación", "Agencia", "Tipo de liberación", "Gestor de casos", "Fecha de audiencia",
    "Hora de audiencia", "Corte", "Fecha de presentación", "Hora de presentación",
]  # fmt: skip
GIVEN = ["María José", "Juan Carlos", "Rosa", "Pedro", "Ana Lucía", "Luis", "Carmen", "José", "Marta", "Wilmer"]
SURNAMES = ["Pérez", "Núñez", "Chávez", "Ixcoy", "García", "López", "Tzul", "Ramírez", "Hernández", "Cux"]
LANGUAGES = ["Español", "K'iche'", "Mam", "Q'anjob'al", "Spanish", "Criollo haitiano"]


def write_file(path: Path, rows: int, seed: int = 7) -> int:
    """A spreadsheet of about `rows` rows; returns the number of households."""
    rng = random.Random(seed)
    today = date.today()  # noqa: DTZ011 - fictional dates around the day the benchmark runs
    households = 0
    written = 0
    with path.open("w", encoding="cp1252", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADERS)
        while written < rows:
            households += 1
            surname, second = rng.choice(SURNAMES), rng.choice(SURNAMES)
            size = min(rng.choice((1, 2, 3, 3, 4, 4, 5, 6)), rows - written)
            hearing = today + timedelta(days=rng.randint(20, 400))
            check_in = today + timedelta(days=rng.randint(5, 90))
            has_hearing, has_check_in = rng.random() < 0.6, rng.random() < 0.5
            for n in range(size):
                head = n == 0
                born = (
                    date(1970, 1, 1) + timedelta(days=rng.randint(0, 19000))
                    if head
                    else date(2008, 1, 1) + timedelta(days=rng.randint(0, 5000))
                )
                a_number = f"A {rng.randint(100, 299)}-{rng.randint(100, 999)}-{rng.randint(100, 999)}"
                writer.writerow(
                    [
                        f"H-{households:06d}",
                        "Jefe" if head else rng.choice(("Hijo", "Hija", "Esposa")),
                        rng.choice(GIVEN),
                        surname,
                        second,
                        born.strftime("%d/%m/%Y"),
                        a_number,
                        rng.choice(("Guatemala", "Honduras", "El Salvador")),
                        rng.choice(LANGUAGES),
                        f"(312) 555-{rng.randint(0, 9999):04d}" if head else "",
                        "",
                        "Sí" if head and rng.random() < 0.8 else "",
                        "1450 W Cermak Rd" if head else "",
                        "Chicago" if head else "",
                        "IL" if head else "",
                        "60608" if head else "",
                        (today - timedelta(days=rng.randint(10, 600))).strftime("%d/%m/%Y") if head else "",
                        "ICE" if head else "",
                        "Parole" if head else "",
                        "",
                        *((hearing.strftime("%d/%m/%Y"), "9:00 AM", "Chicago") if has_hearing else ("", "", "")),
                        *((check_in.strftime("%d/%m/%Y"), "10:30") if head and has_check_in else ("", "")),
                    ]
                )
                written += 1
    return households


def _setup(session):
    from sqlalchemy import select

    from casework.accounts.models import Organization, OrganizationKind, Role, User
    from casework.accounts.passwords import hash_password
    from scheduling.api import Court
    from tests.factories import make_court, make_ice_office

    stamp = time.strftime("%Y%m%d-%H%M%S") + f"-{os.getpid()}"
    program = Organization(name=f"Import Benchmark {stamp}", kind=OrganizationKind.PROGRAM, timezone="America/Chicago")
    session.add(program)
    session.flush()
    admin = User(
        email=f"import-admin-{stamp}@example.org",
        full_name="Import Admin",
        role=Role.ADMIN,
        organization_id=program.id,
        password_hash=hash_password("benchmark-password"),
    )
    session.add(admin)
    if session.scalars(select(Court).where(Court.slug == "benchmark-chicago")).first() is None:
        make_court(session, slug="benchmark-chicago")
    make_ice_office(session, program)
    session.commit()
    return admin


def run(url: str, path: Path, do_import: bool) -> None:
    """In this process: upload and check `path`, then import it when asked; print the figures."""
    from benchmarks.pages import build_app
    from casework.db import db, utcnow
    from casework.timeutil import today_in
    from imports import services

    app = build_app(url)
    with app.app_context():
        session = db.session
        admin = _setup(session)
        rows = sum(1 for _ in path.open(encoding="cp1252")) - 1
        today = today_in("America/Chicago", utcnow())
        started = time.perf_counter()
        with path.open("rb") as source:
            job = services.upload(session, admin, source, path.name, 100_000_000)
        preview = services.set_mapping(session, admin, job, job.mapped(), None, today)
        services.start(
            session, admin, job, {d.household: (services.DuplicateDecision.SKIP, None) for d in preview.duplicates}
        )
        session.commit()
        checked = time.perf_counter() - started
        print(
            f"check: {rows:,} rows, {preview.households:,} households in {checked:.1f} s "
            f"({rows / checked:,.0f} rows/s); {preview.failing_households} with problems, "
            f"{len(preview.duplicates)} duplicates"
        )
        if do_import:
            started = time.perf_counter()
            services.take(session, job, utcnow())
            session.commit()
            with services.import_run(session, job, today) as next_batch:
                while not next_batch(utcnow()).finished:
                    session.commit()
                session.commit()
            spent = time.perf_counter() - started
            print(
                f"import: {job.created_count:,} households created, {job.appointments_count:,} dates, "
                f"{job.failed_count} failed, in {spent:.1f} s: {rows / spent:,.0f} rows/s "
                f"(check and import together: {rows / (spent + checked):,.0f} rows/s; budget 500)"
            )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:,.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--big-rows", type=int, default=100_000)
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: run one file in this process
    parser.add_argument("--check-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL")
    if not url:
        sys.exit("set DATABASE_URL (see the docstring)")
    if args.one:
        run(url, Path(args.one), do_import=not args.check_only)
        return
    folder = Path(tempfile.mkdtemp(prefix="casework-import-bench-"))
    for rows, check_only in ((args.rows, False), (args.rows, True), (args.big_rows, True)):
        path = folder / f"caseload-{rows}.csv"
        households = write_file(path, rows)
        size = path.stat().st_size / 1e6
        what = "check only" if check_only else "check and import"
        print(f"== {rows:,} rows, {households:,} households, {size:.1f} MB ({what}, a process of its own)", flush=True)
        command = [sys.executable, __file__, "--one", str(path)] + (["--check-only"] if check_only else [])
        subprocess.run(command, check=True)
        path.unlink()
    folder.rmdir()


if __name__ == "__main__":
    main()
