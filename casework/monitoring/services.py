"""What the monitoring pages read and the scheduler writes."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from casework.monitoring.models import SchedulerRun

MetricsSource = Callable[[Session, datetime], Iterable[Metric]]


def database_answers(session: Session) -> bool:
    try:
        session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        session.rollback()
        return False
    return True


def note_run(
    session: Session, job_id: str, now: datetime, error: BaseException | None = None, ended: bool = False
) -> None:
    """The job's start (`ended` false) or its end, well or with `error` (its kind only)."""
    run = session.get(SchedulerRun, job_id)
    if run is None:
        run = SchedulerRun(job_id=job_id, failures=0)
        session.add(run)
    if not ended:
        run.started_at = now
    elif error is None:
        run.finished_at = run.succeeded_at = now
        run.failures, run.last_error = 0, None
    else:
        run.finished_at = now
        run.failures = (run.failures or 0) + 1
        run.last_error = type(error).__name__
    session.flush()


def scheduler_metrics(session: Session, now: datetime) -> Iterator[Metric]:
    started = GaugeMetricFamily(
        "casework_scheduler_last_start_timestamp_seconds", "When each scheduled job last started.", labels=["job"]
    )
    succeeded = GaugeMetricFamily(
        "casework_scheduler_last_success_timestamp_seconds", "When each scheduled job last ended well.", labels=["job"]
    )
    failing = GaugeMetricFamily(
        "casework_scheduler_failures_in_a_row", "Runs of each job that failed since its last success.", labels=["job"]
    )
    for run in session.scalars(select(SchedulerRun).order_by(SchedulerRun.job_id)):
        if run.started_at:
            started.add_metric([run.job_id], run.started_at.timestamp())
        if run.succeeded_at:
            succeeded.add_metric([run.job_id], run.succeeded_at.timestamp())
        failing.add_metric([run.job_id], run.failures or 0)
    yield from (started, succeeded, failing)


class DatabaseCollector:
    """A prometheus_client collector reading the database at each scrape: the figures every
    process shares (outbox, sends, scheduler), so any web worker answers the same."""

    def __init__(self, session: Session, sources: Iterable[MetricsSource], now: datetime) -> None:
        self.session, self.sources, self.now = session, list(sources), now

    def collect(self) -> Iterator[Metric]:
        began = time.perf_counter()
        for source in self.sources:
            yield from source(self.session, self.now)
        took = GaugeMetricFamily("casework_metrics_scrape_seconds", "How long reading these figures took.")
        took.add_metric([], time.perf_counter() - began)
        yield took
