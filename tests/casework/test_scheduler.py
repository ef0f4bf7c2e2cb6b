from datetime import timedelta

from sqlalchemy import func, select

from casework.accounts.models import SignInAttempt, UserSession
from casework.db import utcnow
from casework.scheduler import JOBS, configure, prune_sign_in_records
from casework.transactions import unit_of_work
from tests.factories import make_organization, make_user


def test_prune_removes_only_old_records(app, db_session):
    user = make_user(db_session, make_organization(db_session))
    old = utcnow() - timedelta(days=31)
    db_session.add_all(
        [
            SignInAttempt(email="a@example.org", address="127.0.0.1", at=old),
            SignInAttempt(email="a@example.org", address="127.0.0.1", at=utcnow()),
            UserSession(user_id=user.id, token_hash="a" * 64, address="127.0.0.1", expires_at=old),
            UserSession(
                user_id=user.id, token_hash="b" * 64, address="127.0.0.1", expires_at=utcnow() + timedelta(hours=1)
            ),
        ]
    )
    db_session.commit()
    with app.app_context():  # as the scheduler runs a job: one unit of work
        assert unit_of_work(prune_sign_in_records)() == 2
    assert db_session.scalar(select(func.count()).select_from(SignInAttempt)) == 1
    assert db_session.scalar(select(func.count()).select_from(UserSession)) == 1


def test_scheduler_registers_every_job_without_starting(app):
    from apscheduler.schedulers.background import BackgroundScheduler

    scheduler = configure(BackgroundScheduler(timezone="UTC"), app)
    assert {job.id for job in scheduler.get_jobs()} == {job_id for job_id, _, _ in JOBS} | {
        "reminders-dispatch",
        "scheduling-daily",
        "caseload-import",
        "caseload-import-prune",
        "document-expiry",
        "document-orphans",
        "report-facts",
    }
    assert not scheduler.running
