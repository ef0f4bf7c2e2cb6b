"""The appearance facts of a program, rebuilt whole: what each of its reported appointments counts
as (category, result, household language, representation at the hearing, what reached the family),
worked out in one INSERT ... SELECT so that a report page groups one narrow table; then those facts
counted per month and breakdown, and the program's outbox counted per month, language and channel,
which a report of whole months over the whole program adds up instead; and the child facts, what
the school report counts (each member's household release and school enrollment).

They are rebuilt by the `report-facts` job every few minutes, by a reader's "Refresh now", and by a
report page that finds them older than REPORT_FACTS_MAX_AGE (the scheduler stopped, or the first
report of a new program). A rebuild first locks the program's `FactsBuilt` row, so two rebuilds of
one program wait for each other instead of colliding; it adds and flushes, its caller commits.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    FromClause,
    Select,
    SQLColumnExpression,
    String,
    Subquery,
    and_,
    bindparam,
    case,
    cast,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.orm import Session

from casework.accounts.models import Organization, OrganizationKind
from casework.cases.models import Case, CaseStatus, Task
from casework.db import insert_for
from casework.families.models import Consent, Family, Member, Relationship
from casework.timeutil import today_in
from legal.api import Referral
from reports.models import (
    REPORT_TABLES,
    AppearanceFact,
    AppearanceMonth,
    CaseFact,
    ChildFact,
    FactsBuilt,
    OverdueTasks,
    ReminderMonth,
)
from reports.services import (
    DATE_MESSAGES,
    DELIVERED,
    EVERY_LANGUAGE,
    KINDS_OF,
    OUTBOX_COUNTS,
    REMINDER_CONSENTS,
    REPORTED_KINDS,
    UNDELIVERED,
    local_day,
    outbox_counts,
    plus_years,
    without_jit,
)
from scheduling.api import (
    Appointment,
    AppointmentStatus,
    Channel,
    Decision,
    Outcome,
    Reminder,
    ReminderStatus,
)


def category_of() -> ColumnElement[Any]:
    return case(
        (Appointment.kind.in_(KINDS_OF["hearing"]), literal("hearing")),
        (Appointment.kind.in_(KINDS_OF["check_in"]), literal("check_in")),
        else_=literal("uscis"),
    )


def result_of() -> ColumnElement[Any]:
    """attended, missed, left_out (cancelled or rescheduled), open (no outcome yet: the report
    counts it "missing" once its time has passed) or other. A hearing adjourned to a later date,
    or ending in a decision other than an in absentia order, was attended; an in absentia order
    means the family was not there."""
    in_absentia = Appointment.decision == Decision.IN_ABSENTIA_ORDER
    return case(
        (
            or_(Appointment.status == AppointmentStatus.CANCELLED, Appointment.outcome == Outcome.RESCHEDULED),
            literal("left_out"),
        ),
        (
            or_(
                Appointment.outcome.in_((Outcome.ATTENDED, Outcome.ADJOURNED)),
                and_(
                    Appointment.outcome == Outcome.DECISION,
                    or_(Appointment.decision.is_(None), Appointment.decision != Decision.IN_ABSENTIA_ORDER),
                ),
            ),
            literal("attended"),
        ),
        (or_(Appointment.outcome == Outcome.MISSED, in_absentia), literal("missed")),
        (Appointment.outcome.is_(None), literal("open")),
        else_=literal("other"),
    )


def represented_at_hearing() -> ColumnElement[Any]:
    """A hearing for which a legal partner had filed its notice of appearance (EOIR-28) on or
    before its date, the referral not closed before the hearing."""
    return and_(
        Appointment.kind.in_(KINDS_OF["hearing"]),
        exists(
            select(Referral.id).where(
                Referral.case_id == Appointment.case_id,
                Referral.appearance_filed_on.is_not(None),
                Referral.appearance_filed_on <= Appointment.local_date,
                or_(Referral.closed_at.is_(None), Referral.closed_at >= Appointment.starts_at),
            )
        ),
    )


def _consents(family_id: SQLColumnExpression[Any], *conditions: SQLColumnExpression[Any]) -> ColumnElement[Any]:
    return exists(
        select(Consent.id)
        .join(Member, Consent.member_id == Member.id)
        .where(Member.family_id == family_id, Consent.kind.in_(REMINDER_CONSENTS), *conditions)
    )


# What reached the household, as the level `reached_before` finds: the highest wins.
REACH_LEVELS = ((4, "sms_delivered"), (3, "sms_sent"), (2, "email_only"), (1, "failed"))


def reached_before(program_id: int) -> Subquery[Any]:
    """Per appointment of the program and household messaged, the best its messages did before its
    date, as a level: 4 a text delivered, 3 a text sent (not reported undelivered), 2 an email
    sent, 1 a message that failed; the highest level of any of its messages is the first of these
    that any of them did. One pass over the program's reminders, grouped, instead of a look-up per
    appointment; reminders neither sent nor failed reach no level and are left out."""
    sent_before = and_(Reminder.status == ReminderStatus.SENT, Reminder.sent_at < Appointment.starts_at)
    sms = Reminder.channel == Channel.SMS
    level = case(
        (and_(sent_before, sms, Reminder.delivery_status.in_(DELIVERED)), 4),
        (
            and_(
                sent_before,
                sms,
                or_(Reminder.delivery_status.is_(None), Reminder.delivery_status.not_in(UNDELIVERED)),
            ),
            3,
        ),
        (and_(sent_before, Reminder.channel == Channel.EMAIL), 2),
        (
            and_(
                Reminder.due_at < Appointment.starts_at,
                or_(
                    Reminder.status == ReminderStatus.FAILED,
                    and_(Reminder.status == ReminderStatus.SENT, Reminder.delivery_status.in_(UNDELIVERED)),
                ),
            ),
            1,
        ),
        else_=0,
    )
    return (
        select(
            Reminder.appointment_id.label("appointment_id"),
            Reminder.family_id.label("family_id"),
            func.max(level).label("level"),
        )
        .join(Appointment, Appointment.id == Reminder.appointment_id)
        .join(Family, Family.id == Reminder.family_id)
        .where(
            Family.program_id == program_id,
            Reminder.kind.in_(DATE_MESSAGES),
            Reminder.status.in_((ReminderStatus.SENT, ReminderStatus.FAILED)),
            Appointment.kind.in_(REPORTED_KINDS),
        )
        .group_by(Reminder.appointment_id, Reminder.family_id)
        .subquery("reached")
    )


def reach_of(
    reached: FromClause[Any], family_id: SQLColumnExpression[Any], local_date: SQLColumnExpression[Any]
) -> ColumnElement[Any]:
    """What reached the household before the date, the best that did:
    sms_delivered: a text the carrier confirmed delivered; sms_sent: a text sent, delivery never
    confirmed (nor reported failed); email_only: no text, an email sent (email delivery cannot be
    confirmed); then nothing reached them: failed (a message was tried and failed or bounced),
    other (consent to reminders in force on the date but nothing went out: no mobile number or
    email, no written text in their language, a date set too late), opted_out (no consent in
    force on the date, one was withdrawn before it), no_consent (none was ever given by then).
    Reminders and notices of a changed date count; a message sent after the date does not."""
    in_force = _consents(
        family_id,
        Consent.given_on <= local_date,
        or_(Consent.revoked_on.is_(None), Consent.revoked_on > local_date),
    )
    withdrawn = _consents(family_id, Consent.revoked_on.is_not(None), Consent.revoked_on <= local_date)
    return case(
        *[(reached.c.level == level, literal(name)) for level, name in REACH_LEVELS],
        (in_force, literal("other")),
        (withdrawn, literal("opted_out")),
        else_=literal("no_consent"),
    )


def _heads(program_id: int) -> Subquery[Any]:
    """The head's preferred language of each household of the program: the household's language
    (one row per household even if two members were ever marked head)."""
    return (
        select(Member.family_id.label("family_id"), func.min(Member.preferred_language).label("language"))
        .join(Family, Member.family_id == Family.id)
        .where(Family.program_id == program_id, Member.relationship_to_head == Relationship.HEAD)
        .group_by(Member.family_id)
        .subquery("heads")
    )


def _facts_of(program_id: int) -> Any:
    heads = _heads(program_id)
    reached = reached_before(program_id)
    return (
        select(
            Appointment.id,
            literal(program_id),
            Case.family_id,
            Case.assigned_to_id,
            Appointment.local_date,
            Appointment.starts_at,
            Appointment.kind,
            category_of(),
            result_of(),
            Appointment.status == AppointmentStatus.CANCELLED,
            Appointment.court_id,
            Appointment.office_id,
            heads.c.language,
            represented_at_hearing(),
            reach_of(reached, Case.family_id, Appointment.local_date),
        )
        .select_from(Appointment)
        .join(Case, Appointment.case_id == Case.id)
        .join(Family, Case.family_id == Family.id)
        .outerjoin(heads, heads.c.family_id == Case.family_id)
        .outerjoin(reached, and_(reached.c.appointment_id == Appointment.id, reached.c.family_id == Case.family_id))
        .where(Family.program_id == program_id, Appointment.kind.in_(REPORTED_KINDS))
        # Written in date order, a period's facts lie together on disk rather than one a page.
        .order_by(Appointment.local_date)
    )


COLUMNS = (
    "appointment_id",
    "program_id",
    "family_id",
    "manager_id",
    "local_date",
    "starts_at",
    "kind",
    "category",
    "result",
    "cancelled",
    "court_id",
    "office_id",
    "language",
    "represented",
    "reach",
)


def _month_keys(session: Session) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """A fact's month as its first day, and as the report's key ("2026-03")."""
    fact = AppearanceFact
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.date_trunc("month", fact.local_date), Date), func.to_char(fact.local_date, "YYYY-MM")
    return func.date(fact.local_date, "start of month"), func.strftime("%Y-%m", fact.local_date)


def _breakdown_keys() -> dict[str, SQLColumnExpression[Any]]:
    """Each breakdown's key, as services.appearance names the rows of its tables."""
    fact = AppearanceFact
    return {
        "summary": literal(""),
        "place": case(
            (fact.court_id.is_not(None), literal("court-") + cast(fact.court_id, String)),
            (fact.office_id.is_not(None), literal("office-") + cast(fact.office_id, String)),
            else_=literal("none"),
        ),
        "language": func.coalesce(fact.language, literal("")),
        "manager": func.coalesce(cast(fact.manager_id, String), literal("")),
        "representation": case((fact.represented, literal("represented")), else_=literal("unrepresented")),
        "reach": fact.reach,
    }


def _months_of(session: Session, program_id: int) -> Any:
    """The program's facts with an outcome, counted per month, breakdown, key, category and result:
    of every household, and of each household language."""
    fact = AppearanceFact
    first_day, month_key = _month_keys(session)
    keys = {"month": month_key, **_breakdown_keys()}
    language = func.coalesce(fact.language, literal(""))
    return union_all(
        *[
            select(literal(program_id), first_day, scope, literal(dim), key, fact.category, fact.result, func.count())
            .where(fact.program_id == program_id, fact.result != "open")
            .group_by(first_day, *group, key, fact.category, fact.result)
            for scope, group in ((literal(EVERY_LANGUAGE), ()), (language, (language,)))
            for dim, key in keys.items()
        ]
    )


def _reminder_months_of(session: Session, program_id: int) -> Any:
    """The program's outbox counted per month of the rows' due time in its zone, language and channel."""
    zone = session.scalar(select(Organization.timezone).where(Organization.id == program_id)) or "UTC"
    day = local_day(session, Reminder.due_at, zone)
    if session.get_bind().dialect.name == "postgresql":
        first_day: ColumnElement[Any] = cast(func.date_trunc("month", day), Date)
    else:
        first_day = func.date(day, "start of month")
    return (
        select(literal(program_id), first_day, Reminder.language, Reminder.channel, *outbox_counts())
        .join(Family, Reminder.family_id == Family.id)
        .where(Family.program_id == program_id)
        .group_by(first_day, Reminder.language, Reminder.channel)
    )


CHILD_COLUMNS = (
    "member_id",
    "program_id",
    "family_id",
    "born",
    "released_on",
    "school_age_at_release",
    "open_case",
    "enrollment_status",
    "enrolled_on",
    "language",
)


def _children_of(session: Session, program_id: int, today: date) -> Any:
    """The members of the program the school report can count: those of school age on their
    household's first release day (whatever the period, so whatever their age now) and those young
    enough to be of school age today or later (two days' margin: the report may be read a day after
    the rebuild, in another zone); with that day, whether their household has an open case, their
    enrollment and the household's language. The other adults are left out."""
    from casework.releases.models import Release
    from casework.schooling.models import SCHOOL_AGE_MAX, SCHOOL_AGE_MIN, SchoolEnrollment
    from casework.schooling.services import birth_date_range

    heads = _heads(program_id)
    first = (
        select(Release.family_id.label("family_id"), func.min(Release.released_on).label("released_on"))
        .join(Family, Release.family_id == Family.id)
        .where(Family.program_id == program_id)
        .group_by(Release.family_id)
        .subquery("first_release")
    )
    born = Member.date_of_birth
    school_age = and_(
        plus_years(session, born, SCHOOL_AGE_MIN) <= first.c.released_on,
        plus_years(session, born, SCHOOL_AGE_MAX + 1) > first.c.released_on,
    )
    open_case = exists(select(Case.id).where(Case.family_id == Member.family_id, Case.status != CaseStatus.CLOSED))
    return (
        select(
            Member.id,
            literal(program_id),
            Member.family_id,
            born,
            first.c.released_on,
            case((school_age, literal(True)), else_=literal(False)),
            open_case,
            cast(SchoolEnrollment.status, String),
            SchoolEnrollment.enrolled_on,
            heads.c.language,
        )
        .join(Family, Member.family_id == Family.id)
        .outerjoin(first, first.c.family_id == Member.family_id)
        .outerjoin(SchoolEnrollment, SchoolEnrollment.member_id == Member.id)
        .outerjoin(heads, heads.c.family_id == Member.family_id)
        .where(
            Family.program_id == program_id,
            born.is_not(None),
            or_(school_age, born >= birth_date_range(today)[0] - timedelta(days=2)),
        )
    )


CASE_COLUMNS = (
    "case_id",
    "program_id",
    "family_id",
    "manager_id",
    "language",
    "status",
    "opened_on",
    "closed_on",
    "closed_reason",
)


def _cases_of(program_id: int) -> Any:
    """The program's cases with their manager, household language, status, opening and closing."""
    heads = _heads(program_id)
    return (
        select(
            Case.id,
            literal(program_id),
            Case.family_id,
            Case.assigned_to_id,
            heads.c.language,
            cast(Case.status, String),
            Case.opened_on,
            Case.closed_on,
            cast(Case.closed_reason, String),
        )
        .join(Family, Case.family_id == Family.id)
        .outerjoin(heads, heads.c.family_id == Case.family_id)
        .where(Family.program_id == program_id)
    )


def _overdue_tasks_of(program_id: int, today: date) -> Any:
    """The program's open tasks due before `today`, counted per assignee, case manager and language."""
    heads = _heads(program_id)
    return (
        select(literal(program_id), Task.assignee_id, Case.assigned_to_id, heads.c.language, func.count())
        .join(Case, Task.case_id == Case.id)
        .join(Family, Case.family_id == Family.id)
        .outerjoin(heads, heads.c.family_id == Case.family_id)
        .where(Family.program_id == program_id, Task.completed_at.is_(None), Task.due_on < today)
        .group_by(Task.assignee_id, Case.assigned_to_id, heads.c.language)
    )


def _lock(session: Session, program_id: int) -> None:
    """Create the program's `FactsBuilt` row if missing, then lock it until the transaction ends
    (SQLite has one writer at a time already)."""
    session.execute(
        insert_for(session, FactsBuilt)
        .values(program_id=program_id, built_at=None)
        .on_conflict_do_nothing(index_elements=["program_id"])
    )
    session.execute(select(FactsBuilt.program_id).where(FactsBuilt.program_id == program_id).with_for_update())


def refresh(session: Session, program_id: int, now: datetime) -> None:
    """Rebuild the program's facts, their monthly counts, its outbox's, its child and case facts and
    its overdue tasks: delete them, work them out again, note when."""
    _lock(session, program_id)
    session.execute(delete(ChildFact).where(ChildFact.program_id == program_id))
    session.execute(insert(ChildFact).from_select(list(CHILD_COLUMNS), _children_of(session, program_id, now.date())))
    session.execute(delete(CaseFact).where(CaseFact.program_id == program_id))
    session.execute(insert(CaseFact).from_select(list(CASE_COLUMNS), _cases_of(program_id)))
    session.execute(delete(OverdueTasks).where(OverdueTasks.program_id == program_id))
    zone = session.scalar(select(Organization.timezone).where(Organization.id == program_id))
    session.execute(
        insert(OverdueTasks).from_select(
            ["program_id", "assignee_id", "manager_id", "language", "n"],
            _overdue_tasks_of(program_id, today_in(zone or "UTC", now)),
        )
    )
    session.execute(delete(ReminderMonth).where(ReminderMonth.program_id == program_id))
    session.execute(delete(AppearanceMonth).where(AppearanceMonth.program_id == program_id))
    session.execute(delete(AppearanceFact).where(AppearanceFact.program_id == program_id))
    session.execute(insert(AppearanceFact).from_select(list(COLUMNS), _facts_of(program_id)))
    session.execute(
        insert(AppearanceMonth).from_select(
            ["program_id", "month", "language", "dim", "key", "category", "result", "n"],
            _months_of(session, program_id),
        )
    )
    session.execute(
        insert(ReminderMonth).from_select(
            ["program_id", "month", "language", "channel", *OUTBOX_COUNTS], _reminder_months_of(session, program_id)
        )
    )
    built = session.get(FactsBuilt, program_id, populate_existing=True)
    assert built is not None  # _lock made it
    built.built_at = now
    session.flush()


def forget_family(session: Session, family_id: int, case_ids: list[int]) -> None:
    """Retention anonymizes the household: its facts, which copy its members' birth dates and its
    language, go at once; the next rebuild works them out from what anonymization kept."""
    session.execute(delete(ChildFact).where(ChildFact.family_id == family_id))
    session.execute(delete(AppearanceFact).where(AppearanceFact.family_id == family_id))
    session.execute(delete(CaseFact).where(CaseFact.family_id == family_id))


def built_at(session: Session, program_id: int) -> datetime | None:
    return session.scalar(_built_at(), {"program_id": program_id})


@cache  # every report page asks: built once and run with the program bound
def _built_at() -> Select[datetime | None]:
    return select(FactsBuilt.built_at).where(FactsBuilt.program_id == bindparam("program_id"))


def ensure_fresh(session: Session, program_id: int, now: datetime, max_age: timedelta) -> datetime:
    """The program's facts, rebuilt first if they were never built or are older than `max_age`;
    returns when they were built."""
    when = built_at(session, program_id)
    if when is None or now - when > max_age:
        refresh(session, program_id, now)
        return now
    return when


def refresh_programs(session: Session, now: datetime, older_than: timedelta) -> int:
    """The job: rebuild every program's facts built longer ago than `older_than`; how many.
    (A report request has set the planner up already, see reports.views.)"""
    without_jit(session)
    stale = session.scalars(
        select(Organization.id)
        .outerjoin(FactsBuilt, FactsBuilt.program_id == Organization.id)
        .where(
            Organization.kind == OrganizationKind.PROGRAM,
            or_(FactsBuilt.built_at.is_(None), FactsBuilt.built_at < now - older_than),
        )
        .order_by(Organization.id)
    ).all()
    for program_id in stale:
        refresh(session, program_id, now)
    if stale and session.get_bind().dialect.name == "postgresql":
        # Rebuilt rows are new to the planner: without fresh statistics it reads them by index, row by row.
        session.execute(text(f"ANALYZE {', '.join(REPORT_TABLES)}"))
    return len(stale)
