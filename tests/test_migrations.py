"""The schema comes from the migrations only, and they describe exactly the models.

Runs on the suite's database engine: SQLite by default, PostgreSQL with TEST_DATABASE_URL.
"""

import re

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Enum, inspect

from casework.db import make_engine
from casework.migrate import alembic_config
from casework.models import Base
from tests.conftest import fresh_database_url


def _differences(url: str) -> list:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def _explain(differences: list) -> str:
    return "the migrations at head differ from the models; write a migration for:\n" + "\n".join(map(repr, differences))


def test_migrations_produce_exactly_the_models_schema(tmp_path):
    url = fresh_database_url(tmp_path, "migrations")
    differences = _differences(url)
    assert differences == [], _explain(differences)


def test_every_table_of_the_models_exists_after_upgrade(tmp_path):
    url = fresh_database_url(tmp_path, "migrations_tables")
    missing = set(Base.metadata.tables) - _tables(url)
    assert not missing, f"tables of the models that no migration creates: {sorted(missing)}"


def test_migrations_go_down_to_base_and_up_again(tmp_path):
    url = fresh_database_url(tmp_path, "migrations_roundtrip")
    config = alembic_config(url)
    command.downgrade(config, "base")
    assert _tables(url) <= {"alembic_version"}, f"left behind by the downgrade: {sorted(_tables(url))}"
    command.upgrade(config, "head")
    differences = _differences(url)
    assert differences == [], _explain(differences)
    assert set(Base.metadata.tables) <= _tables(url)


def test_enum_check_constraints_list_exactly_the_models_values(tmp_path):
    """Autogenerate does not compare CHECK constraints: an enum value added in a model without a
    migration would be refused by the database. Every enum column's constraint lists its values."""
    url = fresh_database_url(tmp_path, "migrations_enums")
    engine = make_engine(url)
    problems, checked = [], 0
    try:
        inspector = inspect(engine)
        for table in Base.metadata.sorted_tables:
            checks = inspector.get_check_constraints(table.name)
            for column in table.columns:
                if not isinstance(column.type, Enum) or not column.type.create_constraint:
                    continue
                checked += 1
                pattern = re.compile(rf'^\(*"?{column.name}"?(::text)?\s+(IN\b|= ANY)', re.IGNORECASE)
                found = [c for c in checks if pattern.match(c["sqltext"].strip())]
                if len(found) != 1:
                    problems.append(f"{table.name}.{column.name}: {len(found)} CHECK constraints for its values")
                    continue
                values = set(re.findall(r"'([^']*)'", found[0]["sqltext"]))
                if values != set(column.type.enums):
                    problems.append(
                        f"{table.name}.{column.name}: the database allows {sorted(values)}, "
                        f"the model {sorted(column.type.enums)}"
                    )
    finally:
        engine.dispose()
    assert checked, "no enum column found in the models"
    assert not problems, "write a migration for:\n" + "\n".join(problems)


def test_upgrading_a_database_with_data_keeps_it(tmp_path, app):
    """Data written at migration 0003 (plain A-numbers) survives the later migrations, whose table
    rebuilds on SQLite must not trip over foreign keys; `keys rotate` then encrypts and indexes it."""
    from sqlalchemy import select, text
    from sqlalchemy.orm import Session

    from casework.families.cli import rotate_a_numbers
    from casework.families.models import Member
    from casework.families.services import a_number_index

    url = fresh_database_url(tmp_path, "migrations_with_data")
    config = alembic_config(url)
    command.downgrade(config, "0003")
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            now = "2026-11-01 12:00:00+00:00"
            connection.execute(
                text(
                    "INSERT INTO organizations (id, name, kind, timezone, enrollment_alert_days, created_at, updated_at) "
                    "VALUES (1, 'Old program', 'program', 'America/Chicago', 30, :now, :now)"
                ),
                {"now": now},
            )
            connection.execute(
                text(
                    "INSERT INTO families (id, program_id, display_name, sort_key, created_at, updated_at) "
                    "VALUES (1, 1, 'Tzoc, Ana', 'tzoc, ana', :now, :now)"
                ),
                {"now": now},
            )
            connection.execute(
                text(
                    "INSERT INTO members (id, family_id, given_names, first_surname, relationship_to_head, a_number, "
                    "birth_date_estimated, needs_interpreter, created_at, updated_at) "
                    "VALUES (1, 1, 'Ana', 'Tzoc', 'head', '012345678', false, false, :now, :now)"
                ),
                {"now": now},
            )
            connection.execute(
                text("INSERT INTO phones (id, member_id, number, kind) VALUES (1, 1, '+13125550143', 'mobile')")
            )
        command.upgrade(config, "head")
        with engine.connect() as connection:
            assert connection.execute(text("SELECT a_number FROM members")).scalar() == "012345678"
            assert connection.execute(text("SELECT count(*) FROM phones")).scalar() == 1
        with app.app_context(), Session(engine) as session:
            assert rotate_a_numbers(session) == 1
            session.commit()  # as `casework keys rotate` does, once at its end
            member = session.scalars(select(Member).where(Member.a_number_index == a_number_index("012345678"))).one()
            assert member.a_number == "012345678"
        with engine.connect() as connection:
            assert "012345678" not in str(connection.execute(text("SELECT * FROM members")).all())
            if engine.dialect.name == "sqlite":
                assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
    finally:
        engine.dispose()


def test_name_tokens_take_their_familys_program(tmp_path):
    """Migration 0021 fills the program of every token already there from its family."""
    from sqlalchemy import text

    url = fresh_database_url(tmp_path, "migrations_name_tokens")
    config = alembic_config(url)
    command.downgrade(config, "0020")
    engine = make_engine(url)
    now = "2026-11-01 12:00:00+00:00"
    try:
        with engine.begin() as connection:
            for program_id in (7, 8):
                connection.execute(
                    text(
                        "INSERT INTO organizations (id, name, kind, timezone, enrollment_alert_days, created_at, "
                        "updated_at) VALUES (:id, :name, 'program', 'America/Chicago', 30, :now, :now)"
                    ),
                    {"id": program_id, "name": f"Program {program_id}", "now": now},
                )
                connection.execute(
                    text(
                        "INSERT INTO families (id, program_id, display_name, sort_key, created_at, updated_at) "
                        "VALUES (:id, :id, 'Tzoc, Ana', 'tzoc, ana', :now, :now)"
                    ),
                    {"id": program_id, "now": now},
                )
                connection.execute(
                    text(
                        "INSERT INTO members (id, family_id, given_names, first_surname, relationship_to_head, "
                        "birth_date_estimated, needs_interpreter, created_at, updated_at) "
                        "VALUES (:id, :id, 'Ana', 'Tzoc', 'head', false, false, :now, :now)"
                    ),
                    {"id": program_id, "now": now},
                )
                for token in ("ana", "tzoc"):
                    connection.execute(
                        text("INSERT INTO name_tokens (member_id, token, family_id) VALUES (:id, :token, :id)"),
                        {"id": program_id, "token": token},
                    )
        command.upgrade(config, "head")
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT family_id, program_id FROM name_tokens ORDER BY family_id")).all()
        assert [tuple(r) for r in rows] == [(7, 7), (7, 7), (8, 8), (8, 8)]
    finally:
        engine.dispose()


def test_the_report_facts_write_no_wal_on_postgresql(tmp_path):
    """The report tables are derived and rebuilt every few minutes: unlogged on PostgreSQL (a crash
    empties them all, report_facts_built included, and they are rebuilt); plain tables on SQLite."""
    from sqlalchemy import text

    from reports.models import REPORT_TABLES

    report_tables = {
        "report_appearance_facts",
        "report_appearance_months",
        "report_reminder_months",
        "report_child_facts",
        "report_case_facts",
        "report_overdue_tasks",
        "report_facts_built",
    }
    url = fresh_database_url(tmp_path, "migrations_unlogged")
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "postgresql":
                rows = connection.execute(
                    text("SELECT relname, relpersistence FROM pg_class WHERE relkind = 'r' AND relname LIKE 'report_%'")
                ).all()
                assert {name for name, persistence in rows if persistence == "u"} == report_tables
            else:
                assert report_tables <= set(inspect(connection).get_table_names())
        assert set(REPORT_TABLES) == report_tables  # what the facts job analyzes
    finally:
        engine.dispose()


def test_follow_ups_planned_before_task_keys_get_theirs(tmp_path):
    """Migration 0028 keys the follow-ups of returnee cases made before tasks had keys (the task of a
    dated follow-up, an appointment of kind "other"), and no other task."""
    from sqlalchemy import text

    url = fresh_database_url(tmp_path, "migrations_follow_ups")
    config = alembic_config(url)
    command.downgrade(config, "0027")
    engine = make_engine(url)
    now = "2026-11-01 12:00:00+00:00"
    inserts = [
        "INSERT INTO organizations (id, name, kind, timezone, enrollment_alert_days, created_at, updated_at)"
        " VALUES (1, 'Centro de Retorno', 'reintegration', 'America/Guatemala', 30, :now, :now)",
        "INSERT INTO families (id, program_id, display_name, sort_key, created_at, updated_at)"
        " VALUES (1, 1, 'Tzoc, Ana', 'tzoc, ana', :now, :now)",
        "INSERT INTO cases (id, family_id, reference, status, opened_on, created_at, updated_at)"
        " VALUES (1, 1, 'C-1', 'active', '2026-01-05', :now, :now)",
        "INSERT INTO returnee_cases (id, family_id, organization_id, reference, status, country, returned_on, method,"
        " case_id, created_at, updated_at) VALUES (1, 1, 1, 'R-1', 'open', 'GT', '2026-01-05', 'flight', 1, :now, :now)",
        "INSERT INTO tasks (id, case_id, kind, title, due_on, created_at, updated_at) VALUES"
        " (1, 1, 'general', 'Follow-up 30 days after return', '2026-02-04', :now, :now),"
        " (2, 1, 'general', 'Call the family back', '2026-02-04', :now, :now),"
        " (3, 1, 'general', 'Ask about the check-in', '2026-02-04', :now, :now)",
        "INSERT INTO appointments (id, case_id, kind, local_date, local_time, timezone, fold, starts_at, mode, status,"
        " uid, sequence, follow_up_task_id, created_at, updated_at) VALUES"
        " (1, 1, 'other', '2026-02-04', '10:00', 'America/Guatemala', 0, '2026-02-04 16:00:00+00:00', 'in_person',"
        " 'scheduled', 'u1', 0, 1, :now, :now),"
        " (2, 1, 'ice_check_in', '2026-02-04', '10:00', 'America/Guatemala', 0, '2026-02-04 16:00:00+00:00',"
        " 'in_person', 'scheduled', 'u2', 0, 3, :now, :now)",
    ]
    try:
        with engine.begin() as connection:
            for statement in inserts:
                connection.execute(text(statement), {"now": now})
        command.upgrade(config, "head")
        with engine.connect() as connection:
            keys = dict(connection.execute(text("SELECT id, title_key FROM tasks ORDER BY id")).all())
        assert keys == {1: "reintegration.follow_up", 2: None, 3: None}
    finally:
        engine.dispose()


def test_each_returnees_latest_situation_is_marked(tmp_path):
    """Migration 0031 marks each returnee's latest record (the one dated last, and of two the same
    day the one recorded second; a returnee without records has none) and counts them."""
    from sqlalchemy import text

    url = fresh_database_url(tmp_path, "migrations_latest_outcome")
    config = alembic_config(url)
    command.downgrade(config, "0030")
    engine = make_engine(url)
    now = "2026-11-01 12:00:00+00:00"
    inserts = [
        "INSERT INTO organizations (id, name, kind, timezone, enrollment_alert_days, created_at, updated_at)"
        " VALUES (1, 'Centro de Retorno', 'reintegration', 'America/Guatemala', 30, :now, :now)",
        "INSERT INTO families (id, program_id, display_name, sort_key, created_at, updated_at)"
        " VALUES (1, 1, 'Tzoc, Ana', 'tzoc, ana', :now, :now), (2, 1, 'Cux, Reina', 'cux, reina', :now, :now),"
        " (3, 1, 'Tum, José', 'tum, josé', :now, :now)",
        "INSERT INTO returnee_cases (id, family_id, organization_id, reference, status, country, returned_on, method,"
        " created_at, updated_at) VALUES (1, 1, 1, 'R-1', 'open', 'GT', '2026-01-05', 'flight', :now, :now),"
        " (2, 2, 1, 'R-2', 'open', 'GT', '2026-01-05', 'flight', :now, :now),"
        " (3, 3, 1, 'R-3', 'open', 'GT', '2026-01-05', 'flight', :now, :now)",
        # The first returnee's second record (id 2) is dated before the first; the second returnee has
        # two the same day (ids 3 and 4).
        "INSERT INTO returnee_outcomes (id, returnee_case_id, recorded_on, documents_obtained, children_in_school,"
        " work, safety, migrated_again, created_at) VALUES"
        " (1, 1, '2026-02-04', 'yes', 'unknown', 'unknown', 'unknown', 'unknown', :now),"
        " (2, 1, '2026-01-12', 'no', 'unknown', 'unknown', 'unknown', 'unknown', :now),"
        " (3, 2, '2026-01-12', 'no', 'unknown', 'unknown', 'unknown', 'unknown', :now),"
        " (4, 2, '2026-01-12', 'yes', 'unknown', 'unknown', 'unknown', 'unknown', :now)",
    ]
    try:
        with engine.begin() as connection:
            for statement in inserts:
                connection.execute(text(statement), {"now": now})
        command.upgrade(config, "head")
        with engine.connect() as connection:
            marked = connection.execute(text("SELECT id FROM returnee_outcomes WHERE is_latest ORDER BY id")).all()
            figures = connection.execute(
                text(
                    "SELECT organization_id, recorded, documents_obtained, children_in_school, working_or_training,"
                    " at_risk, migrated_again FROM returnee_outcome_figures"
                )
            ).all()
        assert [row[0] for row in marked] == [1, 4]
        assert [tuple(row) for row in figures] == [(1, 2, 2, 0, 0, 0, 0)]
    finally:
        engine.dispose()
