"""Wall-clock arithmetic: local times at a zone, their gaps and folds, steps and quiet hours."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

from casework.errors import ValidationError
from casework.i18n import lazy_gettext as _l


def is_zone(name: str | None) -> bool:
    return bool(name) and name in _zones()


_ZONES: set[str] = set()


def _zones() -> set[str]:
    if not _ZONES:
        _ZONES.update(available_timezones())
    return _ZONES


def local_instant(day: date, at: time, zone: str, fold: int = 0) -> datetime:
    return datetime.combine(day, at).replace(tzinfo=ZoneInfo(zone), fold=fold).astimezone(UTC)


def is_missing(day: date, at: time, zone: str) -> bool:
    """True in the spring-forward gap: the wall clock skips this time."""
    naive = datetime.combine(day, at)
    for fold in (0, 1):
        back = local_instant(day, at, zone, fold).astimezone(ZoneInfo(zone)).replace(tzinfo=None)
        if back != naive:
            return True
    return False


def is_ambiguous(day: date, at: time, zone: str) -> bool:
    """True in the autumn fall-back hour: the wall clock shows this time twice."""
    return local_instant(day, at, zone, 0) != local_instant(day, at, zone, 1)


@dataclass(frozen=True)
class ResolvedTime:
    starts_at: datetime
    fold: int


def resolve(day: date, at: time, zone: str, fold: int | None) -> ResolvedTime:
    """The instant of a local time, refusing times that do not exist and asking which of two
    readings is meant for times that exist twice; nothing is shifted silently."""
    if is_missing(day, at, zone):
        raise ValidationError(
            str(
                _l(
                    "%(time)s does not exist on %(date)s in %(zone)s: the clocks move forward that night. "
                    "Check the time on the notice.",
                    time=at.strftime("%H:%M"),
                    date=day.isoformat(),
                    zone=zone,
                )
            ),
            field="local_time",
        )
    if is_ambiguous(day, at, zone) and fold is None:
        raise ValidationError(
            str(
                _l(
                    "%(time)s happens twice on %(date)s in %(zone)s: the clocks move back that night. "
                    "Choose which one is meant.",
                    time=at.strftime("%H:%M"),
                    date=day.isoformat(),
                    zone=zone,
                )
            ),
            field="fold",
        )
    chosen = fold or 0
    return ResolvedTime(local_instant(day, at, zone, chosen), chosen)


@dataclass(frozen=True)
class Step:
    """A reminder `days_before` the appointment's local date, at `at` on the recipient's clock."""

    days_before: int
    at: time

    @property
    def key(self) -> str:
        return f"{self.days_before}d{self.at.strftime('%H%M')}"

    def __str__(self) -> str:
        return f"{self.days_before}@{self.at.strftime('%H:%M')}"


def parse_steps(text: str) -> list[Step]:
    """'7@10:00 2@10:00 1@18:00 0@07:00' → steps, latest first; refuses anything else."""
    steps: list[Step] = []
    for part in text.replace(",", " ").split():
        days, sep, clock = part.partition("@")
        try:
            if not sep:
                raise ValueError(part)
            hours, minutes = clock.split(":")
            step = Step(int(days), time(int(hours), int(minutes)))
        except ValueError:
            raise ValidationError(
                str(
                    _l("Write each reminder as days before @ time, for example 7@10:00; '%(part)s' is not.", part=part)
                ),
                field="steps",
            ) from None
        if not 0 <= step.days_before <= 60:
            raise ValidationError(str(_l("Days before must be between 0 and 60.")), field="steps")
        steps.append(step)
    if not steps:
        raise ValidationError(str(_l("Give at least one reminder time.")), field="steps")
    if len({s.key for s in steps}) != len(steps):
        raise ValidationError(str(_l("The same reminder time is listed twice.")), field="steps")
    return sorted(steps, key=lambda s: (-s.days_before, s.at))


def format_steps(steps: list[Step]) -> str:
    return " ".join(str(s) for s in steps)


def in_quiet_hours(at: time, quiet_start: time, quiet_end: time) -> bool:
    if quiet_start == quiet_end:
        return False
    if quiet_start < quiet_end:
        return quiet_start <= at < quiet_end
    return at >= quiet_start or at < quiet_end


def next_allowed(instant: datetime, zone: str, quiet_start: time, quiet_end: time) -> datetime:
    """`instant` itself, or the end of the quiet hours it falls in, on the recipient's clock."""
    local = instant.astimezone(ZoneInfo(zone))
    if not in_quiet_hours(local.time(), quiet_start, quiet_end):
        return instant
    day = local.date()
    if local.time() >= quiet_end and quiet_start > quiet_end:
        day += timedelta(days=1)
    wake = day
    # The quiet end itself can fall in a DST gap (rare, but zones exist): take the first real minute after.
    moment = datetime.combine(wake, quiet_end)
    while is_missing(moment.date(), moment.time(), zone):
        moment += timedelta(minutes=1)
    return local_instant(moment.date(), moment.time(), zone)


def step_instant(appointment_day: date, step: Step, zone: str) -> datetime:
    """Wall-clock exact: `days_before` calendar days earlier at `at` local, whatever DST does
    between; a step that lands in a DST gap moves to the first minute that exists."""
    day = appointment_day - timedelta(days=step.days_before)
    moment = datetime.combine(day, step.at)
    while is_missing(moment.date(), moment.time(), zone):
        moment += timedelta(minutes=1)
    return local_instant(moment.date(), moment.time(), zone)
