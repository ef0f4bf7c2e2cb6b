"""The import's pages: upload, map the columns, preview and decide on duplicates, progress, summary."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user

from casework import access
from casework.access import requires
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.db import db, utcnow
from casework.errors import ValidationError
from casework.form_actions import performed, submitted
from casework.i18n import gettext as _
from casework.timeutil import today_for
from imports import columns, services
from imports.forms import StartForm, UploadForm, mapping_form
from imports.models import RUNNING, DuplicateDecision, ImportJob, ImportStatus

bp = Blueprint("imports", __name__)


def _job(job_id: int) -> ImportJob:
    return access.get_program_record_or_404(db.session, current_user, ImportJob, job_id)


@bp.route("/imports", methods=["GET", "POST"])
@requires("import_caseload")
def index():
    form = UploadForm()
    done = submitted(
        form,
        lambda: services.upload(
            db.session,
            current_user,
            form.file.data.stream,
            form.file.data.filename or "",
            current_app.config["IMPORT_MAX_BYTES"],
        ),
        "file",
    )
    if done:
        return redirect(url_for("imports.mapping", job_id=done.value.id))
    jobs = services.jobs_of(db.session, current_user.organization_id)
    return render_template("imports/index.html", form=form, jobs=jobs, fields=columns.FIELDS)


@bp.route("/imports/template.csv")
@requires("import_caseload")
def template():
    """Headers in English and Spanish and one example row (fictional), to fill in."""
    response = Response("\ufeff" + columns.template_csv(), mimetype="text/csv")
    response.headers["Content-Disposition"] = "attachment; filename=caseload-template.csv"
    return response


@bp.route("/imports/<int:job_id>/mapping", methods=["GET", "POST"])
@requires("import_caseload")
def mapping(job_id: int):
    job = _job(job_id)
    if job.status not in (ImportStatus.MAPPING, ImportStatus.CHECKED):
        return redirect(url_for("imports.show", job_id=job.id))
    form = mapping_form(job.headers, job.mapped(), request.form if request.method == "POST" else None)
    if request.method == "GET":
        form.date_order.data = job.date_order or ""

    def save():
        chosen = {i: form[f"col_{i}"].data for i in range(len(job.headers)) if form[f"col_{i}"].data}
        return services.set_mapping(
            db.session,
            current_user,
            job,
            chosen,
            form.date_order.data or None,
            today_for(current_user),
            form.mapping_name.data or "default",
        )

    if submitted(form, save, "mapping"):
        return redirect(url_for("imports.show", job_id=job.id))
    return render_template("imports/mapping.html", job=job, form=form, examples=services.first_rows(job))


@bp.route("/imports/<int:job_id>")
@requires("import_caseload")
def show(job_id: int):
    """The preview while the import waits; its progress while it runs; its summary at the end."""
    job = _job(job_id)
    if job.status is ImportStatus.MAPPING:
        return redirect(url_for("imports.mapping", job_id=job.id))
    if job.status is ImportStatus.CHECKED:
        preview = services.stored_preview(job)
        return render_template(
            "imports/preview.html", job=job, preview=preview, form=StartForm(), labels=columns.LABELS
        )
    return render_template("imports/progress.html", job=job, running=job.status in RUNNING)


def _decisions() -> dict[int, tuple[DuplicateDecision, int | None]]:
    decisions: dict[int, tuple[DuplicateDecision, int | None]] = {}
    for name, value in request.form.items():
        if not name.startswith("decision-"):
            continue
        try:
            household = int(name.removeprefix("decision-"))
            decision = DuplicateDecision(value)
            family_text = request.form.get(f"family-{household}", "")
            family_id = int(family_text) if family_text else None
        except ValueError as error:
            raise ValidationError(
                _("Choose what to do with each household that is already here."), "decisions"
            ) from error
        decisions[household] = (decision, family_id)
    return decisions


@bp.route("/imports/<int:job_id>/start", methods=["POST"])
@requires("import_caseload")
def start(job_id: int):
    job = _job(job_id)
    form = StartForm()
    if not form.validate_on_submit():
        return redirect(url_for("imports.show", job_id=job.id))
    if performed(lambda: services.start(db.session, current_user, job, _decisions())):
        flash(_("The import has started; this page shows how far it has come."), "success")
    return redirect(url_for("imports.show", job_id=job.id))


@bp.route("/imports/<int:job_id>/cancel", methods=["POST"])
@requires("import_caseload")
def cancel(job_id: int):
    job = _job(job_id)
    if performed(lambda: services.cancel(db.session, current_user, job, utcnow())):
        flash(_("The import is cancelled and its file deleted. Households already imported stay."), "success")
    return redirect(url_for("imports.show", job_id=job.id))


@bp.route("/imports/<int:job_id>/failed.csv")
@requires("import_caseload")
def failed_rows(job_id: int):
    job = _job(job_id)
    record(db.session, current_user, AuditAction.VIEW, "import", job.id, detail="failed rows csv")
    response = Response(stream_with_context(services.failed_rows_csv(db.session, job)), mimetype="text/csv")
    response.headers["Content-Disposition"] = f"attachment; filename=import-{job.id}-failed-rows.csv"
    return response
