from alembic import context

import imports.models  # noqa: F401  (each domain's tables belong to the one schema)
import legal.models  # noqa: F401
import reintegration.models  # noqa: F401
import reports.models  # noqa: F401
import scheduling.models  # noqa: F401
from casework.crypto import EncryptedString, EncryptedText
from casework.db import UTCDateTime, make_engine
from casework.models import Base

config = context.config
target_metadata = Base.metadata


def render_item(type_, obj, autogen_context):
    """Migrations name plain SQLAlchemy types, never the application's own."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if type_ == "type" and isinstance(obj, EncryptedText):
        return "sa.Text()"
    if type_ == "type" and isinstance(obj, EncryptedString):
        return f"sa.String(length={obj.impl.length})"
    return False


def run(connection) -> None:
    # SQLite rebuilds a table to alter it; with foreign keys enforced, dropping the old copy of a
    # referenced table fails. The pragma only takes effect outside a transaction, hence the raw
    # connection before anything begins.
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()
    if sqlite:
        connection.commit()
        connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")


connection = config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as conn:
        run(conn)
        conn.commit()
    engine.dispose()
