"""Pages of scheduling: appointments, agenda and calendar, deadlines, courts and offices,
reminder policy and log, calendar feeds, the family's own page and the SMS gateway's webhooks."""

from __future__ import annotations

import calendar as month_grid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload

from casework import access
from casework.access import requires
from casework.accounts.models import User
from casework.accounts.services import set_program_phone
from casework.audit.models import AuditAction
from casework.audit.services import record, record_now
from casework.cases.models import Case
from casework.db import db, utcnow
from casework.families.identifiers import format_phone, mask_a_number, parse_phone
from casework.families.models import Family
from casework.form_actions import performed, submitted
from casework.forms_common import blank_to_none, filled
from casework.i18n import gettext as _
from casework.i18n import language_choices
from casework.pagination import page_number
from casework.timeutil import today_for
from scheduling import calendars, dispatch, family_texts, inbound, links, messages, planning, services
from scheduling.channels import signature_matches
from scheduling.forms import (
    ZONE_CHOICES,
    AppointmentForm,
    CourtForm,
    DeadlineForm,
    OfficeForm,
    OutcomeForm,
    PlaceForm,
    PolicyForm,
    ProgramPolicyForm,
)
from scheduling.labels import APPOINTMENT_KINDS
from scheduling.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    AttendanceMode,
    Court,
    Deadline,
    FeedScope,
    Office,
    OfficeKind,
    Reminder,
    ReminderPolicy,
)
from scheduling.outcome_form import save_outcome

bp = Blueprint("scheduling", __name__)

AGENDA_DAYS = 14


def _whose() -> int | None:
    """Lists show my caseload unless ?who=all asks for the whole program."""
    return None if request.args.get("who") == "all" else current_user.id


# Appointments -----------------------------------------------------------------------------------


def _fill_appointment_choices(form: AppointmentForm, case: Case, current: Court | None = None) -> AppointmentForm:
    """Open courts only; a date already at a closed court keeps it listed (marked closed) so the
    form shows where it is, and saving refuses it until another court is chosen."""
    form.member_ids.choices = [(m.id, m.full_name) for m in case.family.members]
    court_choices = [(c.id, f"{c.name} ({c.city}, {c.state})") for c in services.active_courts(db.session)]
    if current is not None and not current.active:
        court_choices.insert(
            0,
            (
                current.id,
                _(
                    "%(court)s (%(city)s, %(state)s) — closed",
                    court=current.name,
                    city=current.city,
                    state=current.state,
                ),
            ),
        )
    form.court_id.choices = [(0, "—"), *court_choices]
    form.office_id.choices = [(0, "—")] + [
        (o.id, o.name) for o in services.program_offices(db.session, case.family.program_id, True)
    ]
    form.interpreter_language.choices = [("", "—"), *language_choices()]
    return form


def _appointment_data(form: AppointmentForm) -> services.AppointmentData:
    kind = AppointmentKind(form.kind.data)
    return services.AppointmentData(
        kind=kind,
        member_ids=list(form.member_ids.data or []),
        local_date=filled(form.local_date.data),
        local_time=filled(form.local_time.data),
        court_id=form.court_id.data or None,
        office_id=form.office_id.data or None,
        location_note=blank_to_none(form.location_note.data),
        timezone=form.timezone.data or None,
        fold=form.fold.data,
        mode=AttendanceMode(form.mode.data),
        video_link=blank_to_none(form.video_link.data),
        interpreter_language=form.interpreter_language.data or None,
        notes=form.notes.data,
    )


@bp.route("/cases/<int:case_id>/appointments/new", methods=["GET", "POST"])
@requires("program_staff")
def new_appointment(case_id: int):
    case = access.get_case_or_404(db.session, current_user, case_id)
    form = _fill_appointment_choices(AppointmentForm(), case)
    if request.method == "GET":
        form.member_ids.data = [m.id for m in case.family.members]
        form.timezone.data = case.family.program.timezone
    created = submitted(
        form, lambda: services.create_appointment(db.session, current_user, case, _appointment_data(form)), "kind"
    )
    if created:
        flash(_("The date is saved and its reminders are planned."), "success")
        return redirect(url_for("scheduling.appointment", appointment_id=created.value.id))
    return render_template("scheduling/appointment_form.html", form=form, case=case, appointment=None)


def _form_data(appointment: Appointment) -> dict:
    return {
        "kind": appointment.kind.value,
        "member_ids": [a.member_id for a in appointment.attendees],
        "local_date": appointment.local_date,
        "local_time": appointment.local_time,
        "fold": appointment.fold,
        "court_id": appointment.court_id or 0,
        "office_id": appointment.office_id or 0,
        "location_note": appointment.location_note,
        "timezone": appointment.timezone,
        "mode": appointment.mode.value,
        "video_link": appointment.video_link,
        "interpreter_language": appointment.interpreter_language or "",
        "notes": appointment.notes,
    }


@bp.route("/appointments/<int:appointment_id>/edit", methods=["GET", "POST"])
@requires("program_staff")
def edit_appointment(appointment_id: int):
    appointment = access.get_or_404(db.session, current_user, Appointment, appointment_id)
    case = appointment.case
    form = AppointmentForm(data=_form_data(appointment)) if request.method == "GET" else AppointmentForm()
    _fill_appointment_choices(form, case, appointment.court)
    saved = submitted(
        form,
        lambda: services.update_appointment(db.session, current_user, appointment, _appointment_data(form)),
        "kind",
    )
    if saved:
        flash(
            _("The new date is saved; the family's reminders follow it.")
            if saved.value
            else _("The changes are saved."),
            "success",
        )
        return redirect(url_for("scheduling.appointment", appointment_id=appointment.id))
    return render_template("scheduling/appointment_form.html", form=form, case=case, appointment=appointment)


@bp.route("/appointments/<int:appointment_id>")
@requires("program_staff")
def appointment(appointment_id: int):
    appointment = access.get_or_404(db.session, current_user, Appointment, appointment_id)
    reminders = list(
        db.session.scalars(
            select(Reminder).where(Reminder.appointment_id == appointment.id).order_by(Reminder.due_at, Reminder.id)
        )
    )
    replies = inbound.replies_for(db.session, [r.id for r in reminders])
    successor = db.session.get(Appointment, appointment.rescheduled_to_id) if appointment.rescheduled_to_id else None
    record_now(db.session, current_user, AuditAction.VIEW, "appointment", appointment.id, appointment.case.family_id)
    court = appointment.court
    closed_court, successors = False, []
    if (
        court is not None
        and appointment.status is AppointmentStatus.SCHEDULED
        and appointment.outcome is None
        and court.closed_for(appointment.local_date)
    ):
        closed_court, successors = True, services.courts_by_slug(db.session, court.successor_slugs)
    return render_template(
        "scheduling/appointment.html",
        appointment=appointment,
        reminders=reminders,
        replies=replies,
        successor=successor,
        now=utcnow(),
        warnings=planning.channel_warnings(appointment),
        closed_court=closed_court,
        successors=successors,
    )


@bp.route("/appointments/<int:appointment_id>/cancel", methods=["POST"])
@requires("program_staff")
def cancel_appointment(appointment_id: int):
    appointment = access.get_or_404(db.session, current_user, Appointment, appointment_id)
    if performed(lambda: services.cancel_appointment(db.session, current_user, appointment)):
        flash(_("The date is cancelled; the family will be told."), "success")
    return redirect(url_for("scheduling.appointment", appointment_id=appointment.id))


@bp.route("/appointments/<int:appointment_id>/outcome", methods=["GET", "POST"])
@requires("program_staff")
def outcome(appointment_id: int):
    appointment = access.get_or_404(db.session, current_user, Appointment, appointment_id)
    form = OutcomeForm()
    saved, successor = save_outcome(form, appointment)
    if saved:
        flash(_("The outcome is recorded."), "success")
        return redirect(url_for("scheduling.appointment", appointment_id=(successor or appointment).id))
    return render_template("scheduling/outcome_form.html", form=form, appointment=appointment)


def _staff_texts() -> Callable[[Appointment], calendars.EventText]:
    """Staff calendars: the kind of date and the case reference, never a name; each kind's label
    translated once for all the events, not once an event."""
    kinds = {kind: str(label) for kind, label in APPOINTMENT_KINDS.items()}

    def text(appointment: Appointment) -> calendars.EventText:
        reference = appointment.case.reference
        return calendars.EventText(summary=f"{kinds[appointment.kind]} · {reference}", description=reference)

    return text


def _ics_response(ics: bytes, filename: str) -> Response:
    response = Response(ics, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.route("/appointments/<int:appointment_id>/calendar.ics")
@requires("program_staff")
def appointment_ics(appointment_id: int):
    appointment = access.get_or_404(db.session, current_user, Appointment, appointment_id)
    record(
        db.session,
        current_user,
        AuditAction.VIEW,
        "appointment",
        appointment.id,
        appointment.case.family_id,
        detail="ics",
    )
    cal = calendars.calendar_of([appointment], _staff_texts(), appointment.case.reference)
    return _ics_response(cal, f"{appointment.case.reference}.ics")


# Lists ------------------------------------------------------------------------------------------


@bp.route("/agenda")
@requires("program_staff")
def agenda():
    now = utcnow()
    today = today_for(current_user)
    zone = ZoneInfo(current_user.organization.timezone)
    start = datetime.combine(today, datetime.min.time(), zone)
    end = start + timedelta(days=AGENDA_DAYS)
    page = page_number()
    rows, has_next = services.agenda(
        db.session,
        access.scoped(Appointment, current_user),
        max(start, now - timedelta(hours=12)),
        end,
        _whose(),
        page,
        current_app.config["PAGE_SIZE"],
    )
    return render_template(
        "scheduling/agenda.html",
        appointments=rows,
        page=page,
        has_next=has_next,
        days=AGENDA_DAYS,
        who=request.args.get("who"),
    )


@bp.route("/follow-up")
@requires("program_staff")
def follow_up():
    page = page_number()
    rows, has_next = services.needing_follow_up(
        db.session, access.scoped(Appointment, current_user), utcnow(), _whose(), page, current_app.config["PAGE_SIZE"]
    )
    return render_template(
        "scheduling/follow_up.html", appointments=rows, page=page, has_next=has_next, who=request.args.get("who")
    )


def _month() -> date:
    try:
        year, month = (int(part) for part in request.args.get("month", "").split("-"))
        return date(year, month, 1)
    except (ValueError, TypeError):
        return today_for(current_user).replace(day=1)


@bp.route("/calendar")
@requires("program_staff")
def month_calendar():
    first = _month()
    weeks = month_grid.Calendar(firstweekday=6).monthdatescalendar(first.year, first.month)
    rows = services.month_appointments(
        db.session, access.scoped(Appointment, current_user), weeks[0][0], weeks[-1][-1], _whose()
    )
    by_day: dict[date, list[Appointment]] = {}
    for row in rows:
        by_day.setdefault(row.local_date, []).append(row)
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return render_template(
        "scheduling/calendar.html",
        first=first,
        weeks=weeks,
        by_day=by_day,
        previous=previous,
        following=following,
        today=today_for(current_user),
        who=request.args.get("who"),
    )


@bp.route("/families/<int:family_id>/reminders")
@requires("program_staff")
def family_reminders(family_id: int):
    family = access.get_family_or_404(db.session, current_user, family_id)
    page = page_number()
    per_page = current_app.config["PAGE_SIZE"]
    stmt = (
        select(Reminder)
        .where(Reminder.family_id == family.id)
        .order_by(Reminder.due_at.desc(), Reminder.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page + 1)
    )
    rows = list(db.session.scalars(stmt))
    record(db.session, current_user, AuditAction.VIEW, "reminder_log", family.id, family.id)
    return render_template(
        "scheduling/reminder_log.html",
        family=family,
        reminders=rows[:per_page],
        page=page,
        has_next=len(rows) > per_page,
    )


@bp.route("/outbox")
@requires("program_staff")
def outbox():
    """What the demo's outbox channel 'sent': the program's messages, newest first."""
    page = page_number()
    per_page = current_app.config["PAGE_SIZE"]
    stmt = (
        access.scoped(Reminder, current_user)
        .where(Reminder.provider_id.like("outbox-%"))
        .order_by(Reminder.sent_at.desc(), Reminder.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page + 1)
    )
    rows = list(db.session.scalars(stmt))
    return render_template(
        "scheduling/outbox.html", reminders=rows[:per_page], page=page, has_next=len(rows) > per_page
    )


# Deadlines --------------------------------------------------------------------------------------


@bp.route("/cases/<int:case_id>/deadlines/new", methods=["GET", "POST"])
@requires("program_staff")
def new_deadline(case_id: int):
    case = access.get_case_or_404(db.session, current_user, case_id)
    form = DeadlineForm()
    form.member_id.choices = [(0, _("The whole household"))] + [(m.id, m.full_name) for m in case.family.members]
    if submitted(
        form,
        lambda: services.add_deadline(
            db.session,
            current_user,
            case,
            filled(form.title.data),
            filled(form.due_on.data),
            form.member_id.data or None,
        ),
        "title",
    ):
        flash(_("The deadline is saved."), "success")
        return redirect(url_for("families.show", family_id=case.family_id))
    return render_template("scheduling/deadline_form.html", form=form, case=case)


@bp.route("/deadlines/<int:deadline_id>/met", methods=["POST"])
@requires("program_staff")
def deadline_met(deadline_id: int):
    deadline = access.get_or_404(db.session, current_user, Deadline, deadline_id)
    if performed(lambda: services.mark_deadline_met(db.session, current_user, deadline, today_for(current_user))):
        flash(_("The deadline is marked as met."), "success")
    return redirect(url_for("families.show", family_id=deadline.case.family_id))


# Courts and offices -----------------------------------------------------------------------------


@bp.route("/courts")
@requires("program_staff")
def courts():
    # Admins and supervisors see the program's dates still set at closed courts, to have them moved.
    to_move = (
        services.dates_at_closed_courts(db.session, access.scoped(Appointment, current_user))
        if access.has(current_user, "supervise_program")
        else None
    )
    all_courts = services.all_courts(db.session)
    return render_template(
        "scheduling/courts.html",
        courts=all_courts,
        to_move=to_move,
        by_slug={c.slug: c for c in all_courts},
        offices=services.program_offices(db.session, current_user.organization_id),
    )


def _place_data(form: PlaceForm, kind: OfficeKind | None = None, phone: str | None = None) -> services.PlaceData:
    return services.PlaceData(
        name=filled(form.name.data),
        street=filled(form.street.data),
        city=filled(form.city.data),
        state=form.state.data,
        postal_code=filled(form.postal_code.data),
        timezone=form.timezone.data,
        active=form.active.data,
        kind=kind,
        phone=phone,
    )


@bp.route("/admin/courts/<int:court_id>/edit", methods=["GET", "POST"])
@requires("edit_reference_data")
def edit_court(court_id: int):
    court = db.session.get(Court, court_id) or abort(404)  # reference data, not a family's record
    form = CourtForm(obj=court, closed=court.closed) if request.method == "GET" else CourtForm()
    if court.timezone not in dict(ZONE_CHOICES):
        form.timezone.choices = [(court.timezone, court.timezone), *ZONE_CHOICES]
    if submitted(
        form,
        lambda: services.update_court(
            db.session,
            current_user,
            court,
            services.PlaceData(
                name=filled(form.name.data),
                street=filled(form.street.data),
                city=filled(form.city.data),
                state=form.state.data,
                postal_code=filled(form.postal_code.data),
                timezone=form.timezone.data,
                active=not form.closed.data,
                closed_on=form.closed_on.data,
                source_url=form.source_url.data,
            ),
            today_for(current_user),
        ),
        "name",
    ):
        flash(
            _("The court is closed; the dates still set there are listed on this page for case managers to move.")
            if court.closed
            else _("The court is saved."),
            "success",
        )
        return redirect(url_for("scheduling.courts"))
    return render_template("scheduling/place_form.html", form=form, title=court.name, court=court)


def _phone(form: OfficeForm | ProgramPolicyForm) -> str | None:
    return parse_phone(form.phone.data) if form.phone.data and form.phone.data.strip() else None


def _office_form(office: Office | None) -> ResponseReturnValue:
    if request.method == "GET" and office is not None:
        form = OfficeForm(obj=office, kind=office.kind.value, phone=format_phone(office.phone))
    else:
        form = OfficeForm()
    if submitted(
        form,
        lambda: services.save_office(
            db.session, current_user, office, _place_data(form, OfficeKind(form.kind.data), _phone(form))
        ),
        "name",
    ):
        flash(_("The office is saved."), "success")
        return redirect(url_for("scheduling.courts"))
    return render_template("scheduling/place_form.html", form=form, title=office.name if office else _("New office"))


@bp.route("/offices/new", methods=["GET", "POST"])
@requires("program_staff")
def new_office():
    return _office_form(None)


@bp.route("/offices/<int:office_id>/edit", methods=["GET", "POST"])
@requires("program_staff")
def edit_office(office_id: int):
    return _office_form(access.get_program_record_or_404(db.session, current_user, Office, office_id))


# Reminder policy --------------------------------------------------------------------------------


def _policy_defaults(row: ReminderPolicy | None) -> dict[str, Any]:
    if row is None:
        return {
            "steps": planning.DEFAULT_STEPS,
            "quiet_start": planning.DEFAULT_QUIET_START,
            "quiet_end": planning.DEFAULT_QUIET_END,
        }
    return {"steps": row.steps, "quiet_start": row.quiet_start, "quiet_end": row.quiet_end}


@bp.route("/reminder-policy", methods=["GET", "POST"])
@requires("supervise_program")
def program_policy():
    program = current_user.organization
    row = services.policy_row(db.session, program_id=program.id)
    form = (
        ProgramPolicyForm(data={**_policy_defaults(row), "phone": format_phone(program.phone)})
        if request.method == "GET"
        else ProgramPolicyForm()
    )

    def save() -> None:
        set_program_phone(db.session, current_user, _phone(form))
        services.save_policy(
            db.session,
            current_user,
            filled(form.steps.data),
            filled(form.quiet_start.data),
            filled(form.quiet_end.data),
            program_id=program.id,
        )

    if submitted(form, save, "steps"):
        flash(_("The reminder policy is saved; upcoming reminders follow it."), "success")
        return redirect(url_for("scheduling.program_policy"))
    return render_template("scheduling/policy_form.html", form=form, case=None)


@bp.route("/cases/<int:case_id>/reminder-policy", methods=["GET", "POST"])
@requires("program_staff")
def case_policy(case_id: int):
    case = access.get_case_or_404(db.session, current_user, case_id)
    row = services.policy_row(db.session, case_id=case.id)
    if row is None:
        row = services.policy_row(db.session, program_id=case.family.program_id)
        own = False
    else:
        own = True
    form = PolicyForm(data=_policy_defaults(row)) if request.method == "GET" else PolicyForm()
    if request.method == "POST" and request.form.get("action") == "reset":
        services.drop_case_policy(db.session, current_user, case)
        flash(_("This case follows the program's reminder policy again."), "success")
        return redirect(url_for("families.show", family_id=case.family_id))
    if submitted(
        form,
        lambda: services.save_policy(
            db.session,
            current_user,
            filled(form.steps.data),
            filled(form.quiet_start.data),
            filled(form.quiet_end.data),
            case=case,
        ),
        "steps",
    ):
        flash(_("This case's reminder policy is saved."), "success")
        return redirect(url_for("families.show", family_id=case.family_id))
    return render_template("scheduling/policy_form.html", form=form, case=case, own=own)


# Calendar feeds ---------------------------------------------------------------------------------


@bp.route("/calendar/subscription", methods=["GET", "POST"])
@requires("reach_families")
def subscription():
    secret = current_app.config["SECRET_KEY"]
    if request.method == "POST":
        feed, _token = links.caseload_feed(db.session, secret, current_user)
        if feed is not None:
            links.revoke(db.session, current_user, feed)
        if request.form.get("action") != "revoke":
            links.caseload_feed(db.session, secret, current_user, create=True)
        flash(_("The old address no longer works.") if feed else _("Your calendar address is ready."), "success")
        return redirect(url_for("scheduling.subscription"))
    feed, token = links.caseload_feed(db.session, secret, current_user)
    url = url_for("scheduling.caseload_feed", token=token, _external=True) if token else None
    return render_template("scheduling/subscription.html", url=url)


@bp.route("/families/<int:family_id>/link")
@requires("program_staff")
def family_link(family_id: int):
    """The link of the family's own page, shown when asked for (it opens their dates without
    signing in: it is not written on every view of the family page)."""
    family = access.get_family_or_404(db.session, current_user, family_id)
    token = links.current_family_link(db.session, current_app.config["SECRET_KEY"], family.id)
    return render_template("scheduling/family_link.html", family=family, link_token=token)


@bp.route("/families/<int:family_id>/link", methods=["POST"])
@requires("program_staff")
def renew_family_link(family_id: int):
    family = access.get_family_or_404(db.session, current_user, family_id)
    links.renew_family_link(db.session, current_user, family)
    flash(_("The family's page has a new link; the next messages carry it."), "success")
    return redirect(url_for("scheduling.family_link", family_id=family.id))


@bp.route("/feeds/<token>.ics")
def caseload_feed(token: str):
    feed = links.find(db.session, current_app.config["SECRET_KEY"], token, FeedScope.CASELOAD)
    user = db.session.get(User, feed.user_id) if feed is not None and feed.user_id else None
    if feed is None or user is None or not access.has(user, "reach_families"):
        abort(404)
    now = utcnow()
    # Program staff follow the cases assigned to them; a partner, every case referred to it.
    stmt = access.scoped(Appointment, user).where(Appointment.starts_at >= now - timedelta(days=30))
    if user.in_program:
        stmt = stmt.where(services.of_caseload(user.id))
    # The case (its reference) comes with the join the scope makes; the place in the same statement.
    stmt = (
        stmt.options(contains_eager(Appointment.case), joinedload(Appointment.court), joinedload(Appointment.office))
        .order_by(Appointment.starts_at)
        .limit(5000)
    )
    appointments = calendars.feed_appointments(db.session.scalars(stmt))
    if not user.in_program:
        # Fetched by a calendar provider for someone outside the program: one line per fetch.
        record(db.session, user, AuditAction.VIEW, "calendar_feed", feed.id, detail=f"{len(appointments)} dates")
    return _ics_response(calendars.calendar_of(appointments, _staff_texts(), _("My caseload")), "caseload.ics")


# The family's own page and feed (no sign-in: the unguessable link is the key) --------------------


def _family_by_token(token: str) -> Family:
    feed = links.find(db.session, current_app.config["SECRET_KEY"], token, FeedScope.FAMILY)
    if feed is None:
        abort(404)
    family = db.session.get(Family, feed.family_id)
    if family is None or family.anonymized_at is not None:
        abort(404)
    return family


def _family_language(family: Family) -> str:
    chosen = request.args.get("lang")
    if chosen in family_texts.PAGE_TEXTS:
        return chosen
    for member in sorted(family.members, key=lambda m: m.relationship_to_head.value != "head"):
        if messages.has_texts(member.preferred_language):
            return member.preferred_language or "eng"
    return "eng"


def _upcoming_for_family(family: Family) -> list[Appointment]:
    now = utcnow()
    return [
        a
        for a in reversed(services.family_appointments(db.session, family))
        if a.status is AppointmentStatus.SCHEDULED and a.outcome is None and a.starts_at >= now - timedelta(hours=2)
    ]


@bp.route("/f/<token>")
def family_page(token: str):
    family = _family_by_token(token)
    language = _family_language(family)
    wording = messages.wording(language)
    upcoming = _upcoming_for_family(family)[:10]
    shown = [
        {
            "appointment": a,
            "what": wording.what[dispatch.category_of(a)],
            "when": f"{messages.format_day(wording, a.local_date)}, {messages.format_clock(wording, a.local_time)}",
            "who": [(att.member.given_names, mask_a_number(att.member.a_number)) for att in a.attendees],
            "bring": family_texts.PAGE_TEXTS[language]["bring_" + dispatch.category_of(a)],
        }
        for a in upcoming
    ]
    record(db.session, None, AuditAction.VIEW, "family_link", family.id, family.id)
    phone = family.program.phone
    response = Response(
        render_template(
            "scheduling/family_page.html",
            texts=family_texts.PAGE_TEXTS[language],
            shown=shown,
            token=token,
            html_lang=family_texts.HTML_LANG[language],
            language=language,
            languages=family_texts.LANGUAGE_NAMES,
            phone=format_phone(phone) if phone else None,
            status_url=family_texts.EOIR_CASE_STATUS,
        )
    )
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.route("/f/<token>.ics")
def family_feed(token: str):
    family = _family_by_token(token)
    wording = messages.wording(_family_language(family))
    page = url_for("scheduling.family_page", token=token, _external=True)

    def describe(a: Appointment) -> calendars.EventText:
        return calendars.EventText(summary=wording.what[dispatch.category_of(a)].capitalize(), description=page)

    appointments = calendars.feed_appointments(_upcoming_for_family(family))
    record(db.session, None, AuditAction.VIEW, "family_link", family.id, family.id, detail="ics")
    return _ics_response(calendars.calendar_of(appointments, describe, wording.what["appointment"]), "dates.ics")


# The SMS gateway's webhooks ------------------------------------------------------------------------


def _signed_form() -> dict[str, str]:
    """The POSTed fields, if the gateway's signature over them and our public URL is right."""
    params = request.form.to_dict()
    url = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + request.path
    if not signature_matches(
        current_app.config["SMS_AUTH_TOKEN"] or "", url, params, request.headers.get("X-Twilio-Signature")
    ):
        abort(403)
    return params


def _twiml(answer: str | None) -> Response:
    from xml.sax.saxutils import escape

    body = f"<Message>{escape(answer)}</Message>" if answer else ""
    return Response(f'<?xml version="1.0" encoding="UTF-8"?><Response>{body}</Response>', mimetype="text/xml")


@bp.route("/sms/inbound", methods=["POST"])
def sms_inbound():
    params = _signed_form()
    sender, body = params.get("From", ""), params.get("Body", "")
    if not sender:
        abort(400)
    result = inbound.receive(
        db.session,
        sender,
        body,
        params.get("MessageSid") or params.get("SmsSid"),
        current_app.config["DEFAULT_TIMEZONE"],
    )
    return _twiml(result.answer)


@bp.route("/sms/status", methods=["POST"])
def sms_status():
    params = _signed_form()
    sid, status = (
        params.get("MessageSid") or params.get("SmsSid"),
        params.get("MessageStatus") or params.get("SmsStatus"),
    )
    if not sid or not status:
        abort(400)
    inbound.delivery_status(db.session, sid, status)
    return Response("", status=204)
