"""Bringing an existing caseload in: CSV and Excel files of households, members, cases and dates,
with a mapping of columns, a preview with duplicate checks, and an import run in the background.

`init_app` is what the app factory calls: the blueprint, the capability, the link on the family
list, the background job and the command. Imports write through the core's and scheduling's
public services, as the forms do; nothing imports imports.
"""

from __future__ import annotations

import os

from flask import Flask

from casework.i18n import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from casework import access
    from casework.audit.labels import OBJECT_TYPE_LABELS
    from casework.extensions import NavLink, registry
    from imports import cli, jobs, services
    from imports.forms import STATUS_LABELS
    from imports.views import bp

    app.config.setdefault("IMPORT_MAX_BYTES", int(os.environ.get("IMPORT_MAX_BYTES", str(20 * 1000 * 1000))))
    # A request larger than an import's file and its form is refused before it is read.
    app.config["MAX_CONTENT_LENGTH"] = max(app.config["MAX_CONTENT_LENGTH"], app.config["IMPORT_MAX_BYTES"] + 100_000)
    app.register_blueprint(bp)
    app.cli.add_command(cli.import_cli)
    # A program's admins and supervisors bring its caseload in.
    access.register_capability("import_caseload", lambda user: access.has(user, "supervise_program"))
    plugins = registry(app)
    plugins.family_list_links.append(NavLink("imports.index", _l("Import"), "import_caseload"))
    plugins.jobs.append(("caseload-import", jobs.run_imports, {"trigger": "interval", "seconds": 10}))
    plugins.jobs.append(("caseload-import-prune", jobs.prune_imports, {"trigger": "cron", "hour": 4, "minute": 7}))
    plugins.anonymizers.append(services.forget_household)
    plugins.key_rotations.append(services.rotate_keys)
    app.context_processor(lambda: {"import_status_labels": STATUS_LABELS})
    OBJECT_TYPE_LABELS.update({"import": _l("caseload import"), "imported_household": _l("imported household")})
