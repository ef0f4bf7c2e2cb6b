"""The background import: any process running the scheduler claims a waiting import and works
it in batches, as the outbox's dispatchers do."""

from __future__ import annotations

import logging
from datetime import timedelta

from casework.accounts.models import Organization
from casework.db import db, utcnow
from casework.timeutil import today_in
from imports import services

log = logging.getLogger(__name__)

# A sweep stops taking batches after this long, so that the scheduler's next sweep (and the other
# processes) get their turn; a job left half-done is resumed by whoever claims it next.
SWEEP = timedelta(seconds=45)


def run_imports() -> int:
    """Import the households of claimed jobs; returns how many were done. Unlike other jobs this
    one commits after each batch (the claim, then each batch with the job's position), as the
    outbox pattern needs: a crash loses no finished batch and repeats at most one."""
    session = db.session
    started = utcnow()
    done = 0
    while utcnow() - started < SWEEP:
        job = services.claim(session, utcnow())
        session.commit()
        if job is None:
            break
        job_id = job.id
        program = session.get(Organization, job.program_id)
        today = today_in(program.timezone if program else "UTC", utcnow())
        try:
            with services.import_run(session, job, today) as next_batch:
                while True:
                    result = next_batch(utcnow())
                    session.commit()
                    done += result.households
                    if result.finished or utcnow() - started >= SWEEP:
                        break
        except Exception as error:
            # The batch is rolled back; the lease runs out and a later sweep resumes at the last
            # committed position (or, after services.MAX_ATTEMPTS, the job stops).
            session.rollback()
            log.exception("caseload import %s failed; it resumes after its lease", job_id)
            services.note_failure(session, job_id, error, utcnow())
            session.commit()
            break
    return done


def prune_imports() -> int:
    """Daily: failed rows and abandoned files the import no longer needs (services.prune)."""
    return services.prune(db.session, utcnow())
