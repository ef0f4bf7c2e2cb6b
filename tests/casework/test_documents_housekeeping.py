"""What happens to documents over time: tasks before papers expire, retention deleting the bytes,
key rotation re-wrapping file keys, and the sweep of files that lost their row."""

from __future__ import annotations

import base64
import os
import secrets
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, text

from casework import create_app, crypto
from casework.accounts.models import Role
from casework.cases import services as case_services
from casework.cases.models import Case, CaseStatus, ClosedReason, Task
from casework.db import Database
from casework.documents import files
from casework.documents import services as document_services
from casework.documents.models import Document, DocumentType
from casework.documents.storage import LocalStorage
from casework.extensions import registry
from casework.retention import services as retention
from casework.timeutil import add_years
from tests.casework.documents_fixtures import s3_server, store, stored_keys  # noqa: F401
from tests.factories import MINIMAL_PDF, PASSWORD, make_document, make_family, make_organization, make_user, member_data

TODAY = date(2026, 12, 1)


@pytest.fixture()
def manager(db_session):
    program = make_organization(db_session, name="Chicago Families Program", timezone="America/Chicago")
    return make_user(db_session, program, Role.CASE_MANAGER, email="gestora@example.org")


@pytest.fixture()
def family(db_session, manager):
    made = make_family(db_session, manager, member_data(given="Rosa", first="Tzul", a_number=None))
    db_session.commit()
    return made


def _permit(app, db_session, family, manager, expires_on, today=TODAY, kind=DocumentType.WORK_PERMIT):
    document = make_document(
        app, db_session, family, manager, document_type=kind, expires_on=expires_on, name="ead.pdf", today=today
    )
    db_session.commit()
    return document


def _expiry_tasks(db_session, family):
    return list(
        db_session.scalars(
            select(Task)
            .join(Case, Task.case_id == Case.id)
            .where(Case.family_id == family.id, Task.title_key == "documents.expiring")
            .order_by(Task.id)
        )
    )


def test_a_permit_raises_a_task_at_90_then_at_30_days(app, db_session, family, manager, store):
    permit = _permit(app, db_session, family, manager, TODAY + timedelta(days=80))
    [first] = _expiry_tasks(db_session, family)
    # The 90-day alert's day has passed: due today, for the case's manager.
    assert (first.due_on, first.assignee_id, first.title_values["days"]) == (TODAY, manager.id, 90)
    assert first.title == f"Work permit (EAD) ends on {(TODAY + timedelta(days=80)).strftime('%b %-d, %Y')}: " + (
        "help the family renew it"
    )
    with app.test_request_context():
        assert document_services.raise_expiry_tasks(db_session, TODAY + timedelta(days=10)) == 0  # asked again: once
        assert document_services.raise_expiry_tasks(db_session, TODAY + timedelta(days=50)) == 1  # 30 days left
    [_first, second] = _expiry_tasks(db_session, family)
    assert (second.due_on, second.title_values) == (
        permit.expires_on - timedelta(days=30),
        {"document": permit.id, "days": 30, "type": "work_permit", "expires": permit.expires_on.isoformat()},
    )


def test_a_permit_uploaded_late_gets_only_the_nearest_alert(app, db_session, family, manager, store):
    _permit(app, db_session, family, manager, TODAY + timedelta(days=20), kind=DocumentType.PAROLE)
    assert [t.title_values["days"] for t in _expiry_tasks(db_session, family)] == [30]


def test_no_task_for_far_expiry_other_papers_or_closed_cases(app, db_session, family, manager, store):
    _permit(app, db_session, family, manager, TODAY + timedelta(days=200))
    _permit(app, db_session, family, manager, TODAY + timedelta(days=10), kind=DocumentType.PASSPORT)
    assert _expiry_tasks(db_session, family) == []
    case = db_session.scalars(select(Case).where(Case.family_id == family.id)).one()
    case.status, case.closed_on, case.closed_reason = CaseStatus.CLOSED, TODAY, ClosedReason.MOVED_AWAY
    db_session.commit()
    with app.test_request_context():
        assert document_services.raise_expiry_tasks(db_session, TODAY + timedelta(days=150)) == 0


def test_the_alert_days_are_configurable_and_the_job_runs_them(app, db_session, family, manager, store):
    from casework.db import utcnow
    from casework.documents import jobs

    today = utcnow().date()  # the job's today
    _permit(app, db_session, family, manager, today + timedelta(days=100), today=today)
    assert _expiry_tasks(db_session, family) == []  # 100 days: before the default first alert (90)
    days = app.config["DOCUMENT_EXPIRY_ALERT_DAYS"]
    app.config["DOCUMENT_EXPIRY_ALERT_DAYS"] = (180, 60)
    try:
        with app.app_context():
            from casework.db import db

            assert jobs.raise_expiry_tasks() == 1
            db.session.commit()  # as the scheduler's unit of work does
    finally:
        app.config["DOCUMENT_EXPIRY_ALERT_DAYS"] = days
    assert [t.title_values["days"] for t in _expiry_tasks(db_session, family)] == [180]


def test_papers_expiring_soon_are_a_dashboard_alert(app, client, db_session, family, manager, store):
    from casework.timeutil import today_in

    today = today_in("America/Chicago")
    _permit(app, db_session, family, manager, today + timedelta(days=45), today=today, kind=DocumentType.TPS)
    # A permit that names a member, ending sooner: her name, and first.
    permit = _permit(app, db_session, family, manager, today + timedelta(days=20), today=today)
    permit.member_id = family.members[0].id
    db_session.commit()
    client.sign_in(manager.email, PASSWORD)
    alerts = client.get("/dashboard").get_data(as_text=True).split('id="expiring-alert-h"')[1].split("</section>")[0]
    lines = alerts.split("<li>")[1:]
    assert len(lines) == 2
    assert f">{family.members[0].full_name}</a>" in lines[0] and "Work permit" in lines[0]
    assert "Tzul López, Rosa" in lines[1] and "TPS approval" in lines[1]
    tasks = client.get("/dashboard").get_data(as_text=True)
    assert "TPS approval ends on" in tasks


def test_retention_deletes_the_files_from_the_storage(app, db_session, family, manager, store):
    kept = make_document(app, db_session, family, manager)
    other = make_family(db_session, manager, member_data(given="Juan", first="Pérez", a_number=None))
    stays = make_document(app, db_session, other, manager)
    case = db_session.scalars(select(Case).where(Case.family_id == family.id)).one()
    case.status, case.closed_reason = CaseStatus.CLOSED, ClosedReason.MOVED_AWAY
    case.closed_on = add_years(TODAY, -3) - timedelta(days=40)
    db_session.commit()
    key = kept.storage_key
    assert stored_keys(store) == {key, stays.storage_key}
    policy = retention.RetentionPolicy(years=3, warning_days=30)
    anonymizers = registry(app).anonymizers
    with app.app_context():
        retention.run(db_session, TODAY, policy, anonymizers)
        db_session.commit()
        assert stored_keys(store) == {key, stays.storage_key}  # only listed, for now
        retention.run(db_session, TODAY + timedelta(days=31), policy, anonymizers)
        db_session.commit()
    assert stored_keys(store) == {stays.storage_key}  # the bytes are gone, not only the row
    assert db_session.scalars(select(Document.storage_key)).all() == [stays.storage_key]


def test_key_rotation_rewraps_file_keys_without_rewriting_files(app, db_session, family, manager, tmp_path, store):
    kept = make_document(app, db_session, family, manager, name="Aviso.pdf")
    db_session.commit()
    with store.open(kept.storage_key) as sealed:
        before = sealed.read()
    old = app.config.get("FIELD_ENCRYPTION_KEYS") or os.environ["FIELD_ENCRYPTION_KEYS"]
    new_key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()

    def app_with(keys: str):
        made = create_app(
            {"DATABASE_URL": app.config["DATABASE_URL"], "INSTANCE_PATH": str(tmp_path), "FIELD_ENCRYPTION_KEYS": keys}
        )
        Database.state(made).sessionmaker = Database.state(app).sessionmaker
        files.install(made, store)
        return made

    try:
        result = app_with(f"k2:{new_key},{old}").test_cli_runner().invoke(args=["keys", "rotate"])
        assert result.exit_code == 0, result.output
        assert "Documents: 1 file keys re-wrapped and file names re-encrypted." in result.output
        for column in ("SELECT wrapped_key FROM documents", "SELECT file_name FROM documents"):
            assert db_session.execute(text(column)).scalar().startswith("k2:")
        with store.open(kept.storage_key) as sealed:
            assert sealed.read() == before
        with app_with(f"k2:{new_key}").app_context():
            db_session.expire_all()
            document = db_session.get(Document, kept.id)
            assert document.file_name == "Aviso.pdf"
            assert b"".join(files.plain_chunks(document.storage_key, document.wrapped_key)) == MINIMAL_PDF
    finally:
        crypto.install(app, app.extensions["casework.field_keys"])


def test_the_sweep_removes_old_files_without_a_row_only(app, db_session, family, manager, tmp_path):
    storage = LocalStorage(tmp_path / "documents")
    original = app.extensions["casework.documents.storage"]
    files.install(app, storage)
    try:
        kept = make_document(app, db_session, family, manager)
        db_session.commit()
        old_orphan, young_orphan = secrets.token_hex(16), secrets.token_hex(16)
        for key in (old_orphan, young_orphan):
            with (tmp_path / "plain").open("wb+") as source:
                source.write(b"sealed bytes of an upload that never got its row")
                source.seek(0)
                storage.put(key, source)
        long_ago = (datetime.now(UTC) - timedelta(days=2)).timestamp()
        for key in (old_orphan, kept.storage_key):
            os.utime(storage.root / key[:2] / key, (long_ago, long_ago))
        with app.app_context():
            assert document_services.sweep_orphans(db_session, datetime.now(UTC)) == 1
    finally:
        files.install(app, original)
    assert stored_keys(storage) == {kept.storage_key, young_orphan}


def test_files_go_only_when_the_anonymization_commits(app, db_session, family, manager, store):
    assert document_services.forget_family in registry(app).anonymizers
    kept = make_document(app, db_session, family, manager)
    db_session.commit()
    with app.app_context():
        case_ids = [c.id for c in case_services.family_cases(db_session, family)]
        document_services.forget_family(db_session, family.id, case_ids)
        assert stored_keys(store) == {kept.storage_key}  # not before the commit
        db_session.rollback()
        assert stored_keys(store) == {kept.storage_key}  # a rolled-back anonymization deletes nothing
        document_services.forget_family(db_session, family.id, case_ids)
        db_session.commit()
    assert stored_keys(store) == set()


def test_the_alert_days_setting_is_read_strictly():
    from casework.documents import _alert_days

    assert _alert_days("") == (90, 30) and _alert_days("30, 90") == (90, 30) and _alert_days("7") == (7,)
    for wrong in ("ninety", "0", "-5,30", ","):
        with pytest.raises(ValueError, match="DOCUMENT_EXPIRY_ALERT_DAYS"):
            _alert_days(wrong)
