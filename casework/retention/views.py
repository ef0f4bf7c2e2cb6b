from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_login import current_user

from casework import access
from casework.access import requires
from casework.db import db
from casework.retention import services
from casework.timeutil import today_for

bp = Blueprint("retention", __name__)


def policy() -> services.RetentionPolicy:
    return services.RetentionPolicy(current_app.config["RETENTION_YEARS"], current_app.config["RETENTION_WARNING_DAYS"])


@bp.route("/retention")
@requires("read_audit")
def index():
    today = today_for(current_user)
    listed = services.warning_list(db.session, access.family_clause(current_user), today, policy())
    return render_template("retention/index.html", listed=listed, policy=policy(), today=today)
