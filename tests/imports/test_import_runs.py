"""The background import's guarantees: each household whole or not at all, a crash resumed
where it stopped without creating anyone twice, and the command line's import."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from casework.db import utcnow
from casework.families.models import Family, Member
from casework.timeutil import today_in
from imports import jobs, services
from imports.models import ImportedHousehold, ImportJob, ImportStatus
from tests.factories import PASSWORD
from tests.imports.conftest import messy_csv

ROWS = ["Familia,Parentesco,Nombre,Apellido,Fecha de nacimiento,Teléfono"]
for n in range(1, 11):
    ROWS.append(f"H{n},Jefe,Persona{n},Prueba,1980-01-{n:02d},(312) 555-01{n:02d}")
    if n == 3:
        ROWS.append("H3,Hijo,Menor3,Prueba,2015-05-05,")


def _checked_job(db_session, admin, content: bytes) -> ImportJob:
    job = services.upload(db_session, admin, io.BytesIO(content), "list.csv", 10_000_000)
    services.set_mapping(db_session, admin, job, job.mapped(), None, today_in("America/Chicago"))
    services.start(db_session, admin, job, {})
    db_session.commit()
    return job


def _count(db_session, model) -> int:
    return db_session.scalar(select(func.count()).select_from(model))


def test_a_crash_mid_import_resumes_where_it_stopped_and_creates_no_one_twice(
    app, db_session, admin, manager, court, ice_office, monkeypatch
):
    job = _checked_job(db_session, admin, "\n".join(ROWS).encode())
    assert job.households_total == 10
    monkeypatch.setattr(services, "BATCH", 3)
    real = services._write
    calls = {"n": 0}

    def crash_in_the_second_batch(*args, **kwargs):
        calls["n"] += 1
        written = real(*args, **kwargs)
        if calls["n"] == 2:
            raise RuntimeError("the worker dies")  # after writing: what it wrote must not stay
        return written

    monkeypatch.setattr(services, "_write", crash_in_the_second_batch)
    with (
        app.app_context(),
        pytest.raises(RuntimeError),
        services.import_run(
            db_session, services.claim(db_session, utcnow()), today_in("America/Chicago")
        ) as next_batch,
    ):
        db_session.commit()
        while not next_batch(utcnow()).finished:
            db_session.commit()
    db_session.rollback()
    db_session.expire_all()
    job = db_session.get(ImportJob, job.id)
    # The first batch of three was committed with its position; the second was rolled back whole.
    assert job.position == 3 and job.status is ImportStatus.IMPORTING
    assert _count(db_session, Family) == 3
    monkeypatch.setattr(services, "_write", real)
    # A dispatcher started before the lease ends takes nothing; after it, the rest.
    with app.app_context():
        assert jobs.run_imports() == 0
    later = utcnow() + services.LEASE + timedelta(seconds=1)
    monkeypatch.setattr(jobs, "utcnow", lambda: later)
    with app.app_context():
        assert jobs.run_imports() == 7
    db_session.expire_all()
    job = db_session.get(ImportJob, job.id)
    assert job.status is ImportStatus.DONE and job.created_count == 10
    assert _count(db_session, Family) == 10 and _count(db_session, Member) == 11
    assert _count(db_session, ImportedHousehold) == 10


def test_a_household_that_fails_while_written_leaves_nothing(
    app, db_session, admin, manager, court, ice_office, monkeypatch
):
    job = _checked_job(db_session, admin, "\n".join(ROWS).encode())
    from casework.errors import ValidationError
    from casework.families import services as family_services

    real = family_services.check_member

    def refuse_the_child(data, today):
        if data.given_names == "Menor3":
            raise ValidationError("The household already has too many members.", "given_names")
        return real(data, today)

    monkeypatch.setattr(family_services, "check_member", refuse_the_child)
    with app.app_context():
        assert jobs.run_imports() == 10
    db_session.expire_all()
    job = db_session.get(ImportJob, job.id)
    assert (job.created_count, job.failed_count) == (9, 1)
    # Household H3's child was refused as it was written: H3 is not here at all, the others are.
    assert db_session.scalar(select(func.count()).select_from(Member).where(Member.given_names == "Persona3")) == 0
    assert _count(db_session, Family) == 9
    rows = "".join(services.failed_rows_csv(db_session, job)).splitlines()
    assert len(rows) == 3 and "Persona3" in rows[1] and "too many members" in rows[2]


def test_the_command_line_import_and_its_exit_status(app, db_session, admin, manager, court, ice_office, tmp_path):
    db_session.commit()
    path = tmp_path / "caseload.csv"
    path.write_bytes(messy_csv())
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["import", "caseload", str(path), "--program", "Chicago Families Program", "--dry-run"])
    assert dry.exit_code == 1, dry.output  # a row would fail
    assert "5 rows, 4 households: 3 to import, 1 with problems" in dry.output
    assert "row 5, Date of birth" in dry.output
    assert _count(db_session, Family) == 0
    real = runner.invoke(args=["import", "caseload", str(path), "--program", "Chicago Families Program"])
    assert real.exit_code == 1, real.output
    assert "Created 3, merged 0, skipped 0, failed 1 households" in real.output
    again = runner.invoke(args=["import", "caseload", str(path), "--program", "Chicago Families Program"])
    assert "Created 0, merged 0, skipped 3, failed 1 households" in again.output
    db_session.expire_all()
    assert _count(db_session, Family) == 3
    unknown = runner.invoke(args=["import", "caseload", str(path), "--program", "Nowhere"])
    assert unknown.exit_code == 2 and "no program is called" in unknown.output


def test_an_import_that_fails_again_and_again_stops_and_says_so(
    app, client, db_session, admin, manager, court, ice_office, monkeypatch
):
    job = _checked_job(db_session, admin, "\n".join(ROWS).encode())

    def always_fails(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(services, "_write", always_fails)
    clock = {"now": utcnow()}
    monkeypatch.setattr(jobs, "utcnow", lambda: clock["now"])
    for attempt in range(1, services.MAX_ATTEMPTS + 1):
        with app.app_context():
            assert jobs.run_imports() == 0
        db_session.expire_all()
        job = db_session.get(ImportJob, job.id)
        assert job.attempts == attempt and job.error == "RuntimeError"
        clock["now"] += services.LEASE + timedelta(seconds=1)
    assert job.status is ImportStatus.STOPPED and job.file is None and job.position == 0
    with app.app_context():
        assert jobs.run_imports() == 0  # nothing claims a stopped import
    client.sign_in(admin.email, PASSWORD)
    page = client.get(f"/imports/{job.id}").get_data(as_text=True)
    assert "Import stopped by an error" in page and "upload the same file again" in page


def test_failed_rows_and_abandoned_files_are_deleted_after_thirty_days(
    app, db_session, admin, manager, court, ice_office
):
    from imports.models import ImportFailure, ImportFile

    done = _checked_job(db_session, admin, messy_csv())
    with app.app_context():
        jobs.run_imports()
    waiting = services.upload(db_session, admin, io.BytesIO(messy_csv()), "later.csv", 1_000_000)
    db_session.commit()
    assert db_session.scalar(select(func.count()).select_from(ImportFailure)) == 1
    assert services.prune(db_session, utcnow()) == 0  # nothing is old yet
    later = utcnow() + services.KEPT + timedelta(days=1)
    assert services.prune(db_session, later) == 2
    db_session.commit()
    db_session.expire_all()
    assert db_session.scalar(select(func.count()).select_from(ImportFailure)) == 0
    assert db_session.get(ImportFile, waiting.id) is None
    assert db_session.get(ImportJob, waiting.id).status is ImportStatus.CANCELLED
    assert db_session.get(ImportJob, done.id).status is ImportStatus.DONE
