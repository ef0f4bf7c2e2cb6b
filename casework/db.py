"""Database plumbing: declarative base, aware timestamps, one session per app context."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeAlias

from flask import Flask, current_app, g
from sqlalchemy import (
    CompoundSelect,
    CursorResult,
    DateTime,
    Enum,
    MetaData,
    Result,
    Row,
    Select,
    Table,
    create_engine,
    event,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# A SELECT, and a row, of any columns: what the access scope and the reports pass around.
AnySelect: TypeAlias = Select[*tuple[Any, ...]]
AnyUnion: TypeAlias = CompoundSelect[*tuple[Any, ...]]
AnyRow: TypeAlias = Row[*tuple[Any, ...]]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def table_of(model: type[Base]) -> Table:
    """A mapped class's table, for Core statements (Declarative types `__table__` as any FROM clause)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


def utcnow() -> datetime:
    return datetime.now(UTC)


def insert_for(session: Session, model: type[Base]) -> Any:
    """An INSERT of `model` in the session's dialect, with its `on_conflict_do_…` (an upsert): the
    two databases spell it alike, each in its own dialect's construct."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(model)
    return sqlite.insert(model)


def rows_matched(result: Result[*tuple[Any, ...]]) -> int:
    """How many rows an UPDATE or DELETE run through a session matched."""
    assert isinstance(result, CursorResult)  # what executing a DML statement returns
    return result.rowcount or 0


def lists_in_one_statement(parts: dict[str, tuple[AnySelect, tuple[Any, ...]]]) -> AnyUnion:
    """Several short lists, each with its own conditions, limit and order (`name: (part, order)`),
    read in one statement (a page's panels): each row says in its column `list` which list it
    belongs to, and the rows come list by list, each in its own order (`read_lists`)."""
    numbered = []
    for name, (part, order) in parts.items():
        # Each part stays a subquery (SQLite takes no ORDER BY or LIMIT on a member of a union),
        # its rows numbered in its order: a union keeps no order of its parts.
        rows = part.add_columns(func.row_number().over(order_by=order).label("position")).order_by(*order)
        numbered.append(select(literal(name).label("list"), rows.subquery()))
    union = union_all(*numbered)
    return union.order_by(union.selected_columns.list, union.selected_columns.position)


def read_lists(session: Session, statement: AnyUnion, values: dict[str, Any]) -> dict[str, list[AnyRow]]:
    """The rows of a `lists_in_one_statement`, by list, each in its order (a list without rows is not there)."""
    lists: dict[str, list[AnyRow]] = {}
    for row in session.execute(statement, values):
        lists.setdefault(row.list, []).append(row)
    return lists


class UTCDateTime(TypeDecorator):
    """An instant: refuses naive datetimes, stores UTC, always returns aware UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime refused: store aware instants only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def enum_column(enum_cls: type[enum.Enum], name: str) -> Enum:
    """An enum stored as its string values, guarded by a named CHECK constraint."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls),
        values_callable=lambda cls: [m.value for m in cls],
        validate_strings=True,
    )


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)


def _configure_sqlite_connection(dbapi_connection: Any, connection_record: Any) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT; let SQLAlchemy emit BEGIN itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _begin_sqlite_transaction(connection: Any) -> None:
    # A writer that reads first must take the write lock at BEGIN: SQLite cannot upgrade a read
    # transaction once another connection has written, and answers "database is locked" at once.
    immediate = connection.get_execution_options().get("sqlite_begin_immediate")
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, hide_parameters=True)
        event.listen(engine, "connect", _configure_sqlite_connection)
        event.listen(engine, "begin", _begin_sqlite_transaction)
        return engine
    # hide_parameters: an error logged never shows the values a statement carried (names, A-numbers).
    # plan_cache_mode: psycopg prepares a statement once a connection has run it five times, and
    # PostgreSQL would still plan most of the pages' statements again at every execution (a custom
    # plan, chosen by cost), which took longer than running them (up to 3 ms for the dashboard's).
    # Their generic plans are as good: they filter by ids and dates through indexes. The reports,
    # whose best plans depend on the program and the period, ask for custom plans in their own
    # transactions (reports.services.without_jit); statements run fewer times than psycopg's
    # threshold, like the facts' rebuild, are never prepared and are planned for their values.
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=10,
        hide_parameters=True,
        connect_args={"options": "-c plan_cache_mode=force_generic_plan"},
    )


class Database:
    """Holds the engine and session factory of an app; `db.session` is the app context's session."""

    def init_app(self, app: Flask) -> None:
        engine = make_engine(app.config["DATABASE_URL"])
        app.extensions["casework.db"] = _AppDatabase(engine)
        app.teardown_appcontext(self._close_session)

    @staticmethod
    def state(app: Flask | None = None) -> _AppDatabase:
        return (app or current_app).extensions["casework.db"]

    @property
    def engine(self) -> Engine:
        return self.state().engine

    @property
    def session(self) -> Session:
        if "db_session" not in g:
            g.db_session = self.state().sessionmaker()
        return g.db_session

    @staticmethod
    def _close_session(exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()


class _AppDatabase:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessionmaker = sessionmaker(bind=engine, expire_on_commit=False)
        # For background jobs that read then write in one transaction, beside other processes.
        self.writer_sessionmaker = sessionmaker(
            bind=engine.execution_options(sqlite_begin_immediate=True), expire_on_commit=False
        )

    @contextmanager
    def sweep_session(self) -> Iterator[Session]:
        """A writer session that keeps one connection for a whole sweep: a dispatcher commits after
        every message it sends, and each commit going back to the pool (and the next checkout's
        ping) would double the round trips of each message."""
        with self.engine.connect() as connection:
            session = Session(bind=connection.execution_options(sqlite_begin_immediate=True), expire_on_commit=False)
            try:
                yield session
            finally:
                session.close()


db = Database()
