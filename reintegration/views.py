"""Reintegration: the in-country organization's returnee cases, and the hand-over from a US case."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from typing import Any

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.orm import Session
from sqlalchemy.orm.interfaces import ORMOption

from casework import access
from casework.access import requires
from casework.accounts.models import User
from casework.audit.models import AuditAction
from casework.audit.services import record_now
from casework.cases.models import Task
from casework.db import db
from casework.documents import services as document_services
from casework.extensions import registry
from casework.families import services as family_services
from casework.families.forms import RELATIONSHIP_LABELS
from casework.families.models import Family, Relationship
from casework.families.services import query_of, search_token
from casework.form_actions import performed, submitted
from casework.forms_common import filled
from casework.i18n import country_choices, language_choices, ngettext, reader_locale
from casework.i18n import gettext as _
from casework.pagination import page_number
from casework.timeutil import today_for
from reintegration import directory, followups, outcomes, plans, services, settings
from reintegration import forms as labels
from reintegration.divisions import DIVISIONS, division_name, place_input, place_text, suggested, suggestion
from reintegration.forms import (
    COUNTRIES,
    AssessmentForm,
    CloseForm,
    DirectoryFilterForm,
    HandoverForm,
    HouseholdMemberForm,
    OutcomeForm,
    PlanItemForm,
    ProviderForm,
    ReceptionForm,
    ReferralForm,
    ReferralUpdateForm,
    RelativeForm,
    RemindersConsentForm,
    ReturnFields,
    SearchForm,
    SettingsForm,
)
from reintegration.models import (
    Answer,
    PlanItem,
    PlanStatus,
    Provider,
    ProviderKind,
    Referral,
    ReferralStatus,
    RelativeInUS,
    ReturneeCase,
    ReturneeClosedReason,
    ReturneeStatus,
    ReturnMethod,
    SafetyStatus,
    Service,
    WorkStatus,
)
from scheduling.api import has_texts

bp = Blueprint("reintegration", __name__)


def _country_and_division_choices(
    form: ReturnFields | ProviderForm | DirectoryFilterForm, any_country: bool = False
) -> None:
    frequent = [(code, name) for code, name in country_choices() if code in COUNTRIES]
    others = [(code, name) for code, name in country_choices() if code not in COUNTRIES and code != "US"]
    form.country.choices = ([("", "—")] if any_country else []) + frequent + others
    names = dict(frequent)
    # Every country's divisions in one list (no script on the page); the service checks they match.
    form.division.choices = [("", "—")] + [
        (code, f"{names[country]} · {name}") for country in COUNTRIES for code, name in DIVISIONS[country]
    ]


def _return_choices(form: ReturnFields) -> None:
    _country_and_division_choices(form)
    _suggest_municipalities(form)


def _suggest_municipalities(form: ReturnFields | ProviderForm) -> None:
    """The organization's country's municipalities as the field's suggestions (a datalist, no script):
    in El Salvador its municipalities and their districts; in Mexico the chosen state's only."""
    country = settings.settings_for(db.session, current_user.organization).country
    g.municipality_options = [suggestion(m) for m in suggested(country, form.division.data or None)]
    if country in labels.MUNICIPALITY_HELP and not form.municipality.description:
        form.municipality.description = labels.MUNICIPALITY_HELP[country]
    if g.municipality_options:
        form.municipality.render_kw = {"list": "municipality-options", "autocomplete": "off"}


def _return_data(form: ReturnFields) -> services.ReturnData:
    relatives = (
        [(form.relative_name.data, form.relative_relationship.data, form.relative_phone.data)]
        if form.relative_name.data
        else []
    )
    return services.ReturnData(
        country=form.country.data,
        returned_on=filled(form.returned_on.data),
        method=ReturnMethod(form.method.data),
        arrival_point=form.arrival_point.data,
        reception_center=form.reception_center.data,
        division=form.division.data or None,
        municipality=form.municipality.data,
        phone=form.phone.data or None,
        notes=form.notes.data,
        relatives=relatives,
    )


@bp.app_template_global("place_of")
def place_of(record: ReturneeCase | Provider) -> str:
    """A returnee's destination or a provider's place as it reads: "Mejicanos, district of San Salvador
    Centro, San Salvador"."""
    return place_text(record.country, record.division, record.municipality, record.district)


@bp.route("/reintegration")
@requires("in_country_staff")
def index():
    page = page_number()
    wanted = request.args.get("status", "open")
    query = query_of(request.args.get("s"))
    scope, values = access.reach(current_user, ReturneeCase)
    listed = services.search(scope, query, current_user.organization_id) if query else scope
    status = None if wanted == "all" else ReturneeStatus.CLOSED if wanted == "closed" else ReturneeStatus.OPEN
    rows, has_next = services.cases_page(
        db.session, listed, values, current_user.organization_id, status, page, current_app.config["PAGE_SIZE"]
    )
    today = today_for(current_user)
    return render_template(
        "reintegration/index.html",
        cases=rows,
        page=page,
        has_next=has_next,
        status=wanted,
        query=query,
        search_form=SearchForm(q=query),
        division_name=division_name,
        today=today,
        due=services.due_follow_ups(db.session, scope, values, today),
        figures=outcomes.latest_figures(db.session, current_user.organization_id),
    )


@bp.route("/reintegration/cases/new", methods=["GET", "POST"])
@requires("in_country_staff")
def receive():
    form = ReceptionForm()
    if request.method == "GET":
        form.returned_on.data = today_for(current_user)
    _return_choices(form)
    form.preferred_language.choices = [("", "—"), *language_choices()]
    received = submitted(
        form,
        lambda: services.receive(
            db.session,
            current_user,
            {
                "given_names": form.given_names.data,
                "first_surname": form.first_surname.data,
                "second_surname": form.second_surname.data,
                "date_of_birth": form.date_of_birth.data,
                "preferred_language": form.preferred_language.data,
                "reminders_consent": form.reminders_consent.data,
            },
            _return_data(form),
            today_for(current_user),
        ),
        "given_names",
    )
    if received:
        flash(_("The returnee is received."), "success")
        return redirect(url_for("reintegration.show", returnee_case_id=received.value.id))
    return render_template("reintegration/reception_form.html", form=form)


def _returnee(returnee_case_id: int, *options: ORMOption) -> ReturneeCase:
    return access.get_or_404(db.session, current_user, ReturneeCase, returnee_case_id, *options)


@bp.route("/reintegration/cases/<int:returnee_case_id>")
@requires("in_country_staff")
def show(returnee_case_id: int):
    case = _returnee(returnee_case_id, *services.SHOWN_WITH_RETURNEE)
    record_now(db.session, current_user, AuditAction.VIEW, "returnee_case", case.id, case.family_id)
    family = services.load_household(db.session, case)
    head = followups.head_of(case)
    assessment = case.assessment
    tasks = followups.tasks_of(db.session, case)
    return render_template(
        "reintegration/show.html",
        case=case,
        family=family,
        division_name=division_name,
        follow_ups=tasks.follow_ups,
        follow_up_dates=tasks.dates,
        other_tasks=tasks.others,
        head=head,
        written_reminders=has_texts(head.preferred_language),
        assessment=assessment,
        needs=plans.needs(assessment),
        plan=plans.plan_of(db.session, case),
        referrals=plans.referrals_of(db.session, case),
        outcomes=outcomes.outcomes_of(db.session, case),
        documents=document_services.family_section(
            db.session, current_user, case.family_id, registry(current_app).document_subjects
        ),
        close_form=CloseForm(),
        reminder_consent=followups.reminder_consent(case),
        consent_form=RemindersConsentForm(given_on=today_for(current_user)),
        today=today_for(current_user),
        **_labels(),
    )


def _labels() -> dict:
    """The labels and enums the reintegration templates show, the labels in the reader's language."""
    return {**_labels_in(str(reader_locale())), **ENUMS_SHOWN}


ENUMS_SHOWN = {
    "Answer": Answer,
    "PlanStatus": PlanStatus,
    "ReferralStatus": ReferralStatus,
    "WorkStatus": WorkStatus,
    "SafetyStatus": SafetyStatus,
}


@lru_cache(maxsize=8)
def _labels_in(locale: str) -> dict[str, dict[Any, Markup]]:
    """Each set of labels in one language. A label is a lazy string, a catalogue look-up each time
    a page writes it (a directory writes a hundred): the same for every page of a language, so
    read once. Markup, as a lazy string is written (the catalogue is ours)."""
    sets: dict[str, Mapping[Any, Any]] = {
        "service_labels": labels.SERVICES,
        "plan_status_labels": labels.PLAN_STATUSES,
        "referral_status_labels": labels.REFERRAL_STATUSES,
        "provider_kind_labels": labels.PROVIDER_KINDS,
        "closed_reason_labels": labels.CLOSED_REASONS,
        "answer_labels": labels.ANSWERS,
        "work_labels": labels.WORK_STATUSES,
        "safety_labels": labels.SAFETY_STATUSES,
    }
    return {name: {key: Markup(str(label)) for key, label in named.items()} for name, named in sets.items()}  # noqa: S704


@bp.route("/reintegration/cases/<int:returnee_case_id>/assessment", methods=["GET", "POST"])
@requires("in_country_staff")
def assessment(returnee_case_id: int):
    case = _returnee(returnee_case_id)
    existing = services.assessment_of(db.session, case)
    if request.method == "GET" and existing is not None:
        form = AssessmentForm(
            data={
                **{n: getattr(existing, n).value for n in services.ANSWER_FIELDS},
                **{n: getattr(existing, n) for n in services.TEXT_FIELDS},
                "us_born_children": existing.us_born_children,
                "persecutors_are_officials": existing.persecutors_are_officials,
            }
        )
    else:
        form = AssessmentForm()
    if submitted(form, lambda: services.save_assessment(db.session, current_user, case, form.data), "threatened_by"):
        flash(_("The assessment is saved."), "success")
        return redirect(url_for("reintegration.show", returnee_case_id=case.id))
    return render_template("reintegration/assessment_form.html", form=form, case=case)


@bp.route("/reintegration/tasks/<int:task_id>/done", methods=["POST"])
@requires("in_country_staff")
def task_done(task_id: int):
    task = access.get_or_404(db.session, current_user, Task, task_id)
    if performed(lambda: followups.complete(db.session, current_user, task)):
        flash(_("The follow-up is marked as done."), "success")
    returnee = db.session.scalars(
        access.scoped(ReturneeCase, current_user).where(ReturneeCase.case_id == task.case_id)
    ).first()
    return redirect(
        url_for("reintegration.show", returnee_case_id=returnee.id) if returnee else url_for("reintegration.index")
    )


@bp.route("/cases/<int:case_id>/handover", methods=["GET", "POST"])
@requires("program_staff")
def handover(case_id: int):
    """The US side: a case closed because the family was removed goes to an in-country organization."""
    us_case = access.get_case_or_404(db.session, current_user, case_id)
    done = services.handed_over_to(db.session, us_case.id)
    form = HandoverForm()
    if request.method == "GET":
        form.returned_on.data = us_case.closed_on
        form.country.data = next((m.country_of_birth for m in us_case.family.members if m.country_of_birth), None)
    _return_choices(form)
    form.organization_id.choices = [(0, "—")] + [(o.id, o.name) for o in services.in_country_organizations(db.session)]
    if done is None and submitted(
        form,
        lambda: services.hand_over(
            db.session,
            current_user,
            us_case,
            form.organization_id.data,
            form.consent_on.data,
            _return_data(form),
            today_for(current_user),
        ),
        "organization_id",
    ):
        flash(_("The family is handed over; the in-country organization sees them now."), "success")
        return redirect(url_for("families.show", family_id=us_case.family_id))
    return render_template(
        "reintegration/handover_form.html", form=form, case=us_case, done=done, allowed=services.can_hand_over(us_case)
    )


def family_section(
    session: Session, user: User, family: Family, case_ids: list[int], today: date, held: frozenset[str]
) -> dict[str, Any]:
    from casework.cases.models import Case

    cases = [session.get(Case, cid) for cid in case_ids]
    removed = next((c for c in cases if c is not None and services.can_hand_over(c)), None)
    return {"removed": removed, "handed": services.handed_over_to(session, removed.id) if removed else None}


def _back(case: ReturneeCase, anchor: str = "") -> ResponseReturnValue:
    return redirect(url_for("reintegration.show", returnee_case_id=case.id) + (f"#{anchor}" if anchor else ""))


# Service plan -------------------------------------------------------------------------------------


@bp.route("/reintegration/cases/<int:returnee_case_id>/plan/build", methods=["POST"])
@requires("in_country_staff")
def build_plan(returnee_case_id: int):
    case = _returnee(returnee_case_id)
    built = performed(
        lambda: plans.build_plan(db.session, current_user, case, services.assessment_of(db.session, case))
    )
    if built:
        flash(
            ngettext("%(num)d line added to the plan.", "%(num)d lines added to the plan.", len(built.value))
            if built.value
            else _("The plan already has a line for every need."),
            "success",
        )
    return _back(case, "plan-h")


def _plan_form(case: ReturneeCase, item: PlanItem | None) -> ResponseReturnValue:
    if request.method == "GET" and item is not None:
        form = PlanItemForm(
            data={
                "service": item.service.value,
                "action": item.action,
                "status": item.status.value,
                "due_on": item.due_on,
            }
        )
    else:
        form = PlanItemForm()
    if submitted(
        form,
        lambda: plans.save_plan_item(
            db.session,
            current_user,
            case,
            item,
            Service(form.service.data),
            form.action.data,
            PlanStatus(form.status.data),
            form.due_on.data,
            today_for(current_user),
        ),
        "action",
    ):
        flash(_("The plan is saved."), "success")
        return _back(case, "plan-h")
    return render_template("reintegration/plan_item_form.html", form=form, case=case, item=item)


@bp.route("/reintegration/cases/<int:returnee_case_id>/plan/new", methods=["GET", "POST"])
@requires("in_country_staff")
def new_plan_item(returnee_case_id: int):
    return _plan_form(_returnee(returnee_case_id), None)


@bp.route("/reintegration/plan/<int:plan_item_id>", methods=["GET", "POST"])
@requires("in_country_staff")
def edit_plan_item(plan_item_id: int):
    item = access.get_or_404(db.session, current_user, PlanItem, plan_item_id)
    return _plan_form(_returnee(item.returnee_case_id), item)


# Referrals to providers ---------------------------------------------------------------------------


def _service_arg(value: str | None) -> Service | None:
    try:
        return Service(value) if value else None
    except ValueError:
        return None


@bp.route("/reintegration/cases/<int:returnee_case_id>/referrals/new", methods=["GET", "POST"])
@requires("in_country_staff")
def refer(returnee_case_id: int):
    case = _returnee(returnee_case_id)
    assessment = services.assessment_of(db.session, case)
    plan = plans.plan_of(db.session, case)
    form = ReferralForm()
    service = _service_arg(form.service.data if request.method == "POST" else request.args.get("service"))
    if request.method == "GET":
        item_id = request.args.get("plan_item", type=int)
        item = next((i for i in plan if i.id == item_id), None)
        service = service or (item.service if item else None)
        form.plan_item_id.data = item.id if item else 0
        form.service.data = service.value if service else None
    head = followups.head_of(case)
    found = (
        directory.suggestions(
            db.session,
            access.scoped_owned(Provider, current_user),
            service,
            case.country,
            case.division,
            case.municipality,
            head.preferred_language,
            plans.officials_persecute(assessment),
            district=case.district,
        )
        if service
        else []
    )
    form.provider_id.choices = [(s.provider.id, s.provider.name) for s in found if not s.public_barred]
    form.plan_item_id.choices = [(0, "—")] + [(i.id, str(labels.SERVICES[i.service])) for i in plan]

    def refer() -> None:
        provider = db.session.scalars(
            access.scoped_owned(Provider, current_user).where(Provider.id == form.provider_id.data)
        ).first()
        item = next((i for i in plan if i.id == form.plan_item_id.data), None)
        plans.refer(
            db.session, current_user, case, provider, service, item, form.note.data, assessment, today_for(current_user)
        )

    if submitted(form, refer, "provider_id"):
        flash(_("The referral is recorded."), "success")
        return _back(case, "referrals-h")
    return render_template(
        "reintegration/referral_form.html",
        form=form,
        case=case,
        service=service,
        suggestions=found,
        officials=plans.officials_persecute(assessment),
        division_name=division_name,
        **_labels(),
    )


@bp.route("/reintegration/referrals/<int:returnee_referral_id>", methods=["GET", "POST"])
@requires("in_country_staff")
def referral(returnee_referral_id: int):
    row = access.get_or_404(db.session, current_user, Referral, returnee_referral_id)
    case = _returnee(row.returnee_case_id)
    if request.method == "GET":
        record_now(db.session, current_user, AuditAction.VIEW, "returnee_referral", row.id, case.family_id)
        form = ReferralUpdateForm(data={"status": row.status.value, "outcome": row.outcome})
    else:
        form = ReferralUpdateForm()
    if submitted(
        form,
        lambda: plans.update_referral(
            db.session,
            current_user,
            case,
            row,
            ReferralStatus(form.status.data),
            form.outcome.data,
            today_for(current_user),
        ),
        "outcome",
    ):
        flash(_("The referral is updated."), "success")
        return _back(case, "referrals-h")
    return render_template(
        "reintegration/referral_update.html",
        form=form,
        case=case,
        referral=row,
        division_name=division_name,
        **_labels(),
    )


# Outcomes over time -------------------------------------------------------------------------------


@bp.route("/reintegration/cases/<int:returnee_case_id>/outcomes/new", methods=["GET", "POST"])
@requires("in_country_staff")
def new_outcome(returnee_case_id: int):
    case = _returnee(returnee_case_id)
    form = OutcomeForm()
    if request.method == "GET":
        form.recorded_on.data = today_for(current_user)
    if submitted(
        form,
        lambda: outcomes.record_outcome(
            db.session,
            current_user,
            case,
            outcomes.OutcomeData(
                recorded_on=filled(form.recorded_on.data),
                documents_obtained=Answer(form.documents_obtained.data),
                children_in_school=Answer(form.children_in_school.data),
                work=WorkStatus(form.work.data),
                safety=SafetyStatus(form.safety.data),
                migrated_again=Answer(form.migrated_again.data),
                note=form.note.data,
            ),
            today_for(current_user),
        ),
        "note",
    ):
        flash(_("The situation is recorded."), "success")
        return _back(case, "outcomes-h")
    return render_template("reintegration/outcome_form.html", form=form, case=case)


# Reminders to the returnee ------------------------------------------------------------------------


@bp.route("/reintegration/cases/<int:returnee_case_id>/reminders", methods=["POST"])
@requires("in_country_staff")
def agree_to_reminders(returnee_case_id: int):
    case = _returnee(returnee_case_id)
    form = RemindersConsentForm()
    if not form.validate_on_submit():
        flash(_("Give the date the person agreed to text reminders."), "error")
        return _back(case, "reminders-h")
    if performed(
        lambda: followups.agree_to_reminders(
            db.session, current_user, case, filled(form.given_on.data), today_for(current_user)
        )
    ):
        flash(_("Text reminders of the follow-ups will be sent."), "success")
    return _back(case, "reminders-h")


@bp.route("/reintegration/cases/<int:returnee_case_id>/reminders/withdraw", methods=["POST"])
@requires("in_country_staff")
def withdraw_from_reminders(returnee_case_id: int):
    case = _returnee(returnee_case_id)
    if performed(lambda: followups.withdraw_from_reminders(db.session, current_user, case, today_for(current_user))):
        flash(_("No more text reminders will be sent."), "success")
    return _back(case, "reminders-h")


# The directory of providers -----------------------------------------------------------------------


@bp.route("/reintegration/providers")
@requires("in_country_staff")
def providers():
    form = DirectoryFilterForm(request.args)
    _country_and_division_choices(form, any_country=True)
    wanted = directory.DirectoryFilter(
        country=form.country.data or None, division=form.division.data or None, service=_service_arg(form.service.data)
    )
    page = page_number()
    rows, has_next = directory.directory_page(
        db.session, access.scoped_owned(Provider, current_user), wanted, page, current_app.config["PAGE_SIZE"]
    )
    return render_template(
        "reintegration/providers.html",
        form=form,
        providers=rows,
        provider_phone=directory.provider_phone,
        page=page,
        has_next=has_next,
        division_name=division_name,
        **_labels(),
    )


def _provider_form(provider: Provider | None) -> ResponseReturnValue:
    if request.method == "GET" and provider is not None:
        form = ProviderForm(
            data={
                "name": provider.name,
                "kind": provider.kind.value,
                "services": [s.value for s in provider.offered],
                "country": provider.country,
                "division": provider.division or "",
                "municipality": place_input(provider.district, provider.municipality),
                "address": provider.address,
                "phone": provider.phone,
                "email": provider.email,
                "contact_person": provider.contact_person,
                "languages": provider.language_codes,
                "notes": provider.notes,
                "active": provider.active,
            }
        )
    else:
        form = ProviderForm()
        if request.method == "GET":
            form.country.data = settings.settings_for(db.session, current_user.organization).country
    _country_and_division_choices(form)
    _suggest_municipalities(form)
    form.languages.choices = language_choices()
    saved = submitted(
        form,
        lambda: directory.save_provider(
            db.session,
            current_user,
            provider,
            directory.ProviderData(
                name=filled(form.name.data),
                kind=ProviderKind(form.kind.data),
                country=form.country.data,
                services=[Service(v) for v in form.services.data or []],
                division=form.division.data or None,
                municipality=form.municipality.data,
                address=form.address.data,
                phone=form.phone.data,
                email=form.email.data,
                contact_person=form.contact_person.data,
                languages=form.languages.data or [],
                notes=form.notes.data,
                active=form.active.data,
            ),
        ),
        "name",
    )
    if saved:
        flash(_("The provider is saved."), "success")
        return redirect(url_for("reintegration.providers", country=saved.value.country))
    return render_template("reintegration/provider_form.html", form=form, provider=provider)


@bp.route("/reintegration/providers/new", methods=["GET", "POST"])
@requires("in_country_staff")
def new_provider():
    return _provider_form(None)


@bp.route("/reintegration/providers/<int:provider_id>", methods=["GET", "POST"])
@requires("in_country_staff")
def edit_provider(provider_id: int):
    return _provider_form(access.get_owned_or_404(db.session, current_user, Provider, provider_id))


# The organization's settings ----------------------------------------------------------------------


@bp.route("/reintegration/settings", methods=["GET", "POST"])
@requires("manage_in_country_settings")
def organization_settings():
    organization = current_user.organization
    if request.method == "GET":
        chosen = settings.settings_for(db.session, organization)
        form = SettingsForm(
            data={
                "country": chosen.country or "",
                "follow_up_days": " ".join(str(d) for d in chosen.follow_up_days),
                "follow_up_time": chosen.follow_up_time,
                "follow_up_place": chosen.follow_up_place,
            }
        )
    else:
        form = SettingsForm()
    form.country.choices = [("", "—")] + [(c, n) for c, n in country_choices() if c != "US"]
    if submitted(
        form,
        lambda: settings.save_settings(
            db.session,
            current_user,
            organization,
            form.country.data or None,
            filled(form.follow_up_days.data),
            filled(form.follow_up_time.data),
            form.follow_up_place.data,
        ),
        "follow_up_days",
    ):
        flash(_("The settings are saved."), "success")
        return redirect(url_for("reintegration.organization_settings"))
    return render_template("reintegration/settings.html", form=form)


# Closing ------------------------------------------------------------------------------------------


@bp.route("/reintegration/cases/<int:returnee_case_id>/close", methods=["POST"])
@requires("in_country_staff")
def close(returnee_case_id: int):
    case = _returnee(returnee_case_id)
    form = CloseForm()
    reason = (
        ReturneeClosedReason(form.closed_reason.data) if form.validate_on_submit() and form.closed_reason.data else None
    )
    if performed(lambda: services.close(db.session, current_user, case, reason, today_for(current_user))):
        flash(_("The case is closed; no more reminders go out."), "success")
    return _back(case)


@bp.route("/reintegration/cases/<int:returnee_case_id>/reopen", methods=["POST"])
@requires("in_country_staff")
def reopen(returnee_case_id: int):
    case = _returnee(returnee_case_id)
    if performed(lambda: services.reopen(db.session, current_user, case, today_for(current_user))):
        flash(_("The case is open again."), "success")
    return _back(case)


# Correcting the return ----------------------------------------------------------------------------


@bp.route("/reintegration/cases/<int:returnee_case_id>/return", methods=["GET", "POST"])
@requires("in_country_staff")
def edit_return(returnee_case_id: int):
    case = _returnee(returnee_case_id)
    if request.method == "GET":
        form = ReturnFields(
            data={
                "country": case.country,
                "returned_on": case.returned_on,
                "method": case.method.value,
                "arrival_point": case.arrival_point,
                "reception_center": case.reception_center,
                "division": case.division or "",
                "municipality": place_input(case.district, case.municipality),
                "phone": case.phone,
                "notes": case.notes,
            }
        )
    else:
        form = ReturnFields()
    _return_choices(form)
    if submitted(
        form,
        lambda: services.update_return(db.session, current_user, case, _return_data(form), today_for(current_user)),
        "returned_on",
    ):
        flash(_("The return is corrected."), "success")
        return _back(case)
    return render_template("reintegration/return_form.html", form=form, case=case)


# Family who stayed in the United States -----------------------------------------------------------


@bp.route("/reintegration/cases/<int:returnee_case_id>/relatives", methods=["GET", "POST"])
@requires("in_country_staff")
def add_relative(returnee_case_id: int):
    case = _returnee(returnee_case_id)
    form = RelativeForm()
    if submitted(
        form,
        lambda: services.add_relative(
            db.session,
            current_user,
            case,
            filled(form.name.data),
            form.relationship.data,
            form.phone.data,
            form.us_state.data,
        ),
        "name",
    ):
        flash(_("The family member is added."), "success")
        return _back(case, "us-h")
    return render_template("reintegration/relative_form.html", form=form, case=case)


@bp.route("/reintegration/relatives/<int:relative_id>/remove", methods=["POST"])
@requires("in_country_staff")
def remove_relative(relative_id: int):
    relative = access.get_or_404(db.session, current_user, RelativeInUS, relative_id)
    case = _returnee(relative.returnee_case_id)
    services.remove_relative(db.session, current_user, case, relative)
    flash(_("The family member is removed."), "success")
    return _back(case, "us-h")


@bp.route("/reintegration/search", methods=["POST"])
@requires("in_country_staff")
def search():
    """The query travels sealed (no name or phone in a URL), as the core's family search does."""
    form = SearchForm()
    query = (form.q.data or "").strip() if form.validate_on_submit() else ""
    return redirect(
        url_for("reintegration.index", s=search_token(query), status="all") if query else url_for("reintegration.index")
    )


# The household ------------------------------------------------------------------------------------


@bp.route("/reintegration/cases/<int:returnee_case_id>/members/new", methods=["GET", "POST"])
@requires("in_country_staff")
def add_household_member(returnee_case_id: int):
    case = _returnee(returnee_case_id)
    form = HouseholdMemberForm()
    form.relationship_to_head.choices = [
        (r.value, label) for r, label in RELATIONSHIP_LABELS.items() if r is not Relationship.HEAD
    ]
    form.preferred_language.choices = [("", "—"), *language_choices()]
    if request.method == "GET":
        form.preferred_language.data = followups.head_of(case).preferred_language or ""
    if submitted(
        form,
        lambda: services.add_household_member(
            db.session,
            current_user,
            case,
            family_services.MemberData(
                given_names=filled(form.given_names.data),
                first_surname=filled(form.first_surname.data),
                second_surname=form.second_surname.data,
                relationship_to_head=Relationship(form.relationship_to_head.data),
                date_of_birth=form.date_of_birth.data,
                country_of_birth="US" if form.born_in_us.data else case.country,
                preferred_language=form.preferred_language.data or None,
                languages=[form.preferred_language.data] if form.preferred_language.data else [],
            ),
            today_for(current_user),
        ),
        "given_names",
    ):
        flash(_("The household member is added."), "success")
        return _back(case, "people-h")
    return render_template("reintegration/household_member_form.html", form=form, case=case)
