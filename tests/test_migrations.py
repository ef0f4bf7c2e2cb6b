"""The schema comes from the migrations only, and they describe exactly the models."""
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from casework.db import make_engine
from casework.migrate import alembic_config
from casework.models import Base
from tests.conftest import fresh_database_url


def _differences(url: str) -> list:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                                   "render_as_batch": True})
            return compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()


def test_migrations_produce_exactly_the_models_schema(tmp_path):
    url = fresh_database_url(tmp_path, "migrations")
    assert _differences(url) == []
    engine = make_engine(url)
    try:
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert set(Base.metadata.tables) <= tables


def test_migrations_go_down_and_up_again(tmp_path):
    url = fresh_database_url(tmp_path, "migrations_roundtrip")
    config = alembic_config(url)
    command.downgrade(config, "base")
    engine = make_engine(url)
    try:
        assert not set(Base.metadata.tables) & set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    command.upgrade(config, "head")
    assert _differences(url) == []
