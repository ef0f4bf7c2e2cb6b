"""Fixtures: one migrated database per run (PostgreSQL from TEST_DATABASE_URL, else SQLite),
and every test inside a transaction rolled back at its end."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import sessionmaker

from casework import create_app
from casework.db import Database, make_engine
from casework.migrate import upgrade
from tests.http import Client

# Every app the suite creates shares these keys, as the processes of one installation do.
os.environ.setdefault("FIELD_ENCRYPTION_KEYS", "test1:" + "dGVzdC1lbmNyeXB0aW9uLWtleS0zMi1ieXRlcyEhISE=")
os.environ.setdefault("BLIND_INDEX_KEY", "dGVzdC1ibGluZC1pbmRleC1rZXk=")


def _reset_database(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


POSTGRES_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/casework_test"


def fresh_postgres_url(name: str) -> str:
    """A newly migrated PostgreSQL database, whichever database the suite runs on."""
    url = _ensure_postgres_database(os.environ.get("TEST_DATABASE_URL") or POSTGRES_DEFAULT, name)
    _reset_database(url)
    upgrade(url)
    return url


def fresh_database_url(tmp_dir: Path, name: str) -> str:
    """A newly migrated, empty database; a second PostgreSQL database beside the test one if needed."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        url = f"sqlite:///{tmp_dir / (name + '.sqlite3')}"
    else:
        url = _ensure_postgres_database(base, None if name == "main" else name)
    _reset_database(url)
    upgrade(url)
    return url


def _ensure_postgres_database(base: str, suffix: str | None) -> str:
    """The database of `base` (or a sibling named with `suffix`), created when missing."""
    from sqlalchemy.engine import make_url

    parsed = make_url(base)
    target = f"{parsed.database}_{suffix}" if suffix else parsed.database
    admin = make_engine(parsed.set(database="postgres").render_as_string(hide_password=False))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target}).first()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{target}"'))
    admin.dispose()
    return parsed.set(database=target).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    return fresh_database_url(tmp_path_factory.mktemp("db"), "main")


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    application = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "INSTANCE_PATH": str(instance),
            "SECRET_KEY": "test-secret-key",
            "WTF_CSRF_ENABLED": True,
            "SERVER_NAME": None,
        }
    )
    return application


@pytest.fixture()
def db_session(app):
    """A session on the test's connection; requests during the test get their own sessions on the
    same connection, each inside a savepoint, and everything is rolled back at the end."""
    state = Database.state(app)
    connection = state.engine.connect()
    transaction = connection.begin()
    original = state.sessionmaker
    state.sessionmaker = sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    session = state.sessionmaker()
    yield session
    session.close()
    state.sessionmaker = original
    transaction.rollback()
    connection.close()


@pytest.fixture()
def client(app, db_session) -> Client:
    return Client(app.test_client())


@pytest.fixture()
def other_client(app, db_session) -> Client:
    return Client(app.test_client())
