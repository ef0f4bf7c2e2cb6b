"""School enrollment of children aged 5 to 18 on the day."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.families.models import Family, Member
from casework.schooling.models import SCHOOL_AGE_MAX, SCHOOL_AGE_MIN, SchoolEnrollment
from casework.timeutil import add_years, age_on


@dataclass
class Child:
    member: Member
    age: int
    enrollment: SchoolEnrollment | None


def birth_date_range(on: date) -> tuple[date, date]:
    """Birth dates of children aged SCHOOL_AGE_MIN to SCHOOL_AGE_MAX on `on`, inclusive."""
    youngest = add_years(on, -SCHOOL_AGE_MIN)
    oldest = date.fromordinal(add_years(on, -(SCHOOL_AGE_MAX + 1)).toordinal() + 1)
    return oldest, youngest


def for_family(session: Session, family: Family, on: date) -> list[Child]:
    children = [m for m in family.members if m.date_of_birth and
                SCHOOL_AGE_MIN <= age_on(m.date_of_birth, on) <= SCHOOL_AGE_MAX]
    if not children:
        return []
    enrollments = {e.member_id: e for e in session.scalars(
        select(SchoolEnrollment).where(SchoolEnrollment.member_id.in_([m.id for m in children])))}
    return [Child(m, age_on(m.date_of_birth, on), enrollments.get(m.id)) for m in children]  # type: ignore[arg-type]
