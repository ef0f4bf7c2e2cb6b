"""Scheduling's figures for /metrics (casework/monitoring), read at each scrape through indexes:
the outboxes' depth and the age of their oldest due row, and the messages of the last day."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scheduling.models import Notification, Reminder, ReminderStatus
from scheduling.outbox import due_rows

DAY = timedelta(days=1)


def outbox_metrics(session: Session, now: datetime) -> Iterator[Metric]:
    depth = GaugeMetricFamily(
        "casework_outbox_due",
        "Rows due to go out now: planned and due, or claimed by a worker whose lease ran out.",
        labels=["outbox"],
    )
    age = GaugeMetricFamily(
        "casework_outbox_oldest_due_age_seconds", "How long the oldest row due has waited.", labels=["outbox"]
    )
    for name, model in (("reminders", Reminder), ("notifications", Notification)):
        count, oldest = session.execute(select(func.count(), func.min(model.due_at)).where(due_rows(model, now))).one()
        depth.add_metric([name], count)
        age.add_metric([name], max((now - oldest).total_seconds(), 0.0) if oldest else 0.0)
    messages = GaugeMetricFamily(
        "casework_messages_last_day",
        "Reminders due in the last 24 hours that were sent or failed, by channel.",
        labels=["channel", "status"],
    )
    stmt = (
        select(Reminder.channel, Reminder.status, func.count())
        .where(Reminder.status.in_((ReminderStatus.SENT, ReminderStatus.FAILED)), Reminder.due_at >= now - DAY)
        .group_by(Reminder.channel, Reminder.status)
    )
    for channel, status, count in session.execute(stmt):
        messages.add_metric([channel.value, status.value], count)
    yield from (depth, age, messages)
