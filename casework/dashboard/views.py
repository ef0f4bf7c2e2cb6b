from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user

from casework import access
from casework.access import requires
from casework.dashboard import services
from casework.db import db
from casework.extensions import registry
from casework.timeutil import today_for

bp = Blueprint("dashboard", __name__)


@bp.route("/dashboard")
@requires("program_staff")
def index():
    reader = current_user._get_current_object()  # the account itself: each panel reads it
    whole_program = access.has(reader, "supervise_program") and request.args.get("view") == "program"
    today = today_for(reader)
    args = (db.session, reader, whole_program)
    households = services.family_panels(*args)
    tasks = services.task_panels(*args, today)
    return render_template(
        "dashboard/index.html",
        whole_program=whole_program,
        today=today,
        counts=services.counts(*args),
        families=households["families"],
        overdue=tasks["overdue"],
        upcoming=tasks["upcoming"],
        unenrolled=services.unenrolled_children(*args, today),
        no_consent=households["no_consent"],
        address_changes=tasks["address"],
        expiring=services.expiring_documents(*args, today, max(current_app.config["DOCUMENT_EXPIRY_ALERT_DAYS"])),
        sections=[
            (s.template, s.load(db.session, reader, whole_program, today))
            for s in registry(current_app).dashboard_sections
        ],
    )
