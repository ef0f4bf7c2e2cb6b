"""The deployment, as deploy/ runs it, on PostgreSQL: gunicorn with two workers
(deploy/gunicorn.conf.py) and two `casework scheduler` processes. A case manager signs in over
HTTP and adds a hearing whose reminder is due at once; each of its messages reaches the fake
gateway and SMTP server exactly once, whichever scheduler swept first."""

from __future__ import annotations

import http.cookiejar
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import time as clock
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from casework import create_app
from casework.accounts.models import Role
from casework.cases.models import Case
from casework.db import Database
from casework.families.models import ConsentKind, PhoneKind
from casework.timeutil import today_in
from scheduling.models import Reminder, ReminderPolicy, ReminderStatus
from tests.conftest import fresh_postgres_url
from tests.factories import PASSWORD, make_court, make_family, make_organization, make_user, member_data
from tests.fake_servers import SmsGateway, SmtpServer, free_port
from tests.http import csrf_token_of

ROOT = Path(__file__).resolve().parents[1]
SECRET = "deployment-test-secret-key"
ZONE = "America/Chicago"


class Browser:
    """Cookies kept, redirects followed, a form posted with the token its page carries."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> tuple[int, str]:
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.status, response.read().decode()

    def post(self, path: str, fields: dict, page: str | None = None) -> tuple[int, str]:
        _status, html = self.get(page or path)
        data = urllib.parse.urlencode({**fields, "csrf_token": csrf_token_of(html)}, doseq=True).encode()
        with self.opener.open(self.base + path, data=data, timeout=30) as response:
            return response.status, response.read().decode()


def _wait_until(check, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def test_two_gunicorn_workers_and_two_schedulers_send_each_reminder_once(tmp_path):
    url = fresh_postgres_url("deployment")
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET, "INSTANCE_PATH": str(tmp_path)})
    state = Database.state(app)
    with app.app_context():
        session = state.sessionmaker()
        program = make_organization(session, name="Deployed program", timezone=ZONE)
        manager = make_user(session, program, Role.CASE_MANAGER, email="deployed.manager@example.org")
        court = make_court(session)
        family = make_family(
            session,
            manager,
            member_data(phones=[("(312) 555-0177", PhoneKind.MOBILE)], email="familia.deploy@example.org"),
            consents=(ConsentKind.SMS_REMINDERS, ConsentKind.EMAIL_REMINDERS),
            today=today_in(ZONE),
        )
        # No quiet hours, one step a week ahead: a hearing two days away is reminded at once.
        session.add(ReminderPolicy(program_id=program.id, steps="7@10:00", quiet_start=clock(0), quiet_end=clock(0)))
        case = session.scalars(select(Case).where(Case.family_id == family.id)).one()
        case_id, court_id, member_ids = case.id, court.id, [m.id for m in family.members]
        session.commit()
        session.close()
    state.engine.dispose()

    smtp, gateway = SmtpServer().start(), SmsGateway().start()
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": SECRET,
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp.port),
        "SMS_BASE_URL": gateway.url,
        "SMS_ACCOUNT_SID": "AC1",
        "SMS_AUTH_TOKEN": "t",
        "SMS_FROM": "+13125550199",
        "REMINDER_SWEEP_SECONDS": "1",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
        "METRICS_TOKEN": "deployment-metrics",
    }
    web = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "casework:create_app()"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    schedulers = [
        subprocess.Popen(
            [sys.executable, "-c", "from casework.cli import main; main()", "scheduler"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(2)
    ]
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until(lambda: _answers(base + "/healthz"), 60, "gunicorn to answer /healthz")
        browser = Browser(base)
        status, page = browser.post("/sign-in", {"email": "deployed.manager@example.org", "password": PASSWORD})
        assert status == 200 and "My caseload" in page
        day = today_in(ZONE) + timedelta(days=2)
        status, page = browser.post(
            f"/cases/{case_id}/appointments/new",
            {
                "kind": "master_hearing",
                "member_ids": member_ids,
                "local_date": day.isoformat(),
                "local_time": "10:00",
                "fold": "",
                "court_id": str(court_id),
                "office_id": "0",
                "location_note": "",
                "timezone": ZONE,
                "mode": "in_person",
                "video_link": "",
                "interpreter_language": "",
                "notes": "",
            },
        )
        assert status == 200 and "Chicago Immigration Court" in page

        def rows() -> list[Reminder]:
            with app.app_context():
                session = Database.state(app).sessionmaker()
                found = list(session.scalars(select(Reminder)))
                session.close()
                return found

        _wait_until(lambda: len(rows()) == 2, 30, "the hearing's two reminders to be planned")
        _wait_until(
            lambda: all(r.status is ReminderStatus.SENT for r in rows()), 60, "both schedulers to send the reminders"
        )
        time.sleep(3)  # several more sweeps of both schedulers: nothing goes out again
        assert len(gateway.sent) == 1 and gateway.sent[0]["To"] == "+13125550177"
        assert smtp.count == 1 and str(smtp.messages[0]["To"]) == "familia.deploy@example.org"
        request = urllib.request.Request(base + "/metrics", headers={"Authorization": "Bearer deployment-metrics"})
        with urllib.request.urlopen(request, timeout=10) as response:
            metrics = response.read().decode()
        assert 'casework_scheduler_last_success_timestamp_seconds{job="reminders-dispatch"}' in metrics
        assert 'casework_messages_last_day{channel="sms",status="sent"} 1.0' in metrics
    finally:
        for process in [web, *schedulers]:
            process.send_signal(signal.SIGTERM)
        for process in [web, *schedulers]:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        smtp.stop()
        gateway.stop()
        Database.state(app).engine.dispose()
