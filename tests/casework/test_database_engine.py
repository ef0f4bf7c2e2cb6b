"""How the app's connections are set up, on each database."""

from __future__ import annotations

from casework.db import Database


def test_postgresql_connections_keep_one_plan_per_prepared_statement(app):
    """A statement psycopg has prepared is planned once, not again at every page (casework.db.make_engine);
    SQLite has no plan cache to set, and its connections enforce foreign keys instead."""
    engine = Database.state(app).engine
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            assert connection.exec_driver_sql("SHOW plan_cache_mode").scalar() == "force_generic_plan"
        else:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
