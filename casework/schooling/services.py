"""School enrollment of children aged 5 to 18 on the day."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from casework.accounts.models import User
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.cases.models import Case, CaseStatus
from casework.errors import NotAllowed, ValidationError
from casework.families.models import Family, Member
from casework.forms_common import blank_to_none
from casework.i18n import lazy_gettext as _l
from casework.releases.models import Release
from casework.schooling.models import SCHOOL_AGE_MAX, SCHOOL_AGE_MIN, Barrier, EnrollmentStatus, SchoolEnrollment
from casework.timeutil import add_years, age_on


@dataclass
class Child:
    member: Member
    age: int
    enrollment: SchoolEnrollment | None
    alert: bool = False

    @property
    def status(self) -> EnrollmentStatus:
        return self.enrollment.status if self.enrollment else EnrollmentStatus.NOT_STARTED


@dataclass
class EnrollmentData:
    status: EnrollmentStatus
    barrier: Barrier | None = None
    barrier_notes: str | None = None
    district: str | None = None
    school: str | None = None
    grade: str | None = None
    enrolled_on: date | None = None
    english_learner_services: bool = False


def birth_date_range(on: date) -> tuple[date, date]:
    """Birth dates of children aged SCHOOL_AGE_MIN to SCHOOL_AGE_MAX on `on`, inclusive."""
    youngest = add_years(on, -SCHOOL_AGE_MIN)
    oldest = date.fromordinal(add_years(on, -(SCHOOL_AGE_MAX + 1)).toordinal() + 1)
    return oldest, youngest


def is_school_age(member: Member, on: date) -> bool:
    return member.date_of_birth is not None and SCHOOL_AGE_MIN <= age_on(member.date_of_birth, on) <= SCHOOL_AGE_MAX


def enrollment_clock_start(releases: Sequence[Release], cases: Sequence[Case]) -> date | None:
    """The day the enrollment clock starts: the household's first release, else the opening of its
    open case (as the dashboard's alert counts it)."""
    if releases:
        return min(r.released_on for r in releases)
    return min((c.opened_on for c in cases if c.status is not CaseStatus.CLOSED), default=None)


def for_family(
    session: Session,
    family: Family,
    on: date,
    releases: Sequence[Release],
    cases: Sequence[Case],
    alert_days: int,
) -> list[Child]:
    """The household's school-age children and their enrollment (loaded with the members: see
    families.services.family_page_options); `releases` and `cases` are the family's (the page has
    them already), `alert_days` the program's enrollment alert."""
    children = [m for m in family.members if is_school_age(m, on)]
    if not children:
        return []
    started = enrollment_clock_start(releases, cases)
    overdue = started is not None and started + timedelta(days=alert_days) <= on
    result = []
    for member in children:
        assert member.date_of_birth is not None  # a child of school age has a known birth date
        child = Child(member, age_on(member.date_of_birth, on), member.school_enrollment)
        child.alert = overdue and child.status is not EnrollmentStatus.ENROLLED
        result.append(child)
    return result


def update_enrollment(
    session: Session, user: User, member: Member, data: EnrollmentData, today: date
) -> SchoolEnrollment:
    if not is_school_age(member, today):
        raise NotAllowed(str(_l("School enrollment is followed for children aged 5 to 18.")), "status")
    if data.status is EnrollmentStatus.ENROLLED:
        if not blank_to_none(data.school):
            raise ValidationError(str(_l("Name the school.")), "school")
        if data.enrolled_on is None:
            raise ValidationError(str(_l("Give the date of enrollment.")), "enrolled_on")
    if data.enrolled_on and data.enrolled_on > today:
        raise ValidationError(str(_l("The date of enrollment cannot be in the future.")), "enrolled_on")
    if data.status is EnrollmentStatus.BARRIER and data.barrier is None:
        raise ValidationError(str(_l("Say what stands in the way.")), "barrier")
    enrollment = session.scalar(select(SchoolEnrollment).where(SchoolEnrollment.member_id == member.id))
    created = enrollment is None
    if enrollment is None:
        enrollment = SchoolEnrollment(member_id=member.id)
        session.add(enrollment)
    enrollment.status = data.status
    enrollment.barrier = data.barrier if data.status is EnrollmentStatus.BARRIER else None
    enrollment.barrier_notes = blank_to_none(data.barrier_notes) if data.status is EnrollmentStatus.BARRIER else None
    enrollment.district = blank_to_none(data.district)
    enrollment.school = blank_to_none(data.school)
    enrollment.grade = blank_to_none(data.grade)
    enrollment.enrolled_on = data.enrolled_on if data.status is EnrollmentStatus.ENROLLED else None
    enrollment.english_learner_services = data.english_learner_services
    session.flush()
    record(
        session,
        user,
        AuditAction.CREATE if created else AuditAction.CHANGE,
        "school_enrollment",
        enrollment.id,
        member.family_id,
        detail=f"status {data.status.value}",
    )
    session.flush()
    return enrollment


def anonymize_enrollments(session: Session, member_ids: list[int]) -> None:
    if member_ids:
        session.execute(
            update(SchoolEnrollment)
            .where(SchoolEnrollment.member_id.in_(member_ids))
            .values(school=None, district=None, barrier_notes=None)
        )
