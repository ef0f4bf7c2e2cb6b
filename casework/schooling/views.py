from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from casework import access
from casework.access import requires
from casework.db import db
from casework.form_actions import submitted
from casework.i18n import gettext as _
from casework.schooling import services
from casework.schooling.forms import BARRIER_LABELS, STATUS_LABELS, EnrollmentForm
from casework.schooling.models import Barrier, EnrollmentStatus, SchoolEnrollment
from casework.timeutil import age_on, today_for

bp = Blueprint("schooling", __name__)


@bp.app_context_processor
def _labels():
    return {"enrollment_status_labels": STATUS_LABELS, "barrier_labels": BARRIER_LABELS}


def _data(form: EnrollmentForm) -> services.EnrollmentData:
    return services.EnrollmentData(
        status=EnrollmentStatus(form.status.data),
        barrier=Barrier(form.barrier.data) if form.barrier.data else None,
        barrier_notes=form.barrier_notes.data,
        district=form.district.data,
        school=form.school.data,
        grade=form.grade.data,
        enrolled_on=form.enrolled_on.data,
        english_learner_services=form.english_learner_services.data,
    )


@bp.route("/members/<int:member_id>/school", methods=["GET", "POST"])
@requires("program_staff")
def edit(member_id: int):
    member = access.get_member_or_404(db.session, current_user, member_id)
    today = today_for(current_user)
    if member.date_of_birth is None or not services.is_school_age(member, today):
        abort(404)
    enrollment = db.session.scalar(select(SchoolEnrollment).where(SchoolEnrollment.member_id == member.id))
    values = None
    if enrollment is not None:
        values = {
            "status": enrollment.status.value,
            "barrier": enrollment.barrier.value if enrollment.barrier else "",
            "barrier_notes": enrollment.barrier_notes,
            "district": enrollment.district,
            "school": enrollment.school,
            "grade": enrollment.grade,
            "enrolled_on": enrollment.enrolled_on,
            "english_learner_services": enrollment.english_learner_services,
        }
    form = EnrollmentForm(data=values)
    if submitted(
        form, lambda: services.update_enrollment(db.session, current_user, member, _data(form), today), "status"
    ):
        flash(_("The school enrollment is saved."), "success")
        return redirect(url_for("families.show", family_id=member.family_id, _anchor="school-h"))
    return render_template(
        "schooling/enrollment_form.html", form=form, member=member, age=age_on(member.date_of_birth, today)
    )
