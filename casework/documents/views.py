"""The documents' pages: attach a file to a family's record, download it, share it, remove it."""

from __future__ import annotations

from urllib.parse import quote

from cryptography.exceptions import InvalidTag
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from casework import access
from casework.access import requires
from casework.db import db
from casework.documents import services
from casework.documents.forms import DocumentForm, RemoveForm, ShareForm
from casework.documents.models import Document, DocumentType
from casework.documents.storage import StorageUnavailable, StoredFileMissing
from casework.errors import Conflict
from casework.extensions import DocumentSubject, registry
from casework.form_actions import performed, submitted
from casework.i18n import gettext as _
from casework.pagination import page_number
from casework.timeutil import today_for
from casework.urls import safe_next_url

bp = Blueprint("documents", __name__)


def _subjects() -> dict[str, DocumentSubject]:
    return registry(current_app).document_subjects


def _back(family_id: int) -> str:
    return safe_next_url(request.values.get("next")) or url_for("families.show", family_id=family_id) + "#files-h"


@bp.route("/families/<int:family_id>/documents/new", methods=["GET", "POST"])
@requires("attach_documents")
def new(family_id: int):
    family = access.get_family_or_404(db.session, current_user, family_id)
    form = DocumentForm()
    form.attached.choices = services.attach_choices(db.session, current_user, family, list(_subjects().values()))
    if not form.attached.choices:
        access.refuse(current_user)
    if request.method == "GET":
        about = request.args.get("about")
        if about in {value for value, _label in form.attached.choices}:
            form.attached.data = about
            subject = _subjects()[about.partition(":")[0]]
            form.shared_with_partners.data = subject.shared
    form.member_id.choices = [(0, _("The whole household")), *((m.id, m.full_name) for m in family.members)]

    def add() -> Document:
        subject, _colon, attached_id = (form.attached.data or "").partition(":")
        upload = form.file.data
        return services.add_document(
            db.session,
            current_user,
            family,
            services.NewDocument(
                document_type=DocumentType(form.document_type.data),
                subject=subject,
                attached_id=int(attached_id),
                member_id=form.member_id.data or None,
                document_date=form.document_date.data,
                expires_on=form.expires_on.data,
                shared_with_partners=bool(form.shared_with_partners.data) and access.has(current_user, "program_staff"),
                file_name=upload.filename or "",
            ),
            upload.stream,
            current_app.config["DOCUMENT_MAX_BYTES"],
            _subjects(),
            today_for(current_user),
            current_app.config["DOCUMENT_EXPIRY_ALERT_DAYS"],
        )

    if submitted(form, add, "file"):
        flash(_("The document is kept."), "success")
        return redirect(_back(family.id))
    return render_template(
        "documents/new.html",
        form=form,
        family=family,
        next_url=safe_next_url(request.values.get("next")),
        max_mb=current_app.config["DOCUMENT_MAX_BYTES"] // 1_000_000,
    )


@bp.route("/files/<int:file_id>/download")
@requires("reach_families")
def download(file_id: int):
    document = access.get_or_404(db.session, current_user, Document, file_id)
    try:
        chunks = services.download(db.session, current_user, document)
    except (StoredFileMissing, InvalidTag) as error:
        raise Conflict(_("This document's file cannot be opened. Tell your administrator.")) from error
    except StorageUnavailable as error:
        raise Conflict(_("The documents cannot be reached just now. Try again in a few minutes.")) from error
    response = Response(chunks, mimetype=document.content_type, direct_passthrough=True)
    response.headers["Content-Length"] = str(document.size)
    response.headers["Content-Disposition"] = _attachment(document.file_name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/files/<int:file_id>/downloads")
@requires("attach_documents")
def downloads(file_id: int):
    """Who downloaded the document, and when (the audit log's lines of it)."""
    document = access.get_or_404(db.session, current_user, Document, file_id)
    page = page_number()
    events, has_next = services.download_history(db.session, document, page, current_app.config["PAGE_SIZE"])
    return render_template(
        "documents/downloads.html",
        document=document,
        events=events,
        page=page,
        has_next=has_next,
        next_url=safe_next_url(request.args.get("next")),
    )


def _attachment(name: str) -> str:
    """Always a download, never shown inline; the name as typed for browsers that read RFC 5987."""
    plain = name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name)}"


@bp.route("/files/<int:file_id>/share", methods=["POST"])
@requires("program_staff")
def share(file_id: int):
    document = access.get_or_404(db.session, current_user, Document, file_id)
    form = ShareForm()
    if not form.validate_on_submit():
        abort(400)
    shared = bool(form.shared_with_partners.data)
    if performed(lambda: services.set_shared(db.session, current_user, document, shared)):
        flash(_("Legal partners may download it.") if shared else _("Legal partners no longer see it."), "success")
    return redirect(_back(document.family_id))


@bp.route("/files/<int:file_id>/remove", methods=["POST"])
@requires("attach_documents")
def remove(file_id: int):
    document = access.get_or_404(db.session, current_user, Document, file_id)
    if not RemoveForm().validate_on_submit():
        abort(400)
    family_id = document.family_id
    if performed(lambda: services.remove(db.session, current_user, document, _subjects())):
        flash(_("The document is removed."), "success")
    return redirect(_back(family_id))
