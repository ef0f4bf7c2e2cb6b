"""The report facts, rebuilt per program by `reports.facts` so that a report reads one narrow table:
the appearance facts (one row per reported appointment with what it counts as, instead of working
out, for each date, its household's language, its representation, what reached the family and its
result), the child facts (one row per member with their household's first release and their
school enrollment), and the case facts (one row per case) with the overdue tasks counted, for the
caseload report."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from casework.db import Base, UTCDateTime


class AppearanceFact(Base):
    """`result`: attended, missed, left_out (cancelled or rescheduled; `cancelled` tells which), other (an outcome that is
    none of these), or open (no outcome yet: "missing" once `starts_at` has passed, else "ahead",
    decided when read). `manager_id` and `language` are the case's and the household's when the
    row was built; `reach` is what reached the household before the date (see services.reach_of)."""

    __tablename__ = "report_appearance_facts"
    __table_args__ = (
        Index("ix_report_appearance_facts_program_date", "program_id", "local_date"),
        # The dates without an outcome, read apart from the monthly counts (see AppearanceMonth).
        Index("ix_report_appearance_facts_program_result", "program_id", "result", "local_date"),
        # The households with a hearing in a period (representation), read from the index alone.
        Index(
            "ix_report_appearance_facts_program_category",
            "program_id",
            "category",
            "cancelled",
            "local_date",
            "family_id",
        ),
    )

    appointment_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("appointments.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    program_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    # Copies, not references: a row goes with its appointment (above), and is rebuilt whole anyway.
    family_id: Mapped[int] = mapped_column(Integer)
    manager_id: Mapped[int | None] = mapped_column(Integer)
    local_date: Mapped[date] = mapped_column(Date)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(40))
    category: Mapped[str] = mapped_column(String(10))
    result: Mapped[str] = mapped_column(String(10))
    # Cancelled (one kind of "left_out"): the representation report counts a rescheduled hearing
    # as a hearing of the household, not a cancelled one.
    cancelled: Mapped[bool] = mapped_column(Boolean, server_default=false())
    court_id: Mapped[int | None] = mapped_column(Integer)
    office_id: Mapped[int | None] = mapped_column(Integer)
    language: Mapped[str | None] = mapped_column(String(12))
    represented: Mapped[bool] = mapped_column(Boolean)
    reach: Mapped[str] = mapped_column(String(16))


class ChildFact(Base):
    """One row per member of a program's households with a date of birth, rebuilt with the
    appearance facts, for the school report: their household's first release day and whether it
    has an open case, their school enrollment (`enrollment_status` None: none recorded) and the
    household's language, as they were when the row was built."""

    __tablename__ = "report_child_facts"
    __table_args__ = (
        # The children of the households released in a period; the children of an age today.
        Index("ix_report_child_facts_program_released", "program_id", "released_on"),
        Index("ix_report_child_facts_program_born", "program_id", "born"),
    )

    member_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("members.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    program_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    family_id: Mapped[int] = mapped_column(Integer)
    born: Mapped[date] = mapped_column(Date)
    released_on: Mapped[date | None] = mapped_column(Date)
    # Aged 5 to 18 on that first release day (worked out once here, not for each row of each report).
    school_age_at_release: Mapped[bool] = mapped_column(Boolean)
    open_case: Mapped[bool] = mapped_column(Boolean)
    enrollment_status: Mapped[str | None] = mapped_column(String(20))
    enrolled_on: Mapped[date | None] = mapped_column(Date)
    language: Mapped[str | None] = mapped_column(String(12))


class CaseFact(Base):
    """One row per case of a program, rebuilt with the other facts, for the caseload report: its
    case manager, household language, status and the days it opened and closed (with why), as they
    were when the row was built."""

    __tablename__ = "report_case_facts"
    __table_args__ = (Index("ix_report_case_facts_program", "program_id", "status"),)

    case_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    program_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    family_id: Mapped[int] = mapped_column(Integer)
    manager_id: Mapped[int | None] = mapped_column(Integer)
    language: Mapped[str | None] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(10))
    opened_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    closed_reason: Mapped[str | None] = mapped_column(String(30))


class OverdueTasks(Base):
    """A program's open tasks past their due day when the facts were built (the day in the
    program's zone), counted per assignee and per their case's manager and household language
    (the caseload report's filters)."""

    __tablename__ = "report_overdue_tasks"
    __table_args__ = (Index("ix_report_overdue_tasks_program", "program_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    assignee_id: Mapped[int | None] = mapped_column(Integer)
    manager_id: Mapped[int | None] = mapped_column(Integer)
    language: Mapped[str | None] = mapped_column(String(12))
    n: Mapped[int] = mapped_column(Integer)


class FactsBuilt(Base):
    """When a program's appearance facts were last rebuilt: the "as of" of its reports."""

    __tablename__ = "report_facts_built"

    program_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True)
    built_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # None: being built for the first time


class AppearanceMonth(Base):
    """The facts of a program counted per calendar month and breakdown (`dim`: summary, month,
    place, language, manager, representation or reach; `key` as the report writes it), dates
    without an outcome left out (whether they are missing depends on when the report is read).
    A report of whole months over the whole program (or one household language of it) adds these up
    instead of grouping every date."""

    __tablename__ = "report_appearance_months"
    __table_args__ = (Index("ix_report_appearance_months_program_month", "program_id", "language", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    month: Mapped[date] = mapped_column(Date)  # its first day
    # "*": every household; else the households of that language ("" when the head's is unknown).
    language: Mapped[str] = mapped_column(String(12))
    dim: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(40))
    category: Mapped[str] = mapped_column(String(10))
    result: Mapped[str] = mapped_column(String(10))
    n: Mapped[int] = mapped_column(Integer)


class ReminderMonth(Base):
    """A program's outbox counted per calendar month of the rows' due time (in the program's zone),
    language and channel, as the reminder reach report counts it; rebuilt with the facts."""

    __tablename__ = "report_reminder_months"
    __table_args__ = (Index("ix_report_reminder_months_program_month", "program_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    month: Mapped[date] = mapped_column(Date)  # its first day
    language: Mapped[str | None] = mapped_column(String(12))
    channel: Mapped[str] = mapped_column(String(10))
    planned: Mapped[int] = mapped_column(Integer)
    sent: Mapped[int] = mapped_column(Integer)
    delivered: Mapped[int] = mapped_column(Integer)
    failed: Mapped[int] = mapped_column(Integer)
    held_no_consent: Mapped[int] = mapped_column(Integer)
    held_other: Mapped[int] = mapped_column(Integer)
    cancelled: Mapped[int] = mapped_column(Integer)
    waiting: Mapped[int] = mapped_column(Integer)
    confirmed: Mapped[int] = mapped_column(Integer)
    needs_help: Mapped[int] = mapped_column(Integer)


# Every report table: derived from the records and rebuilt with the facts (unlogged on PostgreSQL,
# analyzed after a rebuild, left out of what a visit may change in the access-matrix test).
REPORT_TABLES = tuple(
    model.__tablename__
    for model in (AppearanceFact, AppearanceMonth, ReminderMonth, ChildFact, CaseFact, OverdueTasks, FactsBuilt)
)
