"""A-numbers are encrypted at rest (AES-GCM), searchable through a keyed blind index, and
re-encrypted under a new key by `casework keys rotate`."""

import base64
import os
import secrets

import pytest
from cryptography.exceptions import InvalidTag
from sqlalchemy import select, text

from casework import create_app, crypto
from casework.accounts.models import User
from casework.crypto import FieldKeys
from casework.db import Database
from casework.families.models import Member
from tests.factories import PASSWORD, make_family, make_organization, make_user, member_data


def _raw_members(db_session) -> str:
    rows = db_session.execute(text("SELECT * FROM members")).all()
    return " ".join(str(value) for row in rows for value in row)


def test_a_raw_dump_shows_no_a_number(client, db_session):
    user = make_user(db_session, make_organization(db_session))
    make_family(db_session, user, member_data(a_number="A-087-654-321"))
    db_session.commit()
    dump = _raw_members(db_session)
    assert "087654321" not in dump and "87654321" not in dump
    stored = db_session.execute(text("SELECT a_number, a_number_index FROM members")).one()
    assert stored.a_number.startswith("test1:") and len(stored.a_number_index) == 64
    assert db_session.scalars(select(Member)).one().a_number == "087654321"  # the app reads it back

    client.sign_in(user.email, PASSWORD)
    assert "García López" in client.search("A-087-654-321").get_data(as_text=True)
    assert "García López" in client.search("87654321").get_data(as_text=True)


def test_same_a_number_encrypts_differently_but_indexes_alike(db_session):
    user = make_user(db_session, make_organization(db_session))
    make_family(db_session, user, member_data(a_number="012345678"))
    make_family(db_session, user, member_data(given="Otra", first="Persona", a_number="012345678"))
    db_session.commit()
    rows = db_session.execute(text("SELECT a_number, a_number_index FROM members")).all()
    assert rows[0].a_number != rows[1].a_number
    assert rows[0].a_number_index == rows[1].a_number_index


def test_ciphertext_cannot_be_moved_to_another_column_or_tampered():
    keys = FieldKeys([("k1", secrets.token_bytes(32))], b"index")
    sealed = keys.encrypt("012345678", b"members.a_number")
    assert keys.decrypt(sealed, b"members.a_number") == "012345678"
    with pytest.raises(InvalidTag):
        keys.decrypt(sealed, b"somewhere.else")
    key_id, payload = sealed.split(":")
    raw = bytearray(base64.urlsafe_b64decode(payload))
    raw[-1] ^= 1
    with pytest.raises(InvalidTag):
        keys.decrypt(f"{key_id}:{base64.urlsafe_b64encode(bytes(raw)).decode()}", b"members.a_number")


def test_key_rotation_re_encrypts_every_row(app, db_session, tmp_path, monkeypatch):
    user = make_user(db_session, make_organization(db_session))
    make_family(db_session, user, member_data(a_number="A-111-222-333"))
    user.totp_secret = "JBSWY3DPEHPK3PXP"  # an authenticator secret: dropping the old key must lock no one out
    db_session.commit()
    old = app.config["FIELD_ENCRYPTION_KEYS"] or os.environ["FIELD_ENCRYPTION_KEYS"]
    new_key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    rotated = create_app(
        {
            "DATABASE_URL": app.config["DATABASE_URL"],
            "INSTANCE_PATH": str(tmp_path),
            "FIELD_ENCRYPTION_KEYS": f"k2:{new_key},{old}",
            "SECRET_KEY": "x",
        }
    )
    Database.state(rotated).sessionmaker = Database.state(app).sessionmaker  # the test's transaction
    try:
        result = rotated.test_cli_runner().invoke(args=["keys", "rotate"])
        assert result.exit_code == 0, result.output
        assert "1 A-numbers re-encrypted under key 'k2'" in result.output
        assert "1 two-factor secrets re-encrypted." in result.output
        assert db_session.execute(text("SELECT a_number FROM members")).scalar().startswith("k2:")
        secret = text("SELECT totp_secret FROM users WHERE id = :id")
        assert db_session.execute(secret, {"id": user.id}).scalar().startswith("k2:")
        only_new = create_app(
            {
                "DATABASE_URL": app.config["DATABASE_URL"],
                "INSTANCE_PATH": str(tmp_path),
                "FIELD_ENCRYPTION_KEYS": f"k2:{new_key}",
                "SECRET_KEY": "x",
            }
        )
        with only_new.app_context():
            db_session.expire_all()
            assert db_session.scalars(select(Member)).one().a_number == "111222333"
            assert db_session.get(User, user.id).totp_secret == "JBSWY3DPEHPK3PXP"
    finally:
        crypto.install(app, app.extensions["casework.field_keys"])


def test_production_refuses_to_start_without_keys(monkeypatch, tmp_path):
    monkeypatch.setenv("CASEWORK_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.delenv("FIELD_ENCRYPTION_KEYS")
    monkeypatch.delenv("BLIND_INDEX_KEY")
    with pytest.raises(RuntimeError, match="FIELD_ENCRYPTION_KEYS"):
        create_app({"DATABASE_URL": "sqlite://", "INSTANCE_PATH": str(tmp_path)})
