"""Reintegration: the in-country organization's returnee cases, and the hand-over from a US case."""
from __future__ import annotations

from functools import wraps
from typing import Any, Callable

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from casework import access
from casework.access import program_staff_required
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.cases import services as case_services
from casework.cases.models import Task
from casework.db import db
from casework.errors import CaseworkError
from casework.forms_common import show_error
from casework.i18n import country_choices, language_choices
from casework.pagination import page_number
from casework.timeutil import today_for
from reintegration import services
from reintegration.divisions import DIVISIONS, division_name
from reintegration.forms import COUNTRIES, AssessmentForm, HandoverForm, ReceptionForm, ReturnFields
from reintegration.models import ReturneeCase, ReturnMethod

bp = Blueprint("reintegration", __name__)


def staff_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Pages of an in-country organization's staff."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
        if not services.is_reintegration_staff(current_user):
            access._audit_refusal(db.session, current_user, "page", None)
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def _return_choices(form: ReturnFields) -> None:
    frequent = [(code, name) for code, name in country_choices() if code in COUNTRIES]
    others = [(code, name) for code, name in country_choices() if code not in COUNTRIES and code != "US"]
    form.country.choices = frequent + others
    names = dict(frequent)
    # Every country's divisions in one list (no script on the page); the service checks they match.
    form.division.choices = [("", "—")] + [(code, f"{names[country]} · {name}")
                                           for country in COUNTRIES for code, name in DIVISIONS[country]]


def _return_data(form: ReturnFields) -> services.ReturnData:
    relatives = [(form.relative_name.data, form.relative_relationship.data, form.relative_phone.data)] \
        if form.relative_name.data else []
    return services.ReturnData(
        country=form.country.data, returned_on=form.returned_on.data, method=ReturnMethod(form.method.data),
        arrival_point=form.arrival_point.data, reception_center=form.reception_center.data,
        division=form.division.data or None, municipality=form.municipality.data, phone=form.phone.data or None,
        notes=form.notes.data, relatives=relatives)


@bp.route("/reintegration")
@staff_required
def index():
    page = page_number()
    rows, has_next = services.cases_page(db.session, access.scoped(ReturneeCase, current_user), page,
                                         current_app.config["PAGE_SIZE"])
    return render_template("reintegration/index.html", cases=rows, page=page, has_next=has_next,
                           division_name=division_name)


@bp.route("/reintegration/cases/new", methods=["GET", "POST"])
@staff_required
def receive():
    form = ReceptionForm()
    if request.method == "GET":
        form.returned_on.data = today_for(current_user)
    _return_choices(form)
    form.preferred_language.choices = [("", "—")] + language_choices()
    if form.validate_on_submit():
        try:
            case = services.receive(db.session, current_user, {
                "given_names": form.given_names.data, "first_surname": form.first_surname.data,
                "second_surname": form.second_surname.data, "date_of_birth": form.date_of_birth.data,
                "preferred_language": form.preferred_language.data}, _return_data(form), today_for(current_user))
        except CaseworkError as error:
            db.session.rollback()
            show_error(form, error, "given_names")
        else:
            flash(_("The returnee is received."), "success")
            return redirect(url_for("reintegration.show", returnee_case_id=case.id))
    return render_template("reintegration/reception_form.html", form=form)


@bp.route("/reintegration/cases/<int:returnee_case_id>")
@staff_required
def show(returnee_case_id: int):
    case = access.get_or_404(db.session, current_user, ReturneeCase, returnee_case_id)
    record(db.session, current_user, AuditAction.VIEW, "returnee_case", case.id, case.family_id)
    db.session.commit()
    return render_template("reintegration/show.html", case=case, family=case.family,
                           division_name=division_name, follow_ups=services.follow_ups(db.session, case),
                           needs=services.needs(services.assessment_of(db.session, case)),
                           today=today_for(current_user))


@bp.route("/reintegration/cases/<int:returnee_case_id>/assessment", methods=["GET", "POST"])
@staff_required
def assessment(returnee_case_id: int):
    case = access.get_or_404(db.session, current_user, ReturneeCase, returnee_case_id)
    existing = services.assessment_of(db.session, case)
    if request.method == "GET" and existing is not None:
        form = AssessmentForm(data={**{n: getattr(existing, n).value for n in services.ANSWER_FIELDS},
                                    **{n: getattr(existing, n) for n in services.TEXT_FIELDS},
                                    "us_born_children": existing.us_born_children,
                                    "persecutors_are_officials": existing.persecutors_are_officials})
    else:
        form = AssessmentForm()
    if form.validate_on_submit():
        try:
            services.save_assessment(db.session, current_user, case, form.data)
        except CaseworkError as error:
            db.session.rollback()
            show_error(form, error, "threatened_by")
        else:
            flash(_("The assessment is saved."), "success")
            return redirect(url_for("reintegration.show", returnee_case_id=case.id))
    return render_template("reintegration/assessment_form.html", form=form, case=case)


@bp.route("/reintegration/tasks/<int:task_id>/done", methods=["POST"])
@staff_required
def task_done(task_id: int):
    task = access.get_or_404(db.session, current_user, Task, task_id)
    try:
        case_services.complete_task(db.session, current_user, task)
    except CaseworkError as error:
        flash(error.message, "error")
    else:
        flash(_("The follow-up is marked as done."), "success")
    returnee = db.session.scalars(access.scoped(ReturneeCase, current_user).where(
        ReturneeCase.case_id == task.case_id)).first()
    return redirect(url_for("reintegration.show", returnee_case_id=returnee.id) if returnee
                    else url_for("reintegration.index"))


@bp.route("/cases/<int:case_id>/handover", methods=["GET", "POST"])
@program_staff_required
def handover(case_id: int):
    """The US side: a case closed because the family was removed goes to an in-country organization."""
    us_case = access.get_case_or_404(db.session, current_user, case_id)
    done = services.handed_over_to(db.session, us_case.id)
    form = HandoverForm()
    if request.method == "GET":
        form.returned_on.data = us_case.closed_on
        form.country.data = next((m.country_of_birth for m in us_case.family.members if m.country_of_birth), None)
    _return_choices(form)
    form.organization_id.choices = [(0, "—")] + [(o.id, o.name) for o in services.in_country_organizations(db.session)]
    if done is None and form.validate_on_submit():
        try:
            services.hand_over(db.session, current_user, us_case, form.organization_id.data, form.consent_on.data,
                               _return_data(form), today_for(current_user))
        except CaseworkError as error:
            db.session.rollback()
            show_error(form, error, "organization_id")
        else:
            flash(_("The family is handed over; the in-country organization sees them now."), "success")
            return redirect(url_for("families.show", family_id=us_case.family_id))
    return render_template("reintegration/handover_form.html", form=form, case=us_case, done=done,
                           allowed=services.can_hand_over(us_case))


def family_section(session, user, family, case_ids, today) -> dict:  # type: ignore[no-untyped-def]
    from casework.cases.models import Case

    cases = [session.get(Case, cid) for cid in case_ids]
    removed = next((c for c in cases if c is not None and services.can_hand_over(c)), None)
    return {"removed": removed, "handed": services.handed_over_to(session, removed.id) if removed else None}
