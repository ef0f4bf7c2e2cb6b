"""A real crash: `casework import caseload` killed with SIGKILL in the middle of its run; the
scheduler's sweep takes the import over after the lease and finishes it, creating no one twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

from sqlalchemy import func, select

from casework import create_app
from casework.accounts.models import Role
from casework.db import Database, utcnow
from casework.families.models import Family
from imports import jobs, services
from imports.models import ImportedHousehold, ImportJob, ImportStatus
from tests.conftest import fresh_database_url
from tests.factories import make_organization, make_user

HOUSEHOLDS = 240


def _spreadsheet(path) -> None:
    rows = ["Familia,Parentesco,Nombre,Apellido,Fecha de nacimiento,Teléfono,Acepta mensajes"]
    for n in range(1, HOUSEHOLDS + 1):
        rows.append(f"H{n},Jefe,Persona{n},Prueba{n % 17},1980-01-{n % 28 + 1:02d},(312) 555-{n:04d},sí")
        rows.append(f"H{n},Hija,Niña{n},Prueba{n % 17},2014-02-{n % 28 + 1:02d},,")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def test_an_import_killed_mid_run_is_finished_by_the_sweep_creating_no_one_twice(tmp_path, monkeypatch):
    url = fresh_database_url(tmp_path, "import_kill")
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "k" * 32, "INSTANCE_PATH": str(tmp_path)})
    state = Database.state(app)
    with app.app_context():
        session = state.sessionmaker()
        program = make_organization(session, name="Killed import program", timezone="America/Chicago")
        make_user(session, program, Role.ADMIN, email="kill.admin@example.org")
        session.commit()
        session.close()
    path = tmp_path / "caseload.csv"
    _spreadsheet(path)
    command = [
        sys.executable,
        "-c",
        "from casework.cli import main; main()",
        "import",
        "caseload",
        str(path),
        "--program",
        "Killed import program",
    ]
    env = {**os.environ, "DATABASE_URL": url, "SCHEDULER_ENABLED": "0"}
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    position = 0
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            with app.app_context():
                session = state.sessionmaker()
                position = session.scalar(select(func.max(ImportJob.position))) or 0
                session.close()
            if position >= 2 * services.BATCH:
                break
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL, process.stdout.read().decode() if process.stdout else ""
    with app.app_context():
        session = state.sessionmaker()
        job = session.scalars(select(ImportJob)).one()
        # Killed mid-run: the committed batches stand, with their position; nothing beyond them.
        assert job.status is ImportStatus.IMPORTING and 0 < job.position < HOUSEHOLDS
        assert session.scalar(select(func.count()).select_from(Family)) == job.created_count == job.position
        session.close()
        # The sweep leaves it while the dead process's lease runs, then takes it over.
        assert jobs.run_imports() == 0
        later = utcnow() + services.LEASE + timedelta(seconds=1)
        monkeypatch.setattr(jobs, "utcnow", lambda: later)
        assert jobs.run_imports() == HOUSEHOLDS - job.position
        session = state.sessionmaker()
        job = session.get(ImportJob, job.id)
        assert job.status is ImportStatus.DONE and job.created_count == HOUSEHOLDS and job.failed_count == 0
        assert session.scalar(select(func.count()).select_from(Family)) == HOUSEHOLDS
        prints = session.scalars(select(ImportedHousehold.fingerprint)).all()
        assert len(prints) == len(set(prints)) == HOUSEHOLDS
        session.close()
    state.engine.dispose()
