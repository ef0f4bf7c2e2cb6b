"""The outcome form's handling, shared by the program's appointment page and the partner portal:
the outcome recorded with any new date, errors next to their fields."""

from __future__ import annotations

from flask_login import current_user

from casework.db import db
from casework.form_actions import submitted
from casework.forms_common import filled
from scheduling import services
from scheduling.forms import OutcomeForm
from scheduling.models import Appointment, Decision, Outcome


def save_outcome(form: OutcomeForm, appointment: Appointment) -> tuple[bool, Appointment | None]:
    """Record the outcome the form describes, with any new date at the same place for the same
    people; errors go next to their fields. Returns (saved, the new appointment if any)."""

    def new_date() -> services.AppointmentData | None:
        if not form.new_local_date.data:
            return None
        return services.AppointmentData(
            kind=appointment.kind,
            member_ids=[a.member_id for a in appointment.attendees],
            local_date=form.new_local_date.data,
            local_time=filled(form.new_local_time.data),
            fold=form.new_fold.data,
            court_id=appointment.court_id,
            office_id=appointment.office_id,
            location_note=appointment.location_note,
            timezone=appointment.timezone,
            mode=appointment.mode,
            video_link=appointment.video_link,
            interpreter_language=appointment.interpreter_language,
            notes=appointment.notes,
        )

    recorded = submitted(
        form,
        lambda: services.record_outcome(
            db.session,
            current_user,
            appointment,
            services.OutcomeData(
                outcome=Outcome(form.outcome.data),
                decision=Decision(form.decision.data) if form.decision.data else None,
                note=form.note.data,
                new_date=new_date(),
            ),
        ),
        "outcome",
        fields={"local_time": "new_local_time", "fold": "new_fold"},
    )
    return (True, recorded.value) if recorded else (False, None)
