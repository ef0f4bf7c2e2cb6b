"""Documents families carry (a Notice to Appear, a release order, a work permit, a national ID on
return), kept as files sealed with their own key in local or S3-compatible storage, attached to the
household or to a domain's record of it, with tasks before permits expire.

`init_app` is called by the app factory for the core: the blueprint, the storage, the access path,
the capability, the household and release as subjects, the daily jobs, retention and key rotation.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, current_app

from casework.i18n import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from casework import access
    from casework.audit.labels import OBJECT_TYPE_LABELS
    from casework.documents import demo, files, jobs, services, subjects
    from casework.documents.labels import DOCUMENT_TYPES, readable_size
    from casework.documents.models import Document
    from casework.documents.storage import storage_for
    from casework.documents.titles import DOCUMENT_EXPIRING
    from casework.documents.views import bp
    from casework.extensions import registry
    from casework.families.models import Family

    config = app.config
    config.setdefault("DOCUMENT_STORAGE", os.environ.get("DOCUMENT_STORAGE", "local"))
    for name in ("DOCUMENT_DIR", "DOCUMENT_S3_BUCKET", "DOCUMENT_S3_ENDPOINT", "DOCUMENT_S3_REGION"):
        config.setdefault(name, os.environ.get(name))
    config.setdefault("DOCUMENT_S3_ACCESS_KEY", os.environ.get("DOCUMENT_S3_ACCESS_KEY"))
    config.setdefault("DOCUMENT_S3_SECRET_KEY", os.environ.get("DOCUMENT_S3_SECRET_KEY"))
    config.setdefault("DOCUMENT_MAX_BYTES", int(os.environ.get("DOCUMENT_MAX_BYTES", str(20 * 1000 * 1000))))
    config.setdefault("DOCUMENT_EXPIRY_ALERT_DAYS", _alert_days(os.environ.get("DOCUMENT_EXPIRY_ALERT_DAYS", "")))
    # A request larger than a document and its form is refused before it is read.
    config["MAX_CONTENT_LENGTH"] = max(config["MAX_CONTENT_LENGTH"], config["DOCUMENT_MAX_BYTES"] + 100_000)
    files.install(app, storage_for(config, Path(app.instance_path)))

    app.register_blueprint(bp)
    access.register_path(Document, lambda q: q.join(Family, Document.family_id == Family.id))
    # Whoever may attach to some subject: the program's staff, an in-country organization's staff.
    access.register_capability(
        "attach_documents",
        lambda user: any(access.has(user, s.capability) for s in registry(current_app).document_subjects.values()),
    )
    plugins = registry(app)
    for subject in (subjects.HOUSEHOLD, subjects.RELEASE):
        plugins.document_subjects[subject.name] = subject
    plugins.jobs.append(("document-expiry", jobs.raise_expiry_tasks, {"trigger": "cron", "hour": 5, "minute": 23}))
    plugins.jobs.append(("document-orphans", jobs.sweep_orphans, {"trigger": "cron", "hour": 4, "minute": 53}))
    plugins.anonymizers.append(services.forget_family)
    plugins.demo_loaders.append(demo.load)
    plugins.key_rotations.append(services.rotate_keys)
    plugins.task_titles[DOCUMENT_EXPIRING.key] = DOCUMENT_EXPIRING
    OBJECT_TYPE_LABELS["document"] = _l("document")
    app.add_template_filter(readable_size, "filesize")
    app.jinja_env.globals.update(document_types=DOCUMENT_TYPES, document_subjects=plugins.document_subjects)


def _alert_days(setting: str) -> tuple[int, ...]:
    """DOCUMENT_EXPIRY_ALERT_DAYS ("90,30"): days before the end, positive, largest first; the
    default when unset. A wrong value stops the app at start rather than silently raising no task."""
    if not setting.strip():
        return (90, 30)
    try:
        days = sorted({int(part) for part in setting.split(",") if part.strip()}, reverse=True)
    except ValueError:
        raise ValueError(f"DOCUMENT_EXPIRY_ALERT_DAYS must be whole numbers of days, like 90,30: {setting!r}") from None
    if not days or days[-1] <= 0:
        raise ValueError(f"DOCUMENT_EXPIRY_ALERT_DAYS must be positive numbers of days, like 90,30: {setting!r}")
    return tuple(days)
