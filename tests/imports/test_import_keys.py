"""The waiting file is sealed under its own key, wrapped by the field key; `casework keys rotate`
re-wraps it (and re-encrypts file names and failed rows) so that the old key can go."""

from __future__ import annotations

import base64
import io
import os
import secrets

import pytest
from cryptography.exceptions import InvalidTag
from sqlalchemy import text

from casework import create_app, crypto
from casework.db import Database
from imports import services
from imports.models import ImportFailure, ImportJob
from tests.imports.conftest import messy_csv


def test_a_sealed_file_opens_only_whole_and_unchanged(app):
    plain = os.urandom(200_000)  # several chunks, the last one short
    with app.app_context():
        sealed = io.BytesIO()
        wrapped = crypto.seal_file(io.BytesIO(plain), sealed, "test.files")
        opened = io.BytesIO()
        crypto.open_file(io.BytesIO(sealed.getvalue()), opened, wrapped, "test.files")
        assert opened.getvalue() == plain and plain[:1000] not in sealed.getvalue()
        cut = sealed.getvalue()[: -(crypto.FILE_CHUNK + 16)]  # the last chunk dropped
        with pytest.raises(InvalidTag):
            crypto.open_file(io.BytesIO(cut), io.BytesIO(), wrapped, "test.files")
        with pytest.raises(InvalidTag):  # the same key cannot open it as another kind of file
            crypto.open_file(io.BytesIO(sealed.getvalue()), io.BytesIO(), wrapped, "other.files")


def test_key_rotation_rewraps_the_waiting_files(app, db_session, admin, tmp_path):
    job = services.upload(db_session, admin, io.BytesIO(messy_csv()), "Pérez.csv", 1_000_000)
    db_session.add(ImportFailure(job_id=job.id, row_number=2, cells='["Rosa"]', errors="date"))
    db_session.commit()
    old = app.config["FIELD_ENCRYPTION_KEYS"] or os.environ["FIELD_ENCRYPTION_KEYS"]
    new_key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()

    def app_with(keys: str):
        made = create_app(
            {
                "DATABASE_URL": app.config["DATABASE_URL"],
                "INSTANCE_PATH": str(tmp_path),
                "FIELD_ENCRYPTION_KEYS": keys,
                "SECRET_KEY": "x",
            }
        )
        Database.state(made).sessionmaker = Database.state(app).sessionmaker  # the test's transaction
        return made

    try:
        rotated = app_with(f"k2:{new_key},{old}")
        result = rotated.test_cli_runner().invoke(args=["keys", "rotate"])
        assert result.exit_code == 0, result.output
        assert "Caseload imports: 1 file keys re-wrapped, 1 file names and 1 failed rows re-encrypted." in result.output
        for column in ("SELECT wrapped_key FROM import_files", "SELECT filename FROM import_jobs"):
            assert db_session.execute(text(column)).scalar().startswith("k2:")
        with app_with(f"k2:{new_key}").app_context():
            db_session.expire_all()
            job = db_session.get(ImportJob, job.id)
            assert job.filename == "Pérez.csv"
            with services.opened(job) as table:
                assert table.headers[2] == "Nombres"
    finally:
        crypto.install(app, app.extensions["casework.field_keys"])
