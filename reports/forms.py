"""The filters of every report: GET parameters of ids, codes and dates only, never a person's data."""

from __future__ import annotations

from datetime import date

from wtforms import DateField
from wtforms.validators import Optional

from casework.forms_common import Form, SelectField
from casework.i18n import lazy_gettext as _l
from reports.services import LONGEST_PERIOD_MONTHS, PRESETS, Filters, months_between, preset_period
from scheduling.api import APPOINTMENT_KINDS, AppointmentKind

PRESET_LABELS = {
    "last_month": _l("Last month"),
    "last_quarter": _l("Last quarter"),
    "last_12_months": _l("Last 12 months"),
}
# Dates before this are typing mistakes, not the program's history.
EARLIEST = date(2000, 1, 1)


class PeriodForm(Form):
    """The period alone (the in-country organizations' report)."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    period = SelectField(
        _l("Period"),
        validators=[Optional()],
        choices=[("", _l("The dates below"))] + [(p, PRESET_LABELS[p]) for p in PRESETS],
    )
    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("Until"), validators=[Optional()], description=_l("Both dates are included."))

    def filters(self, today: date) -> Filters | None:
        """The validated period (a preset fills the dates, in the organization's calendar), or None
        with the errors set on their fields."""
        if not self.validate():
            return None
        return self._period(today)

    def _period(self, today: date) -> Filters | None:
        if not self.period.data and self.start.data is None and self.end.data is None:
            self.period.data = "last_12_months"
        if self.period.data:
            self.start.data, self.end.data = preset_period(self.period.data, today)
            self.start.raw_data = self.end.raw_data = []  # show the preset's dates, not those typed before
        start, end = self.start.data, self.end.data
        if start is None:
            self.start.errors = [*list(self.start.errors), str(_l("Give the first day of the period."))]
            return None
        if end is None:
            self.end.errors = [*list(self.end.errors), str(_l("Give the last day of the period."))]
            return None
        if start < EARLIEST:
            self.start.errors = [
                *list(self.start.errors),
                str(_l("Choose a date from %(year)d on.", year=EARLIEST.year)),
            ]
            return None
        if end < start:
            self.end.errors = [*list(self.end.errors), str(_l("The period ends before it starts."))]
            return None
        if len(months_between(start, end)) > LONGEST_PERIOD_MONTHS:
            self.end.errors = [
                *list(self.end.errors),
                str(_l("Choose a period of at most %(months)d months.", months=LONGEST_PERIOD_MONTHS)),
            ]
            return None
        return Filters(start=start, end=end)


class FilterForm(PeriodForm):
    place = SelectField(_l("Court or office"), validators=[Optional()])
    manager = SelectField(_l("Case manager"), validators=[Optional()])
    language = SelectField(_l("Household language"), validators=[Optional()])
    kind = SelectField(
        _l("Appointment kind"),
        validators=[Optional()],
        choices=[("", _l("All kinds"))]
        + [(k.value, APPOINTMENT_KINDS[k]) for k in AppointmentKind if k is not AppointmentKind.OTHER],
    )

    def filters(self, today: date) -> Filters | None:
        """The validated filters, or None with the errors set on their fields."""
        if not self.validate():
            return None
        period = self._period(today)
        if period is None:
            return None
        start, end = period.start, period.end
        kind, court_id, office_id = None, None, None
        if self.kind.data:
            kind = AppointmentKind(self.kind.data)
        if self.place.data:
            what, _, number = self.place.data.partition("-")
            court_id, office_id = (int(number), None) if what == "court" else (None, int(number))
        manager_id = int(self.manager.data) if "manager" in self and self.manager.data else None
        return Filters(
            start=start,
            end=end,
            court_id=court_id,
            office_id=office_id,
            manager_id=manager_id,
            language=self.language.data or None,
            kind=kind,
        )
