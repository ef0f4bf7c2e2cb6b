"""The program's figures, aggregated in SQL: each function runs a fixed number of statements,
whatever the number of appointments, and returns small dataclasses.

Every query starts from the access scope (`casework.access.scoped`): program admins and
supervisors reach their whole program, a case manager the cases assigned to them now.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Date,
    Integer,
    SQLColumnExpression,
    String,
    Subquery,
    and_,
    bindparam,
    case,
    cast,
    exists,
    extract,
    false,
    func,
    literal,
    null,
    or_,
    select,
    text,
    tuple_,
    union_all,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import BindParameter

from casework import access
from casework.accounts.models import PROGRAM_ROLES, User
from casework.cases.models import Case, CaseStatus, Task
from casework.db import AnyRow, AnySelect
from casework.families.models import Consent, ConsentKind, Family, Member, Relationship
from legal.api import Referral
from reports.models import AppearanceFact, AppearanceMonth, CaseFact, ChildFact, OverdueTasks, ReminderMonth
from scheduling.api import (
    CONSENT_WITHDRAWN_REASON,
    HEARING_KINDS,
    INTERPRETER_CALL,
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    Channel,
    Court,
    MessageKind,
    Office,
    Reminder,
    ReminderStatus,
)

# The three kinds of obligation whose attendance the program reports, each on its own.
CATEGORIES = ("hearing", "check_in", "uscis")
KINDS_OF: dict[str, tuple[AppointmentKind, ...]] = {
    "hearing": tuple(HEARING_KINDS),
    "check_in": (AppointmentKind.ICE_CHECK_IN, AppointmentKind.ATD_CHECK_IN),
    "uscis": (AppointmentKind.USCIS_BIOMETRICS, AppointmentKind.USCIS_INTERVIEW),
}
REPORTED_KINDS = tuple(kind for kinds in KINDS_OF.values() for kind in kinds)

# What reached the household before the date, best first (see `reach_of`).
REACH = ("sms_delivered", "sms_sent", "email_only", "failed", "opted_out", "no_consent", "other")
DELIVERED = ("delivered", "read")
UNDELIVERED = ("failed", "undelivered")
# Messages that tell the family the date: reminders, and notices of a changed date.
DATE_MESSAGES = (MessageKind.REMINDER, MessageKind.DATE_CHANGED)
REMINDER_CONSENTS = (ConsentKind.SMS_REMINDERS, ConsentKind.EMAIL_REMINDERS)

LONGEST_PERIOD_MONTHS = 60


# Periods and filters -----------------------------------------------------------------------------

PRESETS = ("last_month", "last_quarter", "last_12_months")


def _months_before(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def preset_period(name: str, today: date) -> tuple[date, date]:
    """Whole calendar months before today's (in the program's zone): the last one, the last
    quarter (January-March, ...), or the last twelve."""
    first_of_month = today.replace(day=1)
    if name == "last_month":
        return _months_before(first_of_month, 1), first_of_month - timedelta(days=1)
    if name == "last_quarter":
        quarter_start = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
        return _months_before(quarter_start, 3), quarter_start - timedelta(days=1)
    if name == "last_12_months":
        return _months_before(first_of_month, 12), first_of_month - timedelta(days=1)
    raise ValueError(name)


def months_between(start: date, end: date) -> list[tuple[int, int]]:
    months = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


# The monthly appearance counts of every household, beside those of each household language.
EVERY_LANGUAGE = "*"

# The GET parameters of the filters, as `Filters.query_args` writes them.
FILTER_ARGS = ("start", "end", "place", "manager", "language", "kind")


@dataclass(frozen=True)
class Filters:
    """What the reader chose: ids and codes only, never a person's data."""

    start: date
    end: date  # inclusive
    court_id: int | None = None
    office_id: int | None = None
    manager_id: int | None = None
    language: str | None = None
    kind: AppointmentKind | None = None

    @property
    def months(self) -> list[tuple[int, int]]:
        return months_between(self.start, self.end)

    def query_args(self) -> dict[str, str]:
        """The same filters as GET parameters, for links and downloads."""
        args = {"start": self.start.isoformat(), "end": self.end.isoformat()}
        if self.court_id:
            args["place"] = f"court-{self.court_id}"
        if self.office_id:
            args["place"] = f"office-{self.office_id}"
        if self.manager_id:
            args["manager"] = str(self.manager_id)
        if self.language:
            args["language"] = self.language
        if self.kind:
            args["kind"] = self.kind.value
        return args

    def instants(self, zone: str) -> tuple[datetime, datetime]:
        """The period as UTC instants: from the first day's midnight to the midnight after the last, in `zone`."""
        tz = ZoneInfo(zone)
        return (
            datetime.combine(self.start, time(0), tz).astimezone(UTC),
            datetime.combine(self.end + timedelta(days=1), time(0), tz).astimezone(UTC),
        )


# Reach: the access scope, narrowed to a case manager's caseload ---------------------------------


def caseload_only(user: User) -> bool:
    """A case manager reports on the cases assigned to them; admins and supervisors on the program."""
    return not user.sees_whole_program


def _narrow(query: AnySelect, user: User) -> AnySelect:
    return query.where(Case.assigned_to_id == user.id) if caseload_only(user) else query


def household_language(family_id: SQLColumnExpression[Any]) -> ColumnElement[Any]:
    """The head's preferred language: the household's language in every breakdown and filter. The
    head is an alias of its own, so that a statement already reading members (the opt-outs) asks
    about the household of its member rather than comparing a member's household with itself."""
    head = aliased(Member)
    return (
        select(head.preferred_language)
        .where(head.family_id == family_id, head.relationship_to_head == Relationship.HEAD)
        .order_by(head.id)
        .limit(1)
        .scalar_subquery()
    )


def year_month(column: SQLColumnExpression[Any]) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    return cast(extract("year", column), Integer), cast(extract("month", column), Integer)


# Figure 1: appearance ------------------------------------------------------------------------------


def _appointment_conditions(court: Any, office: Any, kind: Any) -> list[ColumnElement[bool]]:
    """The court, office and kind filters of a statement reading appointments: the values, or the
    bound parameters of a statement built once; None, no filter."""
    wanted = ((Appointment.court_id, court), (Appointment.office_id, office), (Appointment.kind, kind))
    return [column == value for column, value in wanted if value is not None]


@dataclass(frozen=True)
class Counts:
    attended: int = 0
    missed: int = 0
    missing: int = 0
    left_out: int = 0
    ahead: int = 0

    @property
    def denominator(self) -> int:
        return self.attended + self.missed

    @property
    def rate(self) -> float | None:
        return self.attended / self.denominator if self.denominator else None

    @property
    def empty(self) -> bool:
        return not (self.denominator or self.missing)

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.attended + other.attended,
            self.missed + other.missed,
            self.missing + other.missing,
            self.left_out + other.left_out,
            self.ahead + other.ahead,
        )


@dataclass
class RateRow:
    """One line of a breakdown: its key (an id or code, for links and sorting), its label, and
    the counts of each category."""

    key: str
    label: str = ""
    counts: dict[str, Counts] = field(default_factory=dict)

    def of(self, category: str) -> Counts:
        return self.counts.get(category, Counts())

    @property
    def total(self) -> Counts:
        total = Counts()
        for counts in self.counts.values():
            total = total + counts
        return total


@dataclass
class Appearance:
    summary: dict[str, Counts]
    months: list[RateRow]
    places: list[RateRow]
    languages: list[RateRow]
    managers: list[RateRow]
    representation: list[RateRow]
    reach: list[RateRow]


COUNTED = ("attended", "missed", "missing")
DIMENSIONS = ("summary", "month", "place", "language", "manager", "representation", "reach")


def without_jit(session: Session) -> None:
    """PostgreSQL compiles a query it estimates costly (these aggregations, at scale) to machine code
    first, which takes longer than running it: switched off for the rest of this transaction; and
    the groupings get the memory to stay off the disk. A report's statements are planned for their
    values each time: once a connection has run a prepared statement a few times, PostgreSQL may
    keep a generic plan for it, which knows neither the program nor the period (the school
    report's became 3 to 4 times slower). Every report request starts with it (reports.views), as
    does the facts job."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text(
                "SELECT set_config('jit', 'off', true), set_config('work_mem', '64MB', true),"
                " set_config('random_page_cost', '1.1', true), set_config('plan_cache_mode', 'force_custom_plan', true)"
            )
        )


def whole_program_months(user: User, filters: Filters, by_language: bool = False) -> bool:
    """Whether the monthly counts answer: whole calendar months of the whole program, no filter
    (`by_language`: but a household language, which the appearance counts are also kept by)."""
    return (
        not caseload_only(user)
        and filters.start.day == 1
        and (filters.end + timedelta(days=1)).day == 1
        and not (filters.court_id or filters.office_id or filters.manager_id or filters.kind)
        and (by_language or not filters.language)
    )


def _bound(
    user: User, filters: Filters, names: Iterable[str], **period: Any
) -> tuple[dict[str, Any], bool, tuple[str, ...]]:
    """The values of a report statement built once and run with them: the reader's program (the
    access scope's and the facts' own), the reader when the report is their own caseload, the
    period as `period` names it, and those of the filters `names` that are set. Returns them with
    whether it is the reader's own caseload and which filters are set (the statement's shape)."""
    own_caseload = caseload_only(user)
    values: dict[str, Any] = {**access.program_scope(user), "program_id": user.organization_id, **period}
    if own_caseload:
        values["user_id"] = user.id
    present = []
    for name in names:
        value = getattr(filters, name)
        if value:
            values[name] = value.value if isinstance(value, AppointmentKind) else value
            present.append(name)
    return values, own_caseload, tuple(present)


def _counted_by_month(session: Session, user: User, filters: Filters) -> Iterator[tuple[str, str, str, str, int]]:
    """The program's monthly counts of the period added up (dates with an outcome only), of every
    household or of one language's. They are the program's own figures, not a family's records:
    read for the reader's program alone."""
    values = {
        "program_id": user.organization_id,
        "language": filters.language or EVERY_LANGUAGE,
        "start": filters.start,
        "end": filters.end,
    }
    for dim, key, category, result, n in session.execute(_months_statement(), values):
        yield dim, key, category, "ahead" if result == "other" else result, int(n)


@cache  # built once and run with the program, language and period bound
def _months_statement() -> AnySelect:
    month = AppearanceMonth
    return (
        select(month.dim, month.key, month.category, month.result, func.sum(month.n))
        .where(
            month.program_id == bindparam("program_id"),
            month.language == bindparam("language"),
            month.month >= bindparam("start", type_=Date),
            month.month <= bindparam("end", type_=Date),
        )
        .group_by(month.dim, month.key, month.category, month.result)
    )


# The filters the appearance facts answer themselves, as the facts and Filters name them.
FACT_FILTERS = ("court_id", "office_id", "manager_id", "language", "kind")


def _counted(
    session: Session, user: User, filters: Filters, now: datetime, open_only: bool
) -> Iterator[tuple[str, str, str, str, int]]:
    """The period's facts in reach, filtered, counted by category, result and each breakdown (on
    PostgreSQL one pass with GROUPING SETS; on SQLite, which has none, UNION ALL of seven GROUP BYs).
    `open_only`: the dates without an outcome alone. The statement is built once for each
    combination of filters and run with their values."""
    dialect = session.get_bind().dialect.name
    values, own_caseload, present = _bound(user, filters, FACT_FILTERS, start=filters.start, end=filters.end, now=now)
    stmt = _counted_statement(dialect, own_caseload, present, open_only)
    for row in session.execute(stmt, values):
        dim = GROUPING_DIMS[row.grouping] if dialect == "postgresql" else row.dim
        yield dim, _key(dim, row), row.category, row.result, int(row.n)


@cache
def _counted_statement(dialect: str, own_caseload: bool, present: tuple[str, ...], open_only: bool) -> Any:
    """The facts of the reader's program (access.program_scoped), of the reader's own caseload as
    it was when they were built, with the `present` filters, counted by each breakdown."""
    fact = AppearanceFact
    postgresql = dialect == "postgresql"
    # The month of each date, cheaply: its first day on PostgreSQL, the date itself on SQLite (which
    # has no date_trunc; fewer than 2,000 days a period), summed by month here.
    month = func.date_trunc("month", fact.local_date) if postgresql else fact.local_date
    counted_as = case(
        (and_(fact.result == "open", fact.starts_at < bindparam("now", type_=fact.starts_at.type)), literal("missing")),
        (fact.result.in_(("open", "other")), literal("ahead")),
        else_=fact.result,
    )
    query = access.program_scoped(AppearanceFact).where(
        fact.program_id == bindparam("program_id"),
        fact.local_date >= bindparam("start", type_=Date),
        fact.local_date <= bindparam("end", type_=Date),
    )
    if own_caseload:
        query = query.where(fact.manager_id == bindparam("user_id"))
    for name in present:
        query = query.where(getattr(fact, name) == bindparam(name))
    if open_only:
        query = query.where(fact.result == "open")
    facts = query.with_only_columns(
        fact.category.label("category"),
        counted_as.label("result"),
        month.label("month"),
        fact.court_id.label("court_id"),
        fact.office_id.label("office_id"),
        fact.manager_id.label("manager_id"),
        fact.language.label("language"),
        case((fact.represented, literal("represented")), else_=literal("unrepresented")).label("represented"),
        fact.reach.label("reach"),
    )
    return _grouping_sets(facts) if postgresql else _union(facts)


def appearance(
    session: Session, user: User, filters: Filters, now: datetime, known: Mapping[str, str] | None = None
) -> Appearance:
    """Figure 1 and all its breakdowns from the appearance facts (reports.facts works out what each
    date counts as): whole months of the whole program add up the monthly counts, and count the
    dates without an outcome apart; any other choice counts the period's facts. Then the names of
    the courts, offices and case managers found: from `known` (the filter lists' names, see
    `filter_lists`), looked up only for those it lacks. A date with no outcome counts as missing
    once its time has passed."""
    tallies: dict[tuple[str, str, str], dict[str, int]] = {}
    whole_months = whole_program_months(user, filters, by_language=True)
    rows = _counted_by_month(session, user, filters) if whole_months else _counted(session, user, filters, now, False)
    if whole_months:  # the dates without an outcome are not in the monthly counts
        rows = itertools.chain(rows, _counted(session, user, filters, now, True))
    for dim, key, category, result, n in rows:
        tally = tallies.setdefault((dim, key, category), {})
        tally[result] = tally.get(result, 0) + n
    found: dict[str, dict[str, RateRow]] = {dim: {} for dim in DIMENSIONS}
    for (dim, key, category), tally in tallies.items():
        counts = Counts(**{name: tally.get(name, 0) for name in RESULTS})
        if dim != "summary":
            if not (counts.attended or counts.missed or counts.missing) or (
                dim == "representation" and category != "hearing"
            ):
                continue
            counts = Counts(counts.attended, counts.missed, counts.missing)
        found[dim].setdefault(key, RateRow(key)).counts[category] = counts
    summary = found["summary"].get("", RateRow(""))
    _name_places(session, found["place"], known or {})
    _name_managers(session, found["manager"], known or {})
    by_size = lambda r: (-r.total.denominator - r.total.missing, r.label, r.key)  # noqa: E731
    return Appearance(
        summary={c: summary.of(c) for c in CATEGORIES},
        months=[found["month"].get(f"{y:04d}-{m:02d}", RateRow(f"{y:04d}-{m:02d}")) for y, m in filters.months],
        places=sorted(found["place"].values(), key=by_size),
        languages=sorted(found["language"].values(), key=by_size),
        managers=sorted(found["manager"].values(), key=lambda r: (r.label == "", r.label, r.key)),
        representation=[found["representation"].get(k, RateRow(k)) for k in ("represented", "unrepresented")],
        reach=[found["reach"].get(k, RateRow(k)) for k in REACH],
    )


# The columns each breakdown groups by (the place: the court or the office), as the facts name them.
KEYS: dict[str, tuple[str, ...]] = {
    "month": ("month",),
    "place": ("court_id", "office_id"),
    "language": ("language",),
    "manager": ("manager_id",),
    "representation": ("represented",),
    "reach": ("reach",),
}
RESULTS = ("attended", "missed", "missing", "left_out", "ahead")


def _key(dim: str, row: AnyRow) -> str:
    """A breakdown's key as text, written here from the raw columns (grouping on them is cheaper in SQL)."""
    if dim == "summary":
        return ""
    if dim == "month":
        day = row.month if isinstance(row.month, date) else date.fromisoformat(row.month)
        return f"{day.year:04d}-{day.month:02d}"
    if dim == "place":
        return (
            f"court-{row.court_id}"
            if row.court_id is not None
            else f"office-{row.office_id}"
            if row.office_id is not None
            else "none"
        )
    if dim == "manager":
        return "" if row.manager_id is None else str(row.manager_id)
    value = getattr(row, KEYS[dim][0])
    return value or ""


def _union(query: AnySelect) -> Any:
    facts = query.cte("facts")
    columns = [name for names in KEYS.values() for name in names]
    branches = []
    for dim in DIMENSIONS:
        keys = () if dim == "summary" else KEYS[dim]
        branches.append(
            select(
                literal(dim).label("dim"),
                *[(facts.c[name] if name in keys else literal(None)).label(name) for name in columns],
                facts.c.category,
                facts.c.result,
                func.count().label("n"),
            )
            .where(*([] if dim == "summary" else [facts.c.result.in_(COUNTED)]))
            .group_by(*[facts.c[name] for name in keys], facts.c.category, facts.c.result)
        )
    return union_all(*branches)


# GROUPING(...) of each breakdown's first column has a bit set for each one left out of the row's
# set, the first highest: the breakdown each row of `_grouping_sets` counts.
_ALL_LEFT_OUT = (1 << len(KEYS)) - 1
GROUPING_DIMS = {_ALL_LEFT_OUT: "summary"} | {
    _ALL_LEFT_OUT - (1 << (len(KEYS) - 1 - i)): name for i, name in enumerate(KEYS)
}


def _grouping_sets(query: AnySelect) -> Any:
    # OFFSET 0 keeps the facts a subquery of their own: each row's result is worked out once, not
    # again for each grouping set that names it.
    facts = query.offset(0).subquery("facts")
    firsts = [facts.c[KEYS[name][0]] for name in KEYS]
    counted = (facts.c.category, facts.c.result)
    return select(
        func.grouping(*firsts).label("grouping"),
        *[facts.c[name] for names in KEYS.values() for name in names],
        *counted,
        func.count().label("n"),
    ).group_by(
        func.grouping_sets(
            tuple_(*counted), *[tuple_(*[facts.c[name] for name in KEYS[dim]], *counted) for dim in KEYS]
        )
    )


def _ids(keys: Iterable[str], prefix: str = "") -> list[int]:
    return [int(key[len(prefix) :]) for key in keys if key.startswith(prefix) and key[len(prefix) :].isdigit()]


def _name_places(session: Session, rows: dict[str, RateRow], known: Mapping[str, str]) -> None:
    names = {key: known[key] for key in rows if key in known}
    unknown = [key for key in rows if key not in names]
    for model, prefix in ((Court, "court-"), (Office, "office-")):
        if ids := _ids(unknown, prefix):
            names.update(
                {
                    f"{prefix}{i}": name
                    for i, name in session.execute(select(model.id, model.name).where(model.id.in_(ids)))
                }
            )
    for key, row in rows.items():
        row.label = names.get(key, "")


def _name_managers(session: Session, rows: dict[str, RateRow], known: Mapping[str, str]) -> None:
    names = staff_names(session, rows, known)
    for key, row in rows.items():
        row.label = names.get(key, "")


def staff_names(session: Session, keys: Collection[str], known: Mapping[str, str]) -> dict[str, str]:
    """The names of the users whose ids are `keys` (as text): from `known`, the others looked up."""
    names = {key: known[key] for key in keys if key in known}
    if ids := _ids(key for key in keys if key not in names):
        names.update(
            {str(i): name for i, name in session.execute(select(User.id, User.full_name).where(User.id.in_(ids)))}
        )
    return names


@dataclass
class FilterLists:
    """What the filters offer: every court, the program's offices and its staff, as (value, name)."""

    courts: list[tuple[str, str]] = field(default_factory=list)
    offices: list[tuple[str, str]] = field(default_factory=list)
    staff: list[tuple[str, str]] = field(default_factory=list)

    def names(self) -> dict[str, str]:
        """Each name by the key the appearance breakdowns use ("court-1", "office-2", a user's id)."""
        return dict(itertools.chain(self.courts, self.offices, self.staff))


def filter_lists(session: Session, user: User) -> FilterLists:
    """One statement: the courts, the program's offices and the program's staff, each sorted by
    name; a case manager whose reports are their own caseload has no staff filter, and the only
    manager their figures name is themselves."""
    own_caseload = caseload_only(user)
    found = FilterLists(staff=[(str(user.id), user.full_name)] if own_caseload else [])
    for what, number, name in session.execute(_filter_lists(not own_caseload), {"program": user.organization_id}):
        if what == "staff":
            found.staff.append((str(number), name))
        else:
            getattr(found, f"{what}s").append((f"{what}-{number}", name))
    return found


@cache  # built once and run with bound values: every report page runs it
def _filter_lists(with_staff: bool) -> AnySelect:
    program: BindParameter[int] = bindparam("program")
    lists = [
        select(literal("court").label("what"), Court.id.label("number"), Court.name.label("name")),
        select(literal("office"), Office.id, Office.name).where(Office.program_id == program),
    ]
    if with_staff:
        lists.append(
            select(literal("staff"), User.id, User.full_name).where(
                User.organization_id == program, User.role.in_(PROGRAM_ROLES)
            )
        )
    choices = union_all(*lists).subquery()
    return select(choices).order_by(choices.c.name, choices.c.number)


@dataclass(frozen=True)
class MissingOutcome:
    appointment_id: int
    local_date: date
    local_time: time
    kind: AppointmentKind
    family_id: int
    family_name: str
    place: str | None
    manager: str | None


def missing_outcomes(
    session: Session, user: User, filters: Filters, category: str, now: datetime, page: int, per_page: int
) -> tuple[list[MissingOutcome], bool, int]:
    """The dates of a category past with no outcome recorded: one page, whether more follow, and
    the count. Built once for each combination of filters and run with their values: the page,
    then the count only when the page does not show where the list ends."""
    names = (*APPOINTMENT_FILTERS, "language")
    values, own_caseload, present = _bound(user, filters, names, start=filters.start, end=filters.end, now=now)
    count, listing = _missing_statements(category, own_caseload, present)
    offset = (page - 1) * per_page
    rows = [
        MissingOutcome(*row) for row in session.execute(listing, values | {"offset": offset, "limit": per_page + 1})
    ]
    if len(rows) <= per_page and (rows or page == 1):  # the last page: the count is the rows before it and its own
        return rows, False, offset + len(rows)
    return rows[:per_page], len(rows) > per_page, int(session.scalar(count, values) or 0)


@cache
def _missing_statements(category: str, own_caseload: bool, present: tuple[str, ...]) -> tuple[Any, Any]:
    """The count and a page of the dates of `category` past with no outcome, of the reader's
    program (access.program_scoped), their values bound."""
    base = _bound_case_filters(access.program_scoped(Appointment), own_caseload, present).where(
        Appointment.kind.in_(KINDS_OF[category]),
        Appointment.local_date >= bindparam("start", type_=Date),
        Appointment.local_date <= bindparam("end", type_=Date),
        Appointment.status == AppointmentStatus.SCHEDULED,
        Appointment.outcome.is_(None),
        Appointment.starts_at < bindparam("now", type_=Appointment.starts_at.type),
    )
    base = _bound_appointment_filters(base, present)
    manager = aliased(User)
    listing = (
        base.with_only_columns(
            Appointment.id,
            Appointment.local_date,
            Appointment.local_time,
            Appointment.kind,
            Family.id,
            Family.display_name,
            func.coalesce(Court.name, Office.name),
            manager.full_name,
        )
        .outerjoin(Court, Court.id == Appointment.court_id)
        .outerjoin(Office, Office.id == Appointment.office_id)
        .outerjoin(manager, manager.id == Case.assigned_to_id)
        .order_by(Appointment.local_date, Appointment.local_time, Appointment.id)
        .offset(bindparam("offset"))
        .limit(bindparam("limit"))
    )
    return base.with_only_columns(func.count(Appointment.id)), listing


# Figure 2: reminder reach -------------------------------------------------------------------------

# The English sentence of interpreter-call tasks (before titles had keys), and their key since.
INTERPRETER_CALL_TITLE = "Call the family with a % interpreter about the date of %"
# The outbox's counts, per language and channel, as the reach query names its columns.
OUTBOX_COUNTS = (
    "planned",
    "sent",
    "delivered",
    "failed",
    "held_no_consent",
    "held_other",
    "cancelled",
    "waiting",
    "confirmed",
    "needs_help",
)


@dataclass
class ReachRow:
    key: str
    values: dict[str, int] = field(default_factory=dict)

    def __getitem__(self, name: str) -> int:
        return self.values.get(name, 0)

    def add(self, other: dict[str, int]) -> None:
        for name, value in other.items():
            self.values[name] = self.values.get(name, 0) + int(value or 0)


def _case_conditions(manager: Any, language: Any) -> list[ColumnElement[bool]]:
    """The case manager and household language filters of a statement joined to Case: `manager`
    and `language` are the values, or the bound parameters of a statement built once; None, no filter."""
    conditions = []
    if manager is not None:
        conditions.append(Case.assigned_to_id == manager)
    if language is not None:
        conditions.append(household_language(Case.family_id) == language)
    return conditions


def _case_filters(query: AnySelect, filters: Filters) -> AnySelect:
    return query.where(*_case_conditions(filters.manager_id or None, filters.language or None))


def _sum(condition: SQLColumnExpression[Any]) -> ColumnElement[Any]:
    return func.sum(case((condition, 1), else_=0))


@dataclass
class ReminderReach:
    by_language: list[ReachRow]
    by_channel: list[ReachRow]
    total: ReachRow


def outbox_counts() -> list[ColumnElement[Any]]:
    """What the reach report counts of a group of outbox rows, labelled as OUTBOX_COUNTS names them."""
    sent = Reminder.status == ReminderStatus.SENT
    return [
        func.count(Reminder.id).label("planned"),
        _sum(sent).label("sent"),
        _sum(and_(sent, Reminder.delivery_status.in_(DELIVERED))).label("delivered"),
        _sum(
            or_(Reminder.status == ReminderStatus.FAILED, and_(sent, Reminder.delivery_status.in_(UNDELIVERED)))
        ).label("failed"),
        _sum(and_(Reminder.status == ReminderStatus.SKIPPED, Reminder.last_error == CONSENT_WITHDRAWN_REASON)).label(
            "held_no_consent"
        ),
        _sum(
            and_(
                Reminder.status == ReminderStatus.SKIPPED,
                or_(Reminder.last_error.is_(None), Reminder.last_error != CONSENT_WITHDRAWN_REASON),
            )
        ).label("held_other"),
        _sum(Reminder.status == ReminderStatus.CANCELLED).label("cancelled"),
        _sum(Reminder.status.in_((ReminderStatus.PLANNED, ReminderStatus.SENDING))).label("waiting"),
        _sum(Reminder.reply == "confirmed").label("confirmed"),
        _sum(Reminder.reply == "needs_help").label("needs_help"),
    ]


# The filters of the outbox that need the date and the case of each row, as Filters names them.
APPOINTMENT_FILTERS = ("court_id", "office_id", "kind", "manager_id")


def reminder_reach(session: Session, user: User, filters: Filters, zone: str) -> ReminderReach:
    """The outbox of the period (rows due in it), by the recipient's language and by channel (whole
    months of the whole program: their monthly counts added up); the consents to reminders
    withdrawn in it (opt-outs); the interpreter calls raised in it. Three statements, built once
    for each combination of filters and run with their values."""
    start, end = filters.instants(zone)
    period = {"start_day": filters.start, "end_day": filters.end, "start": start, "end": end}
    values, own_caseload, present = _bound(user, filters, (*APPOINTMENT_FILTERS, "language"), **period)
    outbox, opt_outs, calls = _reach_statements(whole_program_months(user, filters), own_caseload, present)
    languages: dict[str, ReachRow] = {}
    channels: dict[str, ReachRow] = {}
    total = ReachRow("total")
    for row in session.execute(outbox, values):
        counted = {name: int(getattr(row, name) or 0) for name in OUTBOX_COUNTS}
        channel = row.channel.value if isinstance(row.channel, Channel) else str(row.channel)
        languages.setdefault(row.language or "", ReachRow(row.language or "")).add(counted)
        channels.setdefault(channel, ReachRow(channel)).add(counted)
        total.add(counted)
    for row in session.execute(opt_outs, values):
        channel = "sms" if row.kind is ConsentKind.SMS_REMINDERS else "email"
        languages.setdefault(row.language or "", ReachRow(row.language or "")).add({"opt_outs": row.n})
        channels.setdefault(channel, ReachRow(channel)).add({"opt_outs": row.n})
        total.add({"opt_outs": row.n})
    for row in session.execute(calls, values):
        counted = {"calls_created": int(row.created or 0), "calls_done": int(row.done or 0)}
        languages.setdefault(row.language or "", ReachRow(row.language or "")).add(counted)
        total.add(counted)
    order = lambda r: (-r["planned"] - r["calls_created"] - r["opt_outs"], r.key)  # noqa: E731
    return ReminderReach(
        sorted(languages.values(), key=order), [channels.get(c.value, ReachRow(c.value)) for c in Channel], total
    )


@cache
def _reach_statements(whole_months: bool, own_caseload: bool, present: tuple[str, ...]) -> tuple[Any, Any, Any]:
    """The reach report's three statements for one combination of filters, their values bound:
    the outbox (the monthly counts of whole months of the whole program, else the rows due in the
    period, through their date and case when a filter or a caseload asks for them), the opt-outs
    and the interpreter calls, each of the reader's program (access.program_scoped)."""
    start_day, end_day = bindparam("start_day", type_=Date), bindparam("end_day", type_=Date)
    start, end = bindparam("start", type_=Reminder.due_at.type), bindparam("end", type_=Reminder.due_at.type)
    language: BindParameter[str] = bindparam("language")
    if whole_months:
        month = ReminderMonth
        outbox = (
            select(
                month.language.label("language"),
                month.channel.label("channel"),
                *[func.sum(getattr(month, name)).label(name) for name in OUTBOX_COUNTS],
            )
            .where(month.program_id == bindparam("program_id"), month.month >= start_day, month.month <= end_day)
            .group_by(month.language, month.channel)
        )
    else:
        rows = access.program_scoped(Reminder).where(Reminder.due_at >= start, Reminder.due_at < end)
        if own_caseload or any(name in present for name in APPOINTMENT_FILTERS):
            rows = rows.join(Appointment, Reminder.appointment_id == Appointment.id).join(
                Case, Appointment.case_id == Case.id
            )
            rows = _bound_case_filters(_bound_appointment_filters(rows, present), own_caseload, present)
        elif "language" in present:
            rows = rows.where(household_language(Reminder.family_id) == language)
        outbox = rows.with_only_columns(
            Reminder.language.label("language"), Reminder.channel.label("channel"), *outbox_counts()
        ).group_by(Reminder.language, Reminder.channel)

    member_family = Member.family_id
    opt_outs = (
        access.program_scoped(Consent)
        .where(Consent.kind.in_(REMINDER_CONSENTS), Consent.revoked_on >= start_day, Consent.revoked_on <= end_day)
        .with_only_columns(
            Member.preferred_language.label("language"), Consent.kind.label("kind"), func.count(Consent.id).label("n")
        )
        .group_by(Member.preferred_language, Consent.kind)
    )
    opt_outs = opt_outs.where(*_bound_households(member_family, own_caseload, present))
    if "language" in present:
        opt_outs = opt_outs.where(household_language(member_family) == language)

    household = household_language(Case.family_id)
    calls = (
        _bound_case_filters(access.program_scoped(Task), own_caseload, present)
        .where(
            or_(
                Task.title_key == INTERPRETER_CALL.key,
                and_(Task.title_key.is_(None), Task.title.like(INTERPRETER_CALL_TITLE)),
            ),
            Task.created_at >= start,
            Task.created_at < end,
        )
        .with_only_columns(
            household.label("language"),
            func.count(Task.id).label("created"),
            _sum(Task.completed_at.is_not(None)).label("done"),
        )
        .group_by(household)
    )
    return outbox, opt_outs, calls


def _bound_households(
    family_id: SQLColumnExpression[Any], own_caseload: bool, present: tuple[str, ...]
) -> list[ColumnElement[bool]]:
    """For records of a household rather than of a case: the reader's own caseload and the case
    manager filter, as households with a case assigned to them (values bound)."""
    return [
        family_id.in_(select(Case.family_id).where(Case.assigned_to_id == bindparam(who)))
        for wanted, who in ((own_caseload, "user_id"), ("manager_id" in present, "manager_id"))
        if wanted
    ]


def _bound_appointment_filters(query: AnySelect, present: tuple[str, ...]) -> AnySelect:
    """The court, office and kind filters with their values bound (query joined to Appointment)."""
    bound: list[BindParameter[Any] | None] = [
        bindparam(name) if name in present else None for name in ("court_id", "office_id", "kind")
    ]
    return query.where(*_appointment_conditions(*bound))


def _bound_case_filters(query: AnySelect, own_caseload: bool, present: tuple[str, ...]) -> AnySelect:
    """`_narrow` and `_case_filters` with the values bound (query joined to Case)."""
    if own_caseload:
        query = query.where(Case.assigned_to_id == bindparam("user_id"))
    return query.where(
        *_case_conditions(
            bindparam("manager_id") if "manager_id" in present else None,
            bindparam("language") if "language" in present else None,
        )
    )


# Figure 6: caseload ------------------------------------------------------------------------------


@dataclass
class ManagerLoad:
    key: str
    name: str
    open_cases: int = 0
    in_intake: int = 0
    overdue_tasks: int = 0


@dataclass
class MonthFlow:
    key: str
    intakes: int = 0
    closures: dict[str, int] = field(default_factory=dict)

    @property
    def closed(self) -> int:
        return sum(self.closures.values())


@dataclass
class Caseload:
    managers: list[ManagerLoad]
    months: list[MonthFlow]
    closure_reasons: list[str]


def caseload(session: Session, user: User, filters: Filters, known: Mapping[str, str] | None = None) -> Caseload:
    """Open cases per case manager, intakes and closures (by reason) per month of the period, and
    overdue tasks per assignee, from the program's case facts and overdue tasks as last built (see
    reports.facts; the page says when). One statement, built once for each combination of filters
    and run with their values; the people are named from `known` (the filter lists' names), looked
    up only for those it lacks."""
    values, own_caseload, present = _bound(
        user, filters, ("manager_id", "language"), start=filters.start, end=filters.end
    )
    flows = _caseload_statement(own_caseload, present)
    loads: dict[str, ManagerLoad] = {}
    months = {f"{y:04d}-{m:02d}": MonthFlow(f"{y:04d}-{m:02d}") for y, m in filters.months}
    reasons: set[str] = set()
    for what, assigned, year, month, reason, n, intake in session.execute(flows, values):
        if what in ("open", "overdue"):
            load = loads.setdefault(str(assigned or ""), ManagerLoad(str(assigned or ""), ""))
            if what == "open":
                load.open_cases, load.in_intake = int(n), int(intake or 0)
            else:
                load.overdue_tasks = int(n)
        elif what == "opened":
            months[f"{int(year):04d}-{int(month):02d}"].intakes = int(n)
        else:
            reasons.add(reason or "")
            months[f"{int(year):04d}-{int(month):02d}"].closures[reason or ""] = int(n)
    names = staff_names(session, loads, known or {})
    for key, load in loads.items():
        load.name = names.get(key, "")
    managers = sorted(loads.values(), key=lambda load: (load.name == "", load.name, load.key))
    return Caseload(managers, list(months.values()), sorted(reasons, key=lambda r: (r == "", r)))


@cache
def _caseload_statement(own_caseload: bool, present: tuple[str, ...]) -> CompoundSelect[Any]:
    """The caseload's statement for one combination of filters, its values bound: the case facts of
    the reader's program (access.program_scoped) grouped three ways, and its overdue tasks (the
    program's own counts, read for the reader's program alone) by assignee."""
    start, end = bindparam("start", type_=Date), bindparam("end", type_=Date)
    fact, overdue = CaseFact, OverdueTasks
    narrowed = [fact.manager_id == bindparam("user_id")] if own_caseload else []
    narrowed += [getattr(fact, name) == bindparam(name) for name in present]
    cases = (
        access.program_scoped(CaseFact)
        .where(fact.program_id == bindparam("program_id"), *narrowed)
        .with_only_columns(
            fact.manager_id.label("manager_id"),
            fact.status.label("status"),
            fact.opened_on.label("opened_on"),
            fact.closed_on.label("closed_on"),
            fact.closed_reason.label("closed_reason"),
        )
        .cte("reached")
    )
    no_number, no_text = cast(null(), Integer), cast(null(), String)
    opened_year, opened_month = year_month(cases.c.opened_on)
    closed_year, closed_month = year_month(cases.c.closed_on)
    tasks = [overdue.program_id == bindparam("program_id")]
    tasks += [overdue.manager_id == bindparam("user_id")] if own_caseload else []
    tasks += [getattr(overdue, name) == bindparam(name) for name in present]
    return union_all(
        select(
            literal("open").label("what"),
            cases.c.manager_id.label("manager_id"),
            no_number.label("year"),
            no_number.label("month"),
            no_text.label("reason"),
            func.count().label("n"),
            _sum(cases.c.status == CaseStatus.INTAKE.value).label("intake"),
        )
        .select_from(cases)
        .where(cases.c.status != CaseStatus.CLOSED.value)
        .group_by(cases.c.manager_id),
        select(literal("opened"), no_number, opened_year, opened_month, no_text, func.count(), literal(0))
        .where(cases.c.opened_on >= start, cases.c.opened_on <= end)
        .group_by(opened_year, opened_month),
        select(
            literal("closed"),
            no_number,
            closed_year,
            closed_month,
            cases.c.closed_reason,
            func.count(),
            literal(0),
        )
        .where(cases.c.status == CaseStatus.CLOSED.value, cases.c.closed_on >= start, cases.c.closed_on <= end)
        .group_by(closed_year, closed_month, cases.c.closed_reason),
        select(literal("overdue"), overdue.assignee_id, no_number, no_number, no_text, func.sum(overdue.n), literal(0))
        .where(*tasks)
        .group_by(overdue.assignee_id),
    )


# Date arithmetic both databases agree on ---------------------------------------------------------


def days_between(
    session: Session, later: SQLColumnExpression[Any], earlier: SQLColumnExpression[Any]
) -> ColumnElement[Any]:
    """Whole days from one date column to another."""
    return _days_between(session.get_bind().dialect.name, later, earlier)


def _days_between(
    dialect: str, later: SQLColumnExpression[Any], earlier: SQLColumnExpression[Any]
) -> ColumnElement[Any]:
    if dialect == "sqlite":
        return cast(func.julianday(later) - func.julianday(earlier), Integer)
    return cast(later - earlier, Integer)


def plus_days(session: Session, day: SQLColumnExpression[Any], days: int) -> ColumnElement[Any]:
    if session.get_bind().dialect.name == "sqlite":
        return func.date(day, f"{days:+d} days")
    return day + days


def plus_years(session: Session, day: SQLColumnExpression[Any], years: int) -> ColumnElement[Any]:
    if session.get_bind().dialect.name == "sqlite":
        return func.date(day, f"{years:+d} years")
    return cast(day + func.make_interval(years), Date)


def local_day(session: Session, instant: SQLColumnExpression[Any], zone: str) -> ColumnElement[Any]:
    """The calendar day of a stored instant in `zone`: PostgreSQL converts it itself; on SQLite a
    function of this connection does, with the same zone database (zoneinfo)."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.timezone(zone, instant), Date)
    raw = session.connection().connection.driver_connection
    assert raw is not None, "a connection in use has its driver's connection"
    raw.create_function("casework_local_day", 2, _sqlite_local_day, deterministic=True)
    return func.casework_local_day(instant, zone)


def _sqlite_local_day(value: str | None, zone: str) -> str | None:
    if value is None:
        return None
    instant = datetime.fromisoformat(value)
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(ZoneInfo(zone)).date().isoformat()


LIST_SIZE = 50


def first_releases() -> Subquery[Any]:
    """Each household's first release in the reader's program (family_id, released_on; the program
    bound, access.program_scoped): the release with no earlier one (the lower id among two of the
    same day). Asked of each release by index rather than grouped, so that a condition on the day
    narrows the releases read, and PostgreSQL knows how many rows a period leaves."""
    from casework.releases.models import Release

    earlier = aliased(Release)
    before = or_(
        earlier.released_on < Release.released_on,
        and_(earlier.released_on == Release.released_on, earlier.id < Release.id),
    )
    return (
        access.program_scoped(Release)
        .where(~exists().where(earlier.family_id == Release.family_id, before))
        .with_only_columns(Release.family_id.label("family_id"), Release.released_on.label("released_on"))
        .subquery("first_release")
    )


# Figure 3: legal representation -------------------------------------------------------------------


@dataclass(frozen=True)
class MeritsRow:
    local_date: date
    local_time: time
    family_id: int
    family_name: str
    court: str | None
    manager: str | None


@dataclass
class RepresentationFigure:
    households: int = 0  # with a hearing in the period
    accepted: int = 0  # ... whose referral a legal partner had accepted by the end of the period
    appeared: int = 0  # ... for whom a notice of appearance was filed by then
    either: int = 0
    represented: int = 0  # households whose first notice of appearance was filed in the period
    median_days: float | None = None  # ... days from release to that notice, median
    merits_count: int = 0  # unrepresented households with a merits hearing within 60 days (today)
    merits: list[MeritsRow] = field(default_factory=list)


def representation(session: Session, user: User, filters: Filters, zone: str, now: datetime) -> RepresentationFigure:
    """Three statements: the households with a hearing (from the appearance facts) and their
    referrals; the release-to-representation delays; the merits hearings without counsel (their
    list, and their households counted apart only when the list is cut)."""
    figure = RepresentationFigure()
    _, end_instant = filters.instants(zone)
    values, own_caseload, present = _bound(
        user, filters, FACT_FILTERS, start=filters.start, end=filters.end, end_instant=end_instant
    )
    row = session.execute(_households_statement(own_caseload, present), values).one()
    figure.households, figure.accepted, figure.appeared, figure.either = (int(v or 0) for v in row)

    values, own_caseload, present = _bound(
        user, filters, ("manager_id", "language"), start=filters.start, end=filters.end
    )
    delays = _delays_statement(session.get_bind().dialect.name, own_caseload, present)
    # One number per household represented in the period: a few hundred at most a year.
    days = sorted(int(d) for d in session.scalars(delays, values))
    figure.represented = n = len(days)
    figure.median_days = (days[(n - 1) // 2] + days[n // 2]) / 2 if n else None

    values, own_caseload, present = _bound(
        user, filters, ("court_id", "manager_id", "language"), now=now, until=now + timedelta(days=60), rows=LIST_SIZE
    )
    listing, count = _merits_statements(own_caseload, present)
    figure.merits = [MeritsRow(*row) for row in session.execute(listing, values)]
    if len(figure.merits) < LIST_SIZE:  # the whole list: its households are the count
        figure.merits_count = len({row.family_id for row in figure.merits})
    else:
        figure.merits_count = int(session.scalar(count, values) or 0)
    return figure


@cache
def _delays_statement(dialect: str, own_caseload: bool, present: tuple[str, ...]) -> AnySelect:
    """The days from each household's first release to its first notice of appearance, for the
    notices filed in the period (`start` to `end`) in the reader's program, with the case filters
    set: built once for each combination and run with their values."""
    first = (
        _bound_case_filters(access.program_scoped(Referral), own_caseload, present)
        .where(Referral.appearance_filed_on.is_not(None))
        .with_only_columns(Case.family_id.label("family_id"), func.min(Referral.appearance_filed_on).label("filed_on"))
        .group_by(Case.family_id)
        .subquery("first_appearance")
    )
    released = first_releases()
    return (
        select(_days_between(dialect, first.c.filed_on, released.c.released_on).label("days"))
        .select_from(first)
        .join(released, released.c.family_id == first.c.family_id)
        .where(first.c.filed_on >= bindparam("start", type_=Date), first.c.filed_on <= bindparam("end", type_=Date))
    )


@cache
def _merits_statements(own_caseload: bool, present: tuple[str, ...]) -> tuple[AnySelect, AnySelect]:
    """The merits hearings of the next 60 days (from `now` to `until`) in the reader's program's
    open cases (access.program_scoped) that no legal partner represents: the first `rows` as the
    columns the list shows, and their households counted. Built once for each combination of
    filters and run with their values."""
    from legal.api import ReferralStatus, Representation

    counsel = select(Referral.case_id).where(
        Referral.status == ReferralStatus.ACCEPTED, Referral.representation == Representation.REPRESENTING
    )
    merits = _bound_case_filters(access.program_scoped(Appointment), own_caseload, present).where(
        Appointment.kind == AppointmentKind.INDIVIDUAL_HEARING,
        Appointment.status == AppointmentStatus.SCHEDULED,
        Appointment.outcome.is_(None),
        Appointment.starts_at >= bindparam("now", type_=Appointment.starts_at.type),
        Appointment.starts_at < bindparam("until", type_=Appointment.starts_at.type),
        Case.status != CaseStatus.CLOSED,
        Appointment.case_id.not_in(counsel),
    )
    if "court_id" in present:
        merits = merits.where(Appointment.court_id == bindparam("court_id"))
    manager = aliased(User)
    listing = (
        merits.with_only_columns(
            Appointment.local_date,
            Appointment.local_time,
            Family.id,
            Family.display_name,
            Court.name,
            manager.full_name,
        )
        .outerjoin(Court, Court.id == Appointment.court_id)
        .outerjoin(manager, manager.id == Case.assigned_to_id)
        .order_by(Appointment.starts_at, Appointment.id)
        .limit(bindparam("rows", type_=Integer))
    )
    return listing, merits.with_only_columns(func.count(func.distinct(Case.family_id)))


@cache
def _households_statement(own_caseload: bool, present: tuple[str, ...]) -> AnySelect:
    """The households of the reader's program (access.program_scoped) with a hearing in the period,
    cancelled ones left out, as the facts have them (their case manager and language when built,
    the `present` filters); and how many of them a legal partner had answered without declining
    before the period ended, had filed a notice of appearance for by its last day, or either.
    Built once for each combination of filters and run with their values."""
    from legal.api import ReferralStatus

    fact = AppearanceFact
    hearings = access.program_scoped(AppearanceFact).where(
        fact.program_id == bindparam("program_id"),
        fact.category == "hearing",
        fact.local_date >= bindparam("start", type_=Date),
        fact.local_date <= bindparam("end", type_=Date),
        fact.cancelled == false(),  # an equality, which the index's order answers
    )
    if own_caseload:
        hearings = hearings.where(fact.manager_id == bindparam("user_id"))
    for name in present:
        hearings = hearings.where(getattr(fact, name) == bindparam(name))
    households = hearings.with_only_columns(fact.family_id.label("family_id")).distinct().subquery("households")
    # What the program's referrals say of each household, read once for all of them (grouped), not
    # asked again for each household: answered without declining before the period ended, and a
    # notice of appearance filed by its last day.
    accepted = and_(
        Referral.answered_at.is_not(None),
        Referral.answered_at < bindparam("end_instant", type_=Referral.answered_at.type),
        Referral.status != ReferralStatus.DECLINED,
    )
    appeared = and_(
        Referral.appearance_filed_on.is_not(None), Referral.appearance_filed_on <= bindparam("end", type_=Date)
    )
    referred = (
        access.program_scoped(Referral)
        .with_only_columns(
            Case.family_id.label("family_id"),
            func.max(case((accepted, 1), else_=0)).label("accepted"),
            func.max(case((appeared, 1), else_=0)).label("appeared"),
        )
        .group_by(Case.family_id)
        .subquery("referred")
    )
    return (
        select(
            func.count(),
            _sum(referred.c.accepted == 1),
            _sum(referred.c.appeared == 1),
            _sum(or_(referred.c.accepted == 1, referred.c.appeared == 1)),
        )
        .select_from(households)
        .outerjoin(referred, referred.c.family_id == households.c.family_id)
    )


# Figure 5: deadlines -------------------------------------------------------------------------------


@dataclass
class DeadlineRow:
    key: str
    on_time: int = 0
    late: int = 0
    missed: int = 0
    pending: int = 0

    @property
    def total(self) -> int:
        return self.on_time + self.late + self.missed + self.pending


def deadlines(session: Session, user: User, filters: Filters, zone: str, today: date) -> list[DeadlineRow]:
    """The one-year asylum filing deadlines due in the period (met on time, met late, missed,
    pending), and the changes of address to file with the court and with USCIS within 5 days of
    the moves of the period (filed on time, late, not filed and past due, still within the 5 days).
    Three statements."""
    from casework.cases.models import TaskKind
    from scheduling.api import Deadline, DeadlineKind

    asylum = (
        _case_filters(_narrow(access.scoped(Deadline, user), user), filters)
        .where(
            Deadline.kind == DeadlineKind.ASYLUM_ONE_YEAR,
            Deadline.due_on >= filters.start,
            Deadline.due_on <= filters.end,
        )
        .with_only_columns(
            _sum(and_(Deadline.met_on.is_not(None), Deadline.met_on <= Deadline.due_on)).label("on_time"),
            _sum(and_(Deadline.met_on.is_not(None), Deadline.met_on > Deadline.due_on)).label("late"),
            _sum(and_(Deadline.met_on.is_(None), Deadline.due_on < today)).label("missed"),
            _sum(and_(Deadline.met_on.is_(None), Deadline.due_on >= today)).label("pending"),
        )
    )
    rows = [DeadlineRow("asylum", *(int(v or 0) for v in session.execute(asylum).one()))]
    done_on = local_day(session, Task.completed_at, zone)
    moved_on = plus_days(session, Task.due_on, -5)
    address = (
        _case_filters(_narrow(access.scoped(Task, user), user), filters)
        .where(
            Task.kind.in_((TaskKind.ADDRESS_CHANGE_COURT, TaskKind.ADDRESS_CHANGE_USCIS)),
            moved_on >= filters.start,
            moved_on <= filters.end,
        )
        .with_only_columns(
            Task.kind,
            _sum(and_(Task.completed_at.is_not(None), done_on <= Task.due_on)).label("on_time"),
            _sum(and_(Task.completed_at.is_not(None), done_on > Task.due_on)).label("late"),
            _sum(and_(Task.completed_at.is_(None), Task.due_on < today)).label("missed"),
            _sum(and_(Task.completed_at.is_(None), Task.due_on >= today)).label("pending"),
        )
        .group_by(Task.kind)
    )
    found = {
        kind: DeadlineRow(kind.value, *(int(v or 0) for v in values)) for kind, *values in session.execute(address)
    }
    for kind in (TaskKind.ADDRESS_CHANGE_COURT, TaskKind.ADDRESS_CHANGE_USCIS):
        rows.append(found.get(kind, DeadlineRow(kind.value)))
    return rows


# Figure 4: school ------------------------------------------------------------------------------------

ENROLLED_WITHIN = (30, 60, 90)


@dataclass
class SchoolFigure:
    children: int = 0  # school-age at the release of the period's households
    within: dict[int, int] = field(default_factory=dict)  # enrolled within N days of release (cumulative)
    later: int = 0
    not_enrolled: int = 0
    now_by_status: dict[str, int] = field(default_factory=dict)  # school-age today, open cases, not enrolled


def school(session: Session, user: User, filters: Filters, today: date) -> SchoolFigure:
    """From the program's child facts, as of their last build (reports.facts): the school-age
    children of the households first released in the period and when they were enrolled; the
    school-age children of open cases not enrolled today, by where they stand. One statement, each
    half reading the facts by its own index (the release day, the date of birth), built once for
    each combination of filters and run with their values."""
    from casework.schooling.services import birth_date_range

    oldest, youngest = birth_date_range(today)
    period = {"start": filters.start, "end": filters.end, "oldest": oldest, "youngest": youngest}
    values, own_caseload, present = _bound(user, filters, ("manager_id", "language"), **period)
    stmt = _school_statement(session.get_bind().dialect.name, own_caseload, present)
    figure = SchoolFigure()
    rows: list[Any] = list(session.execute(stmt, values))
    for what, key, *numbers in rows:
        if what == "waiting":
            figure.now_by_status[str(key)] = int(numbers[0])
            continue
        total, *within, later, not_enrolled = (int(v or 0) for v in numbers)
        figure.children, figure.later, figure.not_enrolled = total, later, not_enrolled
        figure.within = dict(zip(ENROLLED_WITHIN, within, strict=False))
    return figure


@cache
def _school_statement(dialect: str, own_caseload: bool, present: tuple[str, ...]) -> CompoundSelect[Any]:
    """The school report's statement for one combination of filters, its values bound: the child
    facts of the reader's program (access.program_scoped), of the reader's own caseload, of a case
    manager's households, of a household language."""
    from casework.schooling.models import EnrollmentStatus

    child = ChildFact
    children = access.program_scoped(ChildFact).where(child.program_id == bindparam("program_id"))
    children = children.where(*_bound_households(child.family_id, own_caseload, present))
    if "language" in present:
        children = children.where(child.language == bindparam("language"))
    enrolled = and_(child.enrollment_status == EnrollmentStatus.ENROLLED.value, child.enrolled_on.is_not(None))
    delay = _days_between(dialect, child.enrolled_on, child.released_on)
    at_release = children.where(
        child.released_on >= bindparam("start", type_=Date),
        child.released_on <= bindparam("end", type_=Date),
        child.school_age_at_release,
    ).with_only_columns(
        literal("released").label("what"),
        cast(null(), String).label("status"),
        func.count().label("n"),
        *[_sum(and_(enrolled, delay <= days)) for days in ENROLLED_WITHIN],
        _sum(and_(enrolled, delay > ENROLLED_WITHIN[-1])),
        _sum(or_(child.enrollment_status.is_(None), ~enrolled)),
    )
    status = func.coalesce(child.enrollment_status, literal(EnrollmentStatus.NOT_STARTED.value))
    waiting = (
        children.where(
            child.open_case,
            child.born >= bindparam("oldest", type_=Date),
            child.born <= bindparam("youngest", type_=Date),
            or_(child.enrollment_status.is_(None), child.enrollment_status != EnrollmentStatus.ENROLLED.value),
        )
        .with_only_columns(literal("waiting"), status, func.count(), *[literal(0)] * (len(ENROLLED_WITHIN) + 2))
        .group_by(status)
    )
    return union_all(at_release, waiting)


# Figure 7: reintegration, for in-country organizations ---------------------------------------------


def returnees_in_reach(user: User) -> AnySelect:
    """An in-country organization's returnee cases through the access scope: its supervisors and
    admins see them all, a case manager those assigned to them."""
    from reintegration.api import ReturneeCase

    query = access.scoped(ReturneeCase, user)
    return query if user.sees_whole_program else query.where(ReturneeCase.assigned_to_id == user.id)


@dataclass
class FollowUpRow:
    days: int
    on_time: int = 0
    late: int = 0
    missed: int = 0
    pending: int = 0

    @property
    def total(self) -> int:
        return self.on_time + self.late + self.missed + self.pending


@dataclass
class Reintegration:
    follow_ups: list[FollowUpRow]
    situation: dict[str, int]  # at each returnee's latest follow-up by the end of the period
    referrals: dict[str, dict[str, int]]  # service -> status -> count, referred in the period
    received: int
    handed_over: int


SITUATION = (
    "documents_obtained",
    "children_in_school",
    "working_or_training",
    "safe",
    "at_risk",
    "displaced",
    "migrated_again",
)


def reintegration(session: Session, user: User, filters: Filters, zone: str, today: date) -> Reintegration:
    """Four statements: follow-ups due in the period by how many days after the return (done on
    or before the day, done later, not done and past due, not due yet); the situation at each
    returnee's latest follow-up; provider referrals of the period by service and outcome; the
    returnees received in the period, and how many of them a US program handed over."""
    from reintegration.api import Answer, OutcomeRecord, ReturneeCase, SafetyStatus, WorkStatus
    from reintegration.api import Referral as ProviderReferral

    days = days_between(session, Task.due_on, ReturneeCase.returned_on)
    done_on = local_day(session, Task.completed_at, zone)
    follow_up = exists(select(Appointment.id).where(Appointment.follow_up_task_id == Task.id))
    rows = session.execute(
        returnees_in_reach(user)
        .join(Task, Task.case_id == ReturneeCase.case_id)
        .where(follow_up, Task.due_on >= filters.start, Task.due_on <= filters.end)
        .with_only_columns(
            days.label("days"),
            _sum(and_(Task.completed_at.is_not(None), done_on <= Task.due_on)),
            _sum(and_(Task.completed_at.is_not(None), done_on > Task.due_on)),
            _sum(and_(Task.completed_at.is_(None), Task.due_on < today)),
            _sum(and_(Task.completed_at.is_(None), Task.due_on >= today)),
        )
        .group_by(days)
        .order_by(days)
    )
    follow_ups = [FollowUpRow(int(d), *(int(v or 0) for v in values)) for d, *values in rows]

    later = aliased(OutcomeRecord)
    newer = exists(
        select(later.id).where(
            later.returnee_case_id == OutcomeRecord.returnee_case_id,
            later.recorded_on <= filters.end,
            or_(
                later.recorded_on > OutcomeRecord.recorded_on,
                and_(later.recorded_on == OutcomeRecord.recorded_on, later.id > OutcomeRecord.id),
            ),
        )
    )
    situation = session.execute(
        returnees_in_reach(user)
        .join(OutcomeRecord, OutcomeRecord.returnee_case_id == ReturneeCase.id)
        .where(OutcomeRecord.recorded_on <= filters.end, ~newer)
        .with_only_columns(
            func.count(OutcomeRecord.id),
            _sum(OutcomeRecord.documents_obtained == Answer.YES),
            _sum(OutcomeRecord.children_in_school == Answer.YES),
            _sum(OutcomeRecord.work.in_((WorkStatus.EMPLOYED, WorkStatus.SELF_EMPLOYED, WorkStatus.IN_TRAINING))),
            _sum(OutcomeRecord.safety == SafetyStatus.SAFE),
            _sum(OutcomeRecord.safety == SafetyStatus.AT_RISK),
            _sum(OutcomeRecord.safety == SafetyStatus.DISPLACED),
            _sum(OutcomeRecord.migrated_again == Answer.YES),
        )
    ).one()
    counts = [int(v or 0) for v in situation]
    referrals: dict[str, dict[str, int]] = {}
    scoped_referrals = access.scoped(ProviderReferral, user)
    if not user.sees_whole_program:
        scoped_referrals = scoped_referrals.where(ReturneeCase.assigned_to_id == user.id)
    for service, status, n in session.execute(
        scoped_referrals.where(
            ProviderReferral.referred_on >= filters.start, ProviderReferral.referred_on <= filters.end
        )
        .with_only_columns(ProviderReferral.service, ProviderReferral.status, func.count(ProviderReferral.id))
        .group_by(ProviderReferral.service, ProviderReferral.status)
    ):
        referrals.setdefault(service.value, {})[status.value] = int(n)
    received, handed = session.execute(
        returnees_in_reach(user)
        .where(ReturneeCase.returned_on >= filters.start, ReturneeCase.returned_on <= filters.end)
        .with_only_columns(func.count(ReturneeCase.id), _sum(ReturneeCase.us_case_id.is_not(None)))
    ).one()
    return Reintegration(
        follow_ups,
        {"total": counts[0], **dict(zip(SITUATION, counts[1:], strict=False))},
        referrals,
        int(received or 0),
        int(handed or 0),
    )
