from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from casework.db import Base, UTCDateTime


class SchedulerRun(Base):
    """When a scheduled job last started, ended and ended well (any process's run)."""

    __tablename__ = "scheduler_runs"

    job_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    succeeded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failures: Mapped[int] = mapped_column(Integer, default=0)  # in a row, since the last success
    last_error: Mapped[str | None] = mapped_column(Text)  # the kind of fault only, never data
