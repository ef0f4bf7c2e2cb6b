"""The caseload import's records: the job and its sealed file, the mapping a program keeps, the
decisions on duplicates, the households already brought in (what makes a resume or a second
import create nothing twice) and the rows that failed."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.crypto import EncryptedText
from casework.db import Base, TimestampMixin, UTCDateTime, enum_column


class ImportStatus(enum.Enum):
    MAPPING = "mapping"  # uploaded: columns to map
    CHECKED = "checked"  # mapped and checked: the preview, waiting for the person to start it
    QUEUED = "queued"  # started: waiting for a worker
    IMPORTING = "importing"
    DONE = "done"
    CANCELLED = "cancelled"
    STOPPED = "stopped"  # it failed again and again; the households already imported stay


WAITING = (ImportStatus.MAPPING, ImportStatus.CHECKED)
RUNNING = (ImportStatus.QUEUED, ImportStatus.IMPORTING)


class DuplicateDecision(enum.Enum):
    SKIP = "skip"
    MERGE = "merge"
    CREATE = "create"


class ImportJob(TimestampMixin, Base):
    __tablename__ = "import_jobs"
    __table_args__ = (
        Index("ix_import_jobs_program_created", "program_id", "created_at"),
        Index("ix_import_jobs_status_claimed", "status", "claimed_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[ImportStatus] = mapped_column(
        enum_column(ImportStatus, "import_status"), default=ImportStatus.MAPPING
    )
    # A file name can name a family ("Pérez familia.xlsx"): sealed like every identifier.
    filename: Mapped[str] = mapped_column(EncryptedText("import_jobs.filename"))
    encoding: Mapped[str | None] = mapped_column(String(20))
    delimiter: Mapped[str | None] = mapped_column(String(1))
    headers: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Column index (as text, JSON keys are strings) -> field key of imports.columns.
    mapping: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    date_order: Mapped[str | None] = mapped_column(String(3))
    # The check's findings (problems with what was typed, households already here), sealed: the
    # preview page reads them instead of reading the whole file again. Gone when the import ends.
    preview: Mapped[str | None] = mapped_column(EncryptedText("import_jobs.preview"))
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    households_total: Mapped[int] = mapped_column(Integer, default=0)
    # Progress: households are taken in file order; `position` is how many are finished.
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_count: Mapped[int] = mapped_column(Integer, default=0)
    merged_count: Mapped[int] = mapped_column(Integer, default=0)
    skipped_count: Mapped[int] = mapped_column(Integer, default=0)
    failed_count: Mapped[int] = mapped_column(Integer, default=0)
    appointments_count: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The claim, as the outbox's: one process works a job under a lease; a dead one's is taken over.
    claim_token: Mapped[str | None] = mapped_column(String(32))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)

    file: Mapped[ImportFile | None] = relationship(cascade="all, delete-orphan", uselist=False)

    def mapped(self) -> dict[int, str]:
        return {int(index): key for index, key in self.mapping.items()}

    @property
    def households_done(self) -> int:
        return self.position


class ImportFile(Base):
    """The uploaded file while the import waits, sealed under its own key (itself wrapped by the
    field key); deleted when the import ends or is cancelled."""

    __tablename__ = "import_files"

    job_id: Mapped[int] = mapped_column(ForeignKey("import_jobs.id"), primary_key=True)
    wrapped_key: Mapped[str] = mapped_column(String(200))
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer)


class ImportMapping(TimestampMixin, Base):
    """A program's last mapping of header texts to fields, offered for its next file."""

    __tablename__ = "import_mappings"
    __table_args__ = (UniqueConstraint("program_id", "name", name="uq_import_mappings_program_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    name: Mapped[str] = mapped_column(String(100))
    # Folded header text -> field key.
    fields: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    date_order: Mapped[str | None] = mapped_column(String(3))


class ImportDecision(Base):
    """What the person chose for a household of the file that matches a family already here."""

    __tablename__ = "import_decisions"

    job_id: Mapped[int] = mapped_column(ForeignKey("import_jobs.id"), primary_key=True)
    household: Mapped[int] = mapped_column(Integer, primary_key=True)  # its place in the file, from 0
    decision: Mapped[DuplicateDecision] = mapped_column(enum_column(DuplicateDecision, "duplicate_decision"))
    family_id: Mapped[int | None] = mapped_column(ForeignKey("families.id"))


class ImportedHousehold(Base):
    """A household of a file already brought into a program, by a keyed fingerprint of who is in
    it: a resumed or repeated import finds it here and creates nothing again."""

    __tablename__ = "imported_households"
    __table_args__ = (UniqueConstraint("program_id", "fingerprint", name="uq_imported_households_program_fingerprint"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    fingerprint: Mapped[str] = mapped_column(String(64))
    family_id: Mapped[int | None] = mapped_column(ForeignKey("families.id"), index=True)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("import_jobs.id", ondelete="SET NULL"), index=True)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ImportFailure(Base):
    """A row that could not be imported: its cells (sealed) and what was wrong, for the CSV of
    failed rows the person fixes and uploads again."""

    __tablename__ = "import_failures"
    __table_args__ = (Index("ix_import_failures_job_row", "job_id", "row_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("import_jobs.id"))
    row_number: Mapped[int] = mapped_column(Integer)
    cells: Mapped[str] = mapped_column(EncryptedText("import_failures.cells"))
    errors: Mapped[str] = mapped_column(Text)

    def cell_values(self) -> list[Any]:
        import json

        return list(json.loads(self.cells or "[]"))
