from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from casework import access
from casework.access import requires
from casework.community import services
from casework.community.forms import CATEGORY_LABELS, REFERRAL_STATUS_LABELS, ReferralStatusForm, ServiceReferralForm
from casework.community.models import ReferralStatus, ServiceCategory, ServiceReferral
from casework.db import db
from casework.form_actions import submitted
from casework.forms_common import filled
from casework.i18n import gettext as _
from casework.timeutil import today_for

bp = Blueprint("community", __name__)


@bp.app_context_processor
def _labels():
    return {"service_category_labels": CATEGORY_LABELS, "service_status_labels": REFERRAL_STATUS_LABELS}


@bp.route("/cases/<int:case_id>/services/new", methods=["GET", "POST"])
@requires("program_staff")
def new(case_id: int):
    case = access.get_case_or_404(db.session, current_user, case_id)
    form = ServiceReferralForm(referred_on=today_for(current_user))
    form.member_id.choices = [(0, _("The whole household"))] + [(m.id, m.full_name) for m in case.family.members]
    if submitted(
        form,
        lambda: services.create_referral(
            db.session,
            current_user,
            case,
            services.ReferralData(
                category=ServiceCategory(form.category.data),
                provider=filled(form.provider.data),
                referred_on=filled(form.referred_on.data),
                member_id=form.member_id.data or None,
                notes=form.notes.data,
            ),
            today_for(current_user),
        ),
        "category",
    ):
        flash(_("The referral is recorded."), "success")
        return redirect(url_for("families.show", family_id=case.family_id, _anchor="services-h"))
    return render_template("community/referral_form.html", form=form, case=case)


@bp.route("/service-referrals/<int:referral_id>/edit", methods=["GET", "POST"])
@requires("program_staff")
def edit(referral_id: int):
    referral = access.get_or_404(db.session, current_user, ServiceReferral, referral_id)
    case = access.get_case_or_404(db.session, current_user, referral.case_id)
    form = ReferralStatusForm(data={"status": referral.status.value, "notes": referral.notes})
    if submitted(
        form,
        lambda: services.change_status(
            db.session,
            current_user,
            referral,
            ReferralStatus(form.status.data),
            form.notes.data,
            today_for(current_user),
        ),
        "status",
    ):
        flash(_("The referral is updated."), "success")
        return redirect(url_for("families.show", family_id=case.family_id, _anchor="services-h"))
    return render_template("community/status_form.html", form=form, case=case, referral=referral)
