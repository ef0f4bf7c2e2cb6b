"""Two dispatchers at once on one database (PostgreSQL in CI): every reminder goes out exactly once."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update

from casework import create_app
from casework.accounts.models import Role
from casework.db import Database
from scheduling import dispatch
from scheduling.models import Reminder, ReminderStatus
from tests.conftest import fresh_database_url
from tests.factories import make_court, make_organization, make_user
from tests.fake_servers import SmsGateway, SmtpServer
from tests.scheduling.conftest import household, make_appointment, program_today

HOUSEHOLDS = 40


def test_two_dispatchers_send_each_reminder_exactly_once(tmp_path):
    app = create_app(
        {
            "DATABASE_URL": fresh_database_url(tmp_path, "concurrent_dispatch"),
            "SECRET_KEY": "c" * 32,
            "INSTANCE_PATH": str(tmp_path),
        }
    )
    smtp, gateway = SmtpServer().start(), SmsGateway().start()
    config = {
        **app.config,
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp.port,
        "SMS_BACKEND": "twilio",
        "SMS_BASE_URL": gateway.url,
        "SMS_ACCOUNT_SID": "AC1",
        "SMS_AUTH_TOKEN": "t",
        "SMS_FROM": "+13125550199",
    }
    state = Database.state(app)
    try:
        with app.app_context():
            session = state.sessionmaker()
            program = make_organization(session, name="Concurrent program", timezone="America/Chicago")
            manager = make_user(session, program, Role.CASE_MANAGER)
            court = make_court(session, slug="chicago")
            hearing_day = program_today() + timedelta(days=30)
            for n in range(HOUSEHOLDS):
                _family, case = household(
                    session, manager, phone=f"(312) 555-{1000 + n:04d}", email=f"family{n}@example.org"
                )
                make_appointment(session, manager, case, court, day=hearing_day)
            # Everything due at noon, Chicago time, ten days before the hearings.
            noon = datetime.combine(hearing_day - timedelta(days=10), time(12), ZoneInfo("America/Chicago"))
            session.execute(update(Reminder).values(due_at=noon))
            session.commit()
            total = session.scalar(select(func.count(Reminder.id)))
            session.close()
        assert total == HOUSEHOLDS * 8

        results, errors = [], []
        start = threading.Barrier(2)

        def run() -> None:
            try:
                with app.app_context(), state.sweep_session() as worker:  # as the scheduled sweep does
                    start.wait(timeout=30)  # both ready before either claims
                    results.append(dispatch.dispatch_once(worker, config, now=noon + timedelta(minutes=1), limit=10))
            except Exception as error:  # noqa: BLE001 - a thread's error, whatever it is, fails the test below
                errors.append(error)

        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not errors, errors
        assert sum(r.sent for r in results) == total
        assert len(results) == 2
        if state.engine.dialect.name == "postgresql":
            # SKIP LOCKED lets both work at once. SQLite has one writer at a time and may let the
            # first dispatcher finish everything: there only exactly-once is promised.
            assert all(r.sent > 0 for r in results), "both dispatchers took a share"
        sent_ids = Counter(i for r in results for i in r.ids)
        assert len(sent_ids) == total and max(sent_ids.values()) == 1
        assert len(gateway.sent) + smtp.count == total
        with app.app_context():
            session = state.sessionmaker()
            assert session.scalar(select(func.count(Reminder.id)).where(Reminder.status != ReminderStatus.SENT)) == 0
            session.close()
    finally:
        smtp.stop()
        gateway.stop()
        state.engine.dispose()
