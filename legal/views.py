"""Legal referrals: the program's side (refer, follow, close, watch) and the partner portal."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy.orm import Session

from casework import access
from casework.access import requires
from casework.accounts import services as account_services
from casework.accounts.models import Organization, OrganizationKind, User
from casework.audit.models import AuditAction
from casework.audit.services import record_now
from casework.db import db, utcnow
from casework.documents import services as document_services
from casework.extensions import registry
from casework.families.identifiers import format_a_number, format_phone, parse_phone
from casework.families.models import Family
from casework.form_actions import performed, submitted
from casework.forms_common import filled
from casework.i18n import gettext as _
from casework.i18n import language_choices
from casework.pagination import page_number
from casework.releases.models import ReleaseDocument
from casework.timeutil import today_for
from legal import services
from legal.forms import (
    CloseForm,
    ColleagueForm,
    DeclineForm,
    LegalNoteForm,
    NewPartnerForm,
    ProfileForm,
    ReferralForm,
    RepresentationForm,
)
from legal.models import PartnerKind, PartnerProfile, Referral, Representation
from scheduling import api as scheduling
from scheduling.api import Appointment, OutcomeForm, save_outcome

bp = Blueprint("legal", __name__)


def _base_url() -> str:
    return current_app.config["PUBLIC_BASE_URL"]


# The program's side ------------------------------------------------------------------------------


@bp.route("/cases/<int:case_id>/legal-referrals/new", methods=["GET", "POST"])
@requires("refer_to_partner")
def new_referral(case_id: int):
    case = access.get_case_or_404(db.session, current_user, case_id)
    suggestions = services.suggest(db.session, case)
    form = ReferralForm()
    form.partner_id.choices = [(0, "—")] + [
        (s.profile.organization_id, s.profile.organization.name) for s in suggestions
    ]
    form.member_ids.choices = [(m.id, m.full_name) for m in case.family.members]
    if request.method == "GET":
        form.member_ids.data = [m.id for m in case.family.members]
    consent = services.has_sharing_consent(case.family)
    if submitted(
        form,
        lambda: services.refer(
            db.session,
            current_user,
            case,
            form.partner_id.data,
            list(form.member_ids.data or []),
            form.message.data,
            _base_url(),
        ),
        "partner_id",
    ):
        flash(_("The referral is sent; the partner is notified by email."), "success")
        return redirect(url_for("families.show", family_id=case.family_id))
    return render_template("legal/referral_form.html", form=form, case=case, suggestions=suggestions, consent=consent)


@bp.route("/legal-referrals/<int:legal_referral_id>")
@requires("refer_to_partner")
def referral(legal_referral_id: int):
    referral = access.get_or_404(db.session, current_user, Referral, legal_referral_id)
    return render_template(
        "legal/referral.html",
        referral=referral,
        close_form=CloseForm(),
        views=services.partner_views(db.session, referral),
    )


@bp.route("/legal-referrals/<int:legal_referral_id>/close", methods=["POST"])
@requires("refer_to_partner")
def close_referral(legal_referral_id: int):
    referral = access.get_or_404(db.session, current_user, Referral, legal_referral_id)
    form = CloseForm()
    if performed(lambda: services.close(db.session, current_user, referral, form.reason.data)):
        flash(_("The referral is closed; the partner no longer sees the case."), "success")
    return redirect(url_for("legal.referral", legal_referral_id=referral.id))


@bp.route("/cases/<int:case_id>/legal-notes", methods=["POST"])
@requires("refer_to_partner")
def program_legal_note(case_id: int):
    case = access.get_case_or_404(db.session, current_user, case_id)
    form = LegalNoteForm()
    if form.validate_on_submit():
        services.add_legal_note(db.session, current_user, case, filled(form.body.data))
        flash(_("The legal note is saved."), "success")
    else:
        flash(_("Write the note."), "error")
    return redirect(url_for("families.show", family_id=case.family_id))


@bp.route("/legal")
@requires("refer_to_partner")
def overview():
    now = utcnow()
    program_id = current_user.organization_id
    return render_template(
        "legal/overview.html",
        unanswered=services.unanswered(db.session, program_id, now),
        merits=services.merits_without_counsel(db.session, program_id, now),
        figures=services.partner_figures(db.session, program_id),
        partner_orgs=db.session.query(Organization)
        .filter(Organization.kind == OrganizationKind.LEGAL_PARTNER)
        .order_by(Organization.name)
        .all(),
    )


@bp.route("/admin/legal-partners/new", methods=["GET", "POST"])
@requires("edit_reference_data")
def new_partner():
    form = NewPartnerForm()
    if request.method == "GET":
        form.timezone.data = current_user.organization.timezone
    created = submitted(
        form,
        lambda: services.create_partner_organization(
            db.session,
            current_user,
            services.NewPartnerOrganization(
                name=filled(form.name.data),
                timezone=form.timezone.data,
                kind=PartnerKind(form.kind.data),
                capacity=filled(form.capacity.data),
                email=filled(form.email.data),
                full_name=filled(form.full_name.data),
                password=filled(form.password.data),
            ),
        ),
        "password",
    )
    if created:
        organization, user = created.value
        flash(
            _(
                "%(name)s is set up; %(email)s can sign in and add colleagues. Say which courts, states "
                "and languages it covers.",
                name=organization.name,
                email=user.email,
            ),
            "success",
        )
        return redirect(url_for("legal.edit_profile", organization_id=organization.id))
    return render_template("legal/new_partner.html", form=form)


@bp.route("/admin/legal-partners/<int:organization_id>", methods=["GET", "POST"])
@requires("edit_reference_data")
def edit_profile(organization_id: int):
    organization = db.session.get(Organization, organization_id)
    if organization is None or organization.kind is not OrganizationKind.LEGAL_PARTNER:
        abort(404)
    profile = db.session.get(PartnerProfile, organization.id)
    if request.method == "GET" and profile is not None:
        form = ProfileForm(
            kind=profile.kind.value,
            capacity=profile.capacity,
            states=profile.state_list,
            languages=profile.language_list,
            court_ids=[c.court_id for c in profile.courts],
            contact_name=profile.contact_name,
            contact_email=profile.contact_email,
            contact_phone=format_phone(profile.contact_phone),
        )
    else:
        form = ProfileForm()
    form.court_ids.choices = [(c.id, f"{c.name} ({c.state})") for c in scheduling.active_courts(db.session)]
    form.languages.choices = language_choices()
    if submitted(
        form,
        lambda: services.save_profile(
            db.session,
            current_user,
            organization,
            services.ProfileData(
                kind=PartnerKind(form.kind.data),
                capacity=filled(form.capacity.data),
                states=list(form.states.data or []),
                languages=list(form.languages.data or []),
                court_ids=list(form.court_ids.data or []),
                contact_name=form.contact_name.data or None,
                contact_email=form.contact_email.data or None,
                contact_phone=parse_phone(form.contact_phone.data, "contact_phone")
                if form.contact_phone.data
                else None,
            ),
        ),
        "kind",
    ):
        flash(_("The partner's profile is saved."), "success")
        return redirect(url_for("legal.overview"))
    return render_template("legal/profile_form.html", form=form, organization=organization)


# The partner portal ------------------------------------------------------------------------------


@bp.route("/partner")
@requires("use_partner_portal")
def portal():
    page = page_number()
    rows, has_next = services.open_referrals_for_partner(
        db.session, access.scoped(Referral, current_user), page, current_app.config["PAGE_SIZE"]
    )
    return render_template("legal/portal.html", referrals=rows, page=page, has_next=has_next)


def _partner_referral(legal_referral_id: int) -> Referral:
    return access.get_or_404(db.session, current_user, Referral, legal_referral_id)


@bp.route("/partner/referrals/<int:legal_referral_id>")
@requires("use_partner_portal")
def partner_case(legal_referral_id: int):
    referral = _partner_referral(legal_referral_id)
    case = referral.case
    family = access.get_family_or_404(db.session, current_user, case.family_id)
    appointments = scheduling.family_appointments(db.session, family)
    notes = services.case_legal_notes(db.session, case.id)
    documents = list(
        db.session.scalars(
            access.scoped(ReleaseDocument, current_user).where(Family.id == family.id).order_by(ReleaseDocument.id)
        )
    )
    files = document_services.family_documents(db.session, current_user, family.id)
    record_now(db.session, current_user, AuditAction.VIEW, "family", family.id, family.id, detail="partner portal")
    return render_template(
        "legal/partner_case.html",
        files=files,
        files_about=document_services.about_labels(db.session, files, registry(current_app).document_subjects),
        referral=referral,
        family=family,
        case=case,
        appointments=appointments,
        notes=notes,
        note_form=LegalNoteForm(),
        documents=documents,
        decline_form=DeclineForm(),
        representation_form=RepresentationForm(
            representation=referral.representation.value, appearance_filed_on=referral.appearance_filed_on
        ),
        format_a_number=format_a_number,
    )


def _back(referral: Referral) -> ResponseReturnValue:
    return redirect(url_for("legal.partner_case", legal_referral_id=referral.id))


@bp.route("/partner/referrals/<int:legal_referral_id>/accept", methods=["POST"])
@requires("use_partner_portal")
def accept(legal_referral_id: int):
    referral = _partner_referral(legal_referral_id)
    if performed(lambda: services.accept(db.session, current_user, referral, _base_url())):
        flash(_("You accepted the referral; the case manager is told."), "success")
    return _back(referral)


@bp.route("/partner/referrals/<int:legal_referral_id>/decline", methods=["POST"])
@requires("use_partner_portal")
def decline(legal_referral_id: int):
    referral = _partner_referral(legal_referral_id)
    form = DeclineForm()
    if not performed(lambda: services.decline(db.session, current_user, referral, form.reason.data or "", _base_url())):
        return _back(referral)
    flash(_("You declined the referral; the case manager is told."), "success")
    return redirect(url_for("legal.portal"))


@bp.route("/partner/referrals/<int:legal_referral_id>/representation", methods=["POST"])
@requires("use_partner_portal")
def representation(legal_referral_id: int):
    referral = _partner_referral(legal_referral_id)
    form = RepresentationForm()
    if not form.validate():
        flash(_("Check the date."), "error")
        return _back(referral)
    if performed(
        lambda: services.set_representation(
            db.session,
            current_user,
            referral,
            Representation(form.representation.data),
            form.appearance_filed_on.data,
            today_for(current_user),
        )
    ):
        flash(_("The representation is updated."), "success")
    return _back(referral)


@bp.route("/partner/referrals/<int:legal_referral_id>/notes", methods=["POST"])
@requires("use_partner_portal")
def partner_note(legal_referral_id: int):
    referral = _partner_referral(legal_referral_id)
    form = LegalNoteForm()
    if performed(lambda: services.add_legal_note(db.session, current_user, referral.case, form.body.data or "")):
        flash(_("The legal note is saved."), "success")
    return _back(referral)


@bp.route("/partner/appointments/<int:appointment_id>/outcome", methods=["GET", "POST"])
@requires("use_partner_portal")
def partner_outcome(appointment_id: int):
    """Partners record what happened at a hearing, and the new date the court gave (which re-plans
    the family's reminders)."""
    appointment = access.get_or_404(db.session, current_user, Appointment, appointment_id)
    referral = db.session.scalars(
        access.scoped(Referral, current_user).where(Referral.case_id == appointment.case_id)
    ).first()
    if referral is None:
        abort(404)
    form = OutcomeForm()
    saved, _successor = save_outcome(form, appointment)
    if saved:
        flash(_("The outcome is recorded; the family's reminders follow any new date."), "success")
        return _back(referral)
    record_now(
        db.session,
        current_user,
        AuditAction.VIEW,
        "appointment",
        appointment.id,
        referral.case.family_id,
        detail="partner portal",
    )
    return render_template("legal/partner_outcome.html", form=form, appointment=appointment, referral=referral)


@bp.route("/partner/users", methods=["GET", "POST"])
@requires("manage_partner_accounts")
def partner_users():
    """A partner's account manager adds and deactivates their colleagues' accounts."""
    form = ColleagueForm()
    if submitted(
        form,
        lambda: account_services.add_colleague(
            db.session,
            current_user,
            email=filled(form.email.data),
            full_name=filled(form.full_name.data),
            password=filled(form.password.data),
        ),
        "email",
    ):
        flash(_("The account is created; give the person their password in person or by phone."), "success")
        return redirect(url_for("legal.partner_users"))
    return render_template(
        "legal/partner_users.html", form=form, users=account_services.colleagues(db.session, current_user)
    )


@bp.route("/partner/users/<int:user_id>/active", methods=["POST"])
@requires("manage_partner_accounts")
def partner_user_active(user_id: int):
    user = account_services.colleague(db.session, current_user, user_id)
    if user is None:
        abort(404)
    if performed(lambda: account_services.set_colleague_active(db.session, current_user, user, not user.active)):
        flash(_("The account can sign in again.") if user.active else _("The account is deactivated."), "success")
    return redirect(url_for("legal.partner_users"))


def family_section(
    session: Session, user: User, family: Family, case_ids: list[int], today: date, held: frozenset[str]
) -> dict[str, Any]:
    return {
        "referrals": services.family_referrals(session, family.id) if "legal_referrals" in held else [],
        "legal_notes": services.family_legal_notes(session, family.id) if "legal_notes" in held else [],
        "consent": services.has_sharing_consent(family),
        "note_form": LegalNoteForm(),
    }
