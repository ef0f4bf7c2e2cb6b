from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask.blueprints import BlueprintSetupState
from flask_login import current_user

from casework import access
from casework.access import requires
from casework.accounts.services import staff_choices
from casework.cases import services
from casework.cases.closing import event_text
from casework.cases.forms import CLOSED_REASON_LABELS, STATUS_LABELS, AssignForm, NoteForm, StatusForm, TaskForm
from casework.cases.models import CaseStatus, ClosedReason, Task
from casework.cases.titles import CORE_TITLES, display_title
from casework.db import db
from casework.extensions import registry
from casework.form_actions import performed, submitted
from casework.forms_common import filled
from casework.i18n import gettext as _
from casework.pagination import page_number
from casework.timeutil import today_for

bp = Blueprint("cases", __name__)


@bp.record_once
def _register_titles(state: BlueprintSetupState) -> None:
    registry(state.app).task_titles.update({title.key: title for title in CORE_TITLES})


def task_title(task: Task) -> str:
    """Titles the system gives are written in the reader's language; typed ones as typed."""
    return display_title(task)


@bp.app_context_processor
def _helpers():
    return {
        "status_labels": STATUS_LABELS,
        "closed_reason_labels": CLOSED_REASON_LABELS,
        "task_title": task_title,
        "case_event_text": event_text,
    }


def _family_page(case):
    return redirect(url_for("families.show", family_id=case.family_id))


def _staff_choices(case):
    return [(0, _("Not assigned")), *staff_choices(db.session, case.family.program_id)]


@bp.route("/cases/<int:case_id>/status", methods=["GET", "POST"])
@requires("program_staff")
def status(case_id: int):
    """The status, and when closing a case with appointments still ahead (or reopening one whose
    appointments closing kept or cancelled) what becomes of them: one transaction, one commit."""
    case = access.get_case_or_404(db.session, current_user, case_id)
    form = StatusForm(status=case.status.value)
    ahead = services.dates_ahead(db.session, case)
    again = services.dates_to_plan_again(db.session, case)
    form.plan_again_label(len(again))
    if submitted(
        form,
        lambda: services.change_status(
            db.session,
            current_user,
            case,
            CaseStatus(form.status.data),
            ClosedReason(form.closed_reason.data) if form.closed_reason.data else None,
            today_for(current_user),
            ahead_choice=form.choice_of_ahead(),
            again_choice=form.choice_of_again(),
        ),
        "status",
    ):
        flash(_("The case status is saved."), "success")
        return _family_page(case)
    return render_template("cases/status_form.html", form=form, case=case, ahead=ahead, again=again)


@bp.route("/cases/<int:case_id>/assign", methods=["GET", "POST"])
@requires("program_staff")
def assign(case_id: int):
    case = access.get_case_or_404(db.session, current_user, case_id)
    form = AssignForm(assigned_to_id=case.assigned_to_id or 0)
    form.assigned_to_id.choices = _staff_choices(case)
    if submitted(
        form,
        lambda: services.reassign(db.session, current_user, case, form.assigned_to_id.data or None),
        "assigned_to_id",
    ):
        flash(_("The case is assigned."), "success")
        return _family_page(case)
    return render_template("cases/assign_form.html", form=form, case=case)


@bp.route("/cases/<int:case_id>/notes", methods=["GET", "POST"])
@requires("program_staff")
def add_note(case_id: int):
    case = access.get_case_or_404(db.session, current_user, case_id)
    form = NoteForm()
    if submitted(form, lambda: services.add_note(db.session, current_user, case, filled(form.body.data)), "body"):
        flash(_("The note is added."), "success")
        return _family_page(case)
    return render_template("cases/note_form.html", form=form, case=case)


@bp.route("/cases/<int:case_id>/tasks", methods=["GET", "POST"])
@requires("program_staff")
def add_task(case_id: int):
    case = access.get_case_or_404(db.session, current_user, case_id)
    form = TaskForm(assignee_id=current_user.id)
    form.assignee_id.choices = _staff_choices(case)
    if submitted(
        form,
        lambda: services.add_task(
            db.session,
            current_user,
            case,
            filled(form.title.data),
            filled(form.due_on.data),
            form.assignee_id.data or None,
        ),
        "title",
    ):
        flash(_("The task is added."), "success")
        return _family_page(case)
    return render_template("cases/task_form.html", form=form, case=case)


@bp.route("/tasks/<int:task_id>/complete", methods=["POST"])
@requires("program_staff")
def complete_task(task_id: int):
    task = access.get_or_404(db.session, current_user, Task, task_id)
    if performed(lambda: services.complete_task(db.session, current_user, task)):
        flash(_("The task is marked done."), "success")
    return _family_page(task.case)


@bp.route("/tasks/<int:task_id>/reopen", methods=["POST"])
@requires("program_staff")
def reopen_task(task_id: int):
    task = access.get_or_404(db.session, current_user, Task, task_id)
    if performed(lambda: services.reopen_task(db.session, current_user, task)):
        flash(_("The task is open again."), "success")
    return _family_page(task.case)


@bp.route("/tasks")
@requires("program_staff")
def my_tasks():
    page = page_number()
    tasks, has_next = services.open_tasks_for(
        db.session, current_user, page, current_app.config["PAGE_SIZE"], access.family_clause(current_user)
    )
    return render_template(
        "cases/my_tasks.html", tasks=tasks, has_next=has_next, page=page, today=today_for(current_user)
    )
