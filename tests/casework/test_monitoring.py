"""/healthz, /metrics, the scheduler's record of its runs and JSON log lines: what whoever runs
Casework watches, with no sign-in and no personal data."""

from __future__ import annotations

import json
import logging
import re
import threading

import pytest
from sqlalchemy import delete
from sqlalchemy.exc import OperationalError

from casework.db import Database
from casework.logs import JsonLines, RequestContextFilter
from casework.monitoring import services
from casework.monitoring.models import SchedulerRun
from casework.scheduler import _in_app_context
from tests.factories import PASSWORD, make_family, make_organization, make_user

TOKEN = "a-long-random-metrics-token"


@pytest.fixture()
def metrics_token(app):
    app.config["METRICS_TOKEN"] = TOKEN
    yield TOKEN
    app.config["METRICS_TOKEN"] = None


def test_healthz_answers_without_sign_in_and_says_nothing_else(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_says_503_when_the_database_does_not_answer(client, monkeypatch):
    monkeypatch.setattr(services, "database_answers", lambda session: False)
    response = client.get("/healthz")
    assert response.status_code == 503 and response.get_json() == {"status": "database unavailable"}


def test_database_answers_is_false_when_the_statement_fails(db_session, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))

    monkeypatch.setattr(db_session, "execute", broken)
    assert services.database_answers(db_session) is False


def test_metrics_is_not_there_without_its_token(client, db_session, metrics_token):
    user = make_user(db_session, make_organization(db_session))
    db_session.commit()
    client.sign_in(user.email, PASSWORD)  # even signed in: the token is the key
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404


def test_metrics_is_not_there_when_no_token_is_configured(client):
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404


def test_metrics_in_prometheus_format_without_personal_data(app, client, db_session, metrics_token):
    program = make_organization(db_session)
    user = make_user(db_session, program)
    make_family(db_session, user)  # José Luis García López, (312) 555-0143
    db_session.commit()
    client.get("/healthz")
    failing = _in_app_context(app, "test-failing-job", lambda: 1 / 0)
    failing()
    _in_app_context(app, "test-good-job", lambda: None)()
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and response.content_type.startswith("text/plain")
    assert re.search(r'^casework_http_requests_total\{status="200"\} \d+', body, re.M)
    assert re.search(r'^casework_outbox_due\{outbox="reminders"\} \d+', body, re.M)
    assert re.search(r'^casework_outbox_oldest_due_age_seconds\{outbox="notifications"\} ', body, re.M)
    assert re.search(r'^casework_scheduler_failures_in_a_row\{job="test-failing-job"\} 1\.0', body, re.M)
    assert re.search(r'^casework_scheduler_last_success_timestamp_seconds\{job="test-good-job"\} ', body, re.M)
    assert "test-failing-job" not in re.findall(r'last_success_timestamp_seconds\{job="([^"]+)"', body)
    for secret in ("García", "Garcia", "555-0143", "5550143"):
        assert secret not in body


def test_the_scheduler_records_each_run_and_a_failure_by_its_kind_only(app, db_session):
    def fails():
        raise ValueError("José Luis García is not here")  # a message with data must not be kept

    _in_app_context(app, "test-recorded", fails)()
    db_session.expire_all()
    run = db_session.get(SchedulerRun, "test-recorded")
    assert run.failures == 1 and run.last_error == "ValueError" and run.succeeded_at is None
    assert run.started_at is not None and run.finished_at is not None
    _in_app_context(app, "test-recorded", lambda: None)()
    db_session.expire_all()
    run = db_session.get(SchedulerRun, "test-recorded")
    assert run.failures == 0 and run.last_error is None and run.succeeded_at == run.finished_at


def test_json_log_lines_carry_the_request_and_the_user_not_the_form(app):
    record = logging.LogRecord("casework.test", logging.WARNING, __file__, 1, "reminder %s failed", (42,), None)
    with app.test_request_context("/families", method="POST", data={"given_names": "Rigoberta"}):
        from flask import g

        g.request_id = "abc123"
        RequestContextFilter().filter(record)
        line = JsonLines().format(record)
    entry = json.loads(line)
    assert entry["message"] == "reminder 42 failed" and entry["request_id"] == "abc123"
    assert entry["level"] == "WARNING" and entry["logger"] == "casework.test" and entry["time"].endswith("+00:00")
    assert "Rigoberta" not in line and "\n" not in line


def test_a_run_is_recorded_while_another_process_is_writing(app):
    """The record of a run waits for another writer (on SQLite, the lock of the whole database)
    instead of failing: a transaction that read before the other's commit could not write after it.
    Committed for real, as two processes would, then removed."""
    state = Database.state(app)
    holder = state.sessionmaker()
    holder.connection(execution_options={"sqlite_begin_immediate": True})
    holder.add(SchedulerRun(job_id="test-holder", failures=0))
    holder.flush()  # the other process's write, not committed yet
    releasing = threading.Timer(0.5, holder.commit)
    releasing.start()
    try:
        _in_app_context(app, "test-while-writing", lambda: None)()
    finally:
        releasing.join()
        holder.close()
    with state.sessionmaker() as session:
        run = session.get(SchedulerRun, "test-while-writing")
        recorded = run is not None and run.succeeded_at is not None
        session.execute(delete(SchedulerRun).where(SchedulerRun.job_id.in_(("test-holder", "test-while-writing"))))
        session.commit()
    assert recorded
