from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from casework import access
from casework.access import requires
from casework.db import db
from casework.form_actions import submitted
from casework.forms_common import filled
from casework.i18n import gettext as _
from casework.releases import services
from casework.releases.forms import AGENCY_LABELS, DOCUMENT_LABELS, RELEASE_TYPE_LABELS, DocumentForm, ReleaseForm
from casework.releases.models import DocumentKind, Release, ReleaseDocument, ReleaseType, ReleasingAgency
from casework.timeutil import today_for

bp = Blueprint("releases", __name__)


@bp.app_context_processor
def _labels():
    return {
        "agency_labels": AGENCY_LABELS,
        "release_type_labels": RELEASE_TYPE_LABELS,
        "document_labels": DOCUMENT_LABELS,
    }


def _values(release: Release) -> dict:
    names = ("arrived_on", "released_on", "facility", "destination", "sponsor_name", "sponsor_relationship", "notes")
    return {
        **{name: getattr(release, name) for name in names},
        "member_id": release.member_id or 0,
        "agency": release.agency.value,
        "release_type": release.release_type.value,
    }


def _form(family, release: Release | None = None, **kwargs) -> ReleaseForm:
    form = ReleaseForm(data=_values(release) if release else None, **kwargs)
    form.member_id.choices = [(0, _("The whole household"))] + [(m.id, m.full_name) for m in family.members]
    return form


def _data(form: ReleaseForm) -> services.ReleaseData:
    return services.ReleaseData(
        member_id=form.member_id.data or None,
        arrived_on=form.arrived_on.data,
        released_on=filled(form.released_on.data),
        agency=ReleasingAgency(form.agency.data),
        release_type=ReleaseType(form.release_type.data),
        facility=form.facility.data,
        destination=form.destination.data,
        sponsor_name=form.sponsor_name.data,
        sponsor_relationship=form.sponsor_relationship.data,
        notes=form.notes.data,
    )


@bp.route("/families/<int:family_id>/releases/new", methods=["GET", "POST"])
@requires("program_staff")
def new(family_id: int):
    family = access.get_family_or_404(db.session, current_user, family_id)
    form = _form(family)
    if submitted(
        form,
        lambda: services.create_release(db.session, current_user, family, _data(form), today_for(current_user)),
        "released_on",
    ):
        flash(_("The release is recorded."), "success")
        return redirect(url_for("families.show", family_id=family.id, _anchor="releases-h"))
    return render_template("releases/release_form.html", form=form, family=family, release=None)


@bp.route("/releases/<int:release_id>/edit", methods=["GET", "POST"])
@requires("program_staff")
def edit(release_id: int):
    release = access.get_or_404(db.session, current_user, Release, release_id)
    family = access.get_family_or_404(db.session, current_user, release.family_id)
    form = _form(family, release)
    if submitted(
        form,
        lambda: services.update_release(
            db.session, current_user, release, family, _data(form), today_for(current_user)
        ),
        "released_on",
    ):
        flash(_("The release is saved."), "success")
        return redirect(url_for("families.show", family_id=family.id, _anchor="releases-h"))
    return render_template(
        "releases/release_form.html", form=form, family=family, release=release, document_form=DocumentForm()
    )


@bp.route("/releases/<int:release_id>/documents", methods=["POST"])
@requires("program_staff")
def add_document(release_id: int):
    release = access.get_or_404(db.session, current_user, Release, release_id)
    family = access.get_family_or_404(db.session, current_user, release.family_id)
    document_form = DocumentForm()
    if submitted(
        document_form,
        lambda: services.add_document(
            db.session,
            current_user,
            release,
            DocumentKind(document_form.kind.data),
            document_form.received_on.data,
            today_for(current_user),
        ),
        "kind",
    ):
        flash(_("The document is added."), "success")
        return redirect(url_for("releases.edit", release_id=release.id))
    form = _form(family, release, formdata=None)
    return render_template(
        "releases/release_form.html", form=form, family=family, release=release, document_form=document_form
    )


@bp.route("/documents/<int:document_id>/share", methods=["POST"])
@requires("program_staff")
def share_document(document_id: int):
    document = access.get_or_404(db.session, current_user, ReleaseDocument, document_id)
    services.set_document_shared(db.session, current_user, document, not document.shared_with_partners)
    flash(
        _("Legal partners working on the case now see this document.")
        if document.shared_with_partners
        else _("Legal partners no longer see this document."),
        "success",
    )
    return redirect(url_for("releases.edit", release_id=document.release_id))


@bp.route("/documents/<int:document_id>/remove", methods=["POST"])
@requires("program_staff")
def remove_document(document_id: int):
    document = access.get_or_404(db.session, current_user, ReleaseDocument, document_id)
    release_id = document.release_id
    services.remove_document(db.session, current_user, document)
    flash(_("The document is removed."), "success")
    return redirect(url_for("releases.edit", release_id=release_id))
