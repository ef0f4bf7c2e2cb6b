"""APScheduler wiring. The scheduler only triggers sweeps; every job's state lives in the database,
so a restart loses nothing and several processes may run the same sweeps."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

import click
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from casework.accounts.models import SignInAttempt, UserSession
from casework.db import Database, db, rows_matched, utcnow
from casework.monitoring.services import note_run
from casework.transactions import unit_of_work

log = logging.getLogger(__name__)

S = TypeVar("S", bound=BaseScheduler)

SIGN_IN_ATTEMPTS_KEPT = timedelta(days=30)


def prune_sign_in_records() -> int:
    """Old sign-in attempts and ended sessions no longer count for anything; keep a month for review."""
    cutoff = utcnow() - SIGN_IN_ATTEMPTS_KEPT
    attempts = db.session.execute(delete(SignInAttempt).where(SignInAttempt.at < cutoff))
    sessions = db.session.execute(delete(UserSession).where(UserSession.expires_at < cutoff))
    return rows_matched(attempts) + rows_matched(sessions)


# (job id, function run inside an app context, trigger arguments)
def _retention() -> object:
    from casework.retention.cli import run_retention

    return run_retention()


JOBS: list[tuple[str, Callable[[], object], dict]] = [
    ("prune-sign-in-records", prune_sign_in_records, {"trigger": "cron", "hour": 3, "minute": 17}),
    ("retention", _retention, {"trigger": "cron", "hour": 3, "minute": 41}),
]


def _in_app_context(app: Flask, job_id: str, job: Callable[[], object]) -> Callable[[], None]:
    """The job in an app context, one unit of work; its start and end recorded beside it (for
    /metrics), in a session of their own so that a failed job's run is recorded too."""

    def run() -> None:
        with app.app_context():
            runs = Database.state(app).sessionmaker()
            try:
                _note(runs, job_id)
                try:
                    unit_of_work(job)()
                except Exception as error:
                    log.exception("scheduled job %s failed", job_id)
                    _note(runs, job_id, error, ended=True)
                else:
                    _note(runs, job_id, ended=True)
            finally:
                runs.close()

    return run


def _note(runs: Session, job_id: str, error: Exception | None = None, ended: bool = False) -> None:
    """Commits the record of a run on its own, beside the job's unit of work, so that a failed
    job's run is recorded too."""
    for _attempt in range(2):  # two processes may record a job's first run at once
        try:
            # A writer's transaction: on SQLite it takes the lock before reading the run, so that it
            # waits for another process's write instead of failing once that one has committed.
            runs.connection(execution_options={"sqlite_begin_immediate": True})
            note_run(runs, job_id, utcnow(), error, ended)
            runs.commit()
            return
        except IntegrityError:
            runs.rollback()
        except Exception:  # noqa: BLE001 - recording a run must never stop it; the database may be away
            runs.rollback()
            break
    log.warning("the run of scheduled job %s could not be recorded", job_id)


def configure(scheduler: S, app: Flask) -> S:
    from casework.extensions import registry

    for job_id, job, trigger in JOBS + registry(app).jobs:
        scheduler.add_job(
            _in_app_context(app, job_id, job),
            id=job_id,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            **trigger,
        )
    return scheduler


def start_background(app: Flask) -> BackgroundScheduler:
    scheduler = configure(BackgroundScheduler(timezone="UTC"), app)
    scheduler.start()
    return scheduler


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run the scheduled jobs in this process alone (production: beside the web workers)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    from casework.extensions import registry

    click.echo(f"Scheduler running {len(JOBS) + len(registry(app).jobs)} job(s); Ctrl+C stops it.")
    configure(BlockingScheduler(timezone="UTC"), app).start()


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@with_appcontext
def serve_command(host: str, port: int) -> None:
    """Serve the app for local use with the background scheduler running."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    from werkzeug.serving import run_simple

    scheduler = start_background(app)
    try:
        run_simple(host, port, app, use_reloader=False, threaded=True)
    finally:
        scheduler.shutdown(wait=False)
