from __future__ import annotations

from typing import Any

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
from casework.accounts.services import staff_choices
from casework.audit.labels import AUDIT_ACTION_LABELS, OBJECT_TYPE_LABELS
from casework.audit.models import AuditAction
from casework.audit.services import family_log, record
from casework.cases import services as case_services
from casework.cases.forms import STATUS_LABELS, NoteForm
from casework.cases.models import ADDRESS_CHANGE_KINDS
from casework.community import services as community_services
from casework.db import db
from casework.documents import services as document_services
from casework.exports import csv_lines
from casework.extensions import RecordKind, registry
from casework.families import services
from casework.families.forms import (
    CONSENT_LABELS,
    PHONE_KIND_LABELS,
    RELATIONSHIP_LABELS,
    VULNERABILITY_LABELS,
    AddressForm,
    ConsentForm,
    IntakeForm,
    MemberForm,
    SearchForm,
)
from casework.families.identifiers import format_a_number, format_phone, mask_a_number
from casework.families.models import Consent, ConsentKind, PhoneKind, Relationship, Vulnerability
from casework.form_actions import performed, submitted
from casework.forms_common import filled
from casework.i18n import country_choices, language_choices
from casework.i18n import gettext as _
from casework.pagination import page_number
from casework.schooling import services as school_services
from casework.timeutil import today_for

bp = Blueprint("families", __name__)


@bp.app_context_processor
def _helpers():
    return {
        "format_a_number": format_a_number,
        "mask_a_number": mask_a_number,
        "format_phone": format_phone,
        "relationship_labels": RELATIONSHIP_LABELS,
        "vulnerability_labels": VULNERABILITY_LABELS,
        "phone_kind_labels": PHONE_KIND_LABELS,
        "consent_labels": CONSENT_LABELS,
        "audit_action_labels": AUDIT_ACTION_LABELS,
        "audit_object_labels": OBJECT_TYPE_LABELS,
    }


def _fill_choices(form):
    blank = [("", "—")]
    form.country_of_birth.choices = blank + country_choices()
    languages = language_choices()
    form.preferred_language.choices = blank + languages
    form.languages.choices = languages
    if hasattr(form, "assigned_to_id"):
        form.assigned_to_id.choices = [
            (0, _("Not assigned yet")),
            *staff_choices(db.session, current_user.organization_id),
        ]
    return form


def _member_data(form) -> services.MemberData:
    relationship = getattr(form, "relationship_to_head", None)
    return services.MemberData(
        given_names=form.given_names.data or "",
        first_surname=form.first_surname.data or "",
        second_surname=form.second_surname.data,
        preferred_name=form.preferred_name.data,
        date_of_birth=form.date_of_birth.data,
        birth_date_estimated=form.birth_date_estimated.data,
        a_number=form.a_number.data,
        country_of_birth=form.country_of_birth.data or None,
        preferred_language=form.preferred_language.data or None,
        languages=list(form.languages.data or []),
        needs_interpreter=form.needs_interpreter.data,
        email=form.email.data,
        phones=[
            (form.phone.data or "", PhoneKind(form.phone_kind.data)),
            (form.other_phone.data or "", PhoneKind(form.other_phone_kind.data)),
        ],
        vulnerabilities=[Vulnerability(v) for v in form.vulnerabilities.data or []],
        vulnerabilities_confidential=form.vulnerabilities_confidential.data,
        relationship_to_head=Relationship(relationship.data) if relationship else Relationship.HEAD,
    )


def _duplicates_or_none(form, data: services.MemberData, exclude_member_id=None):
    """Possible duplicates to show before saving, unless the case manager already confirmed."""
    if form.confirm_not_duplicate.data == "yes":
        return None
    candidates = services.find_duplicates(db.session, current_user, data, exclude_member_id)
    if candidates:
        form.confirm_not_duplicate.data = "yes"
    return candidates or None


def _save_member_form(form, save, exclude_member_id=None):
    """Validate, show possible duplicates once, then save. Returns (what `save` returned, duplicates)."""

    def check_then_save():
        data = _member_data(form)
        duplicates = _duplicates_or_none(form, data, exclude_member_id)
        return (None, duplicates) if duplicates else (save(data), None)

    outcome = submitted(form, check_then_save, "given_names")
    if outcome.error is not None:
        form.confirm_not_duplicate.data = ""  # after a refusal, look for duplicates again
    return outcome.value if outcome else (None, None)


@bp.route("/families", methods=["GET", "POST"])
@requires("program_staff")
def index():
    """The family list and search. A search is POSTed and comes back as an opaque token in the URL."""
    form = SearchForm()
    if request.method == "POST":
        if form.validate_on_submit() and form.q.data and form.q.data.strip():
            return redirect(url_for("families.index", s=services.search_token(form.q.data)))
        if not form.errors:
            return redirect(url_for("families.index"))
        query = form.q.data or ""
    else:
        query = services.query_of(request.args.get("s"))
        form.q.data = query
    page = page_number()
    result = services.search_families(db.session, current_user, query, page, current_app.config["PAGE_SIZE"])
    details = services.family_list_details(db.session, result.families)
    return render_template("families/index.html", form=form, result=result, details=details, page=page, query=query)


@bp.route("/families/export.csv")
@requires("read_audit")
def export():
    """The program's households as CSV, for supervisors and admins; every export is audited."""
    record(db.session, current_user, AuditAction.VIEW, "export", None, detail="families csv")
    header = [_("Case"), _("Household"), _("Members"), _("Status"), _("Case manager"), _("Opened"), _("Closed")]
    rows = (
        (reference, name, members, str(STATUS_LABELS[status]), manager or "", opened, closed or "")
        for reference, name, members, status, manager, opened, closed in services.export_rows(db.session, current_user)
    )
    response = Response(stream_with_context(csv_lines(header, rows)), mimetype="text/csv")
    response.headers["Content-Disposition"] = "attachment; filename=families.csv"
    return response


@bp.route("/families/new", methods=["GET", "POST"])
@requires("program_staff")
def new():
    form = _fill_choices(IntakeForm(assigned_to_id=current_user.id, moved_in_on=None))

    def create(data: services.MemberData):
        address = None
        if form.line1.data:
            address = services.AddressData(
                line1=form.line1.data,
                line2=form.line2.data,
                city=form.city.data,
                state=form.state.data,
                postal_code=form.postal_code.data,
                moved_in_on=form.moved_in_on.data,
                timezone=form.timezone.data or None,
            )
        return services.create_family(
            db.session,
            current_user,
            data,
            address,
            [ConsentKind(c) for c in form.consents.data or []],
            today_for(current_user),
            form.assigned_to_id.data or None,
        )

    family, duplicates = _save_member_form(form, create)
    if family is not None:
        flash(_("The family is created."), "success")
        return redirect(url_for("families.show", family_id=family.id))
    return render_template("families/new.html", form=form, duplicates=duplicates)


# The core's records the family page lists (the sections name theirs: FamilySection.kinds).
FAMILY_RECORDS: tuple[RecordKind, ...] = (
    ("tasks", case_services.family_has_tasks),
    ("notes", case_services.family_has_notes),
    ("referrals", community_services.family_has_referrals),
    ("documents", document_services.family_has_documents),
)


@bp.route("/families/<int:family_id>")
@requires("program_staff")
def show(family_id: int):
    family = access.get_family_or_404(db.session, current_user, family_id, *services.family_page_options())
    cases = case_services.family_cases(db.session, family)
    case_ids = [c.id for c in cases]
    current = next((c for c in cases if c.status.value != "closed"), cases[0] if cases else None)
    on_day = today_for(current_user)
    releases = family.releases
    sections = registry(current_app).family_sections
    held = services.records_held(db.session, family.id, (*FAMILY_RECORDS, *(k for s in sections for k in s.kinds)))
    tasks = case_services.family_tasks(db.session, family.id) if "tasks" in held else []
    context: dict[str, Any] = {
        "family": family,
        "today": on_day,
        "address": services.current_address(family),
        "cases": cases,
        "case": current,
        "assignments": current.assignments if current else [],
        "notes": case_services.family_notes(db.session, family.id) if "notes" in held else [],
        "tasks": tasks,
        # Due 5 days after a move; the dates section shows them among the deadlines.
        "open_address_tasks": [t for t in tasks if t.kind in ADDRESS_CHANGE_KINDS and t.completed_at is None],
        "releases": releases,
        "children": school_services.for_family(
            db.session, family, on_day, releases, cases, family.program.enrollment_alert_days
        ),
        "service_referrals": community_services.for_family(db.session, family.id) if "referrals" in held else [],
        "sections": [(s.template, s.load(db.session, current_user, family, case_ids, on_day, held)) for s in sections],
    }
    # After the sections: what documents are about (a hearing, a referral) is then already loaded.
    context["documents"] = (
        document_services.family_section(db.session, current_user, family.id, registry(current_app).document_subjects)
        if "documents" in held
        else document_services.no_documents()
    )
    if current is not None:
        # The note is written here; the status, the assignment and a new task on their own pages
        # (cases.views), where closing a case also shows the dates still ahead.
        context["note_form"] = NoteForm()
    services.record_view(db.session, current_user, family)
    return render_template("families/show.html", **context)


@bp.route("/families/<int:family_id>/audit")
@requires("read_audit")
def audit(family_id: int):
    """Who saw and changed what of the family, newest first, a page at a time."""
    family = access.get_family_or_404(db.session, current_user, family_id)
    page = page_number()
    events, has_next = family_log(db.session, family.id, page, current_app.config["PAGE_SIZE"])
    return render_template("families/audit.html", family=family, events=events, page=page, has_next=has_next)


@bp.route("/families/<int:family_id>/members/new", methods=["GET", "POST"])
@requires("program_staff")
def new_member(family_id: int):
    family = access.get_family_or_404(db.session, current_user, family_id)
    form = _fill_choices(MemberForm())
    member, duplicates = _save_member_form(
        form, lambda data: services.add_member(db.session, current_user, family, data, today_for(current_user))
    )
    if member is not None:
        flash(_("The household member is added."), "success")
        return redirect(url_for("families.show", family_id=family.id))
    return render_template("families/member_form.html", form=form, family=family, member=None, duplicates=duplicates)


def _member_form_data(member) -> dict:
    phones = [*member.phones, None, None]
    simple = (
        "given_names",
        "first_surname",
        "second_surname",
        "preferred_name",
        "date_of_birth",
        "birth_date_estimated",
        "country_of_birth",
        "preferred_language",
        "needs_interpreter",
        "email",
    )
    return {
        **{name: getattr(member, name) for name in simple},
        "relationship_to_head": member.relationship_to_head.value,
        "a_number": format_a_number(member.a_number),
        "languages": [lang.code for lang in member.languages],
        "phone": format_phone(phones[0].number) if phones[0] else "",
        "phone_kind": phones[0].kind.value if phones[0] else PhoneKind.MOBILE.value,
        "other_phone": format_phone(phones[1].number) if phones[1] else "",
        "other_phone_kind": phones[1].kind.value if phones[1] else PhoneKind.HOME.value,
        "vulnerabilities": [v.flag.value for v in member.vulnerabilities],
        "vulnerabilities_confidential": any(v.confidential for v in member.vulnerabilities),
    }


@bp.route("/members/<int:member_id>/edit", methods=["GET", "POST"])
@requires("program_staff")
def edit_member(member_id: int):
    member = access.get_member_or_404(db.session, current_user, member_id)
    family = member.family
    form = MemberForm(data=_member_form_data(member)) if request.method == "GET" else MemberForm()
    _fill_choices(form)
    saved, duplicates = _save_member_form(
        form,
        lambda data: services.update_member(db.session, current_user, member, data, today_for(current_user)),
        exclude_member_id=member.id,
    )
    if saved is not None:
        flash(_("The changes are saved."), "success")
        return redirect(url_for("families.show", family_id=family.id))
    return render_template("families/member_form.html", form=form, family=family, member=member, duplicates=duplicates)


@bp.route("/families/<int:family_id>/address", methods=["GET", "POST"])
@requires("program_staff")
def change_address(family_id: int):
    family = access.get_family_or_404(db.session, current_user, family_id)
    form = AddressForm()
    if submitted(
        form,
        lambda: services.change_address(
            db.session,
            current_user,
            family,
            services.AddressData(
                line1=filled(form.line1.data),
                line2=form.line2.data,
                city=filled(form.city.data),
                state=form.state.data,
                postal_code=filled(form.postal_code.data),
                moved_in_on=filled(form.moved_in_on.data),
                timezone=form.timezone.data or None,
            ),
            today_for(current_user),
        ),
        "line1",
    ):
        flash(_("The new address is saved. Tasks to file the change of address are due in 5 days."), "success")
        return redirect(url_for("families.show", family_id=family.id))
    return render_template(
        "families/address_form.html", form=form, family=family, current=services.current_address(family)
    )


@bp.route("/members/<int:member_id>/consents/new", methods=["GET", "POST"])
@requires("program_staff")
def new_consent(member_id: int):
    member = access.get_member_or_404(db.session, current_user, member_id)
    form = ConsentForm(given_on=today_for(current_user))
    if submitted(
        form,
        lambda: services.record_consent(
            db.session,
            current_user,
            member,
            ConsentKind(form.kind.data),
            filled(form.given_on.data),
            today_for(current_user),
        ),
        "kind",
    ):
        flash(_("The consent is recorded."), "success")
        return redirect(url_for("families.show", family_id=member.family_id))
    return render_template("families/consent_form.html", form=form, member=member)


@bp.route("/consents/<int:consent_id>/revoke", methods=["POST"])
@requires("program_staff")
def revoke_consent(consent_id: int):
    consent: Consent = access.get_or_404(db.session, current_user, Consent, consent_id)
    member = access.get_member_or_404(db.session, current_user, consent.member_id)
    if performed(lambda: services.revoke_consent(db.session, current_user, consent, today_for(current_user))):
        flash(_("The consent is revoked."), "success")
    return redirect(url_for("families.show", family_id=member.family_id))
