"""The figures as tables: the page shows them beside their charts, the downloads write them.
One builder per table, so what is shown and what is downloaded are the same numbers."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from flask import url_for
from markupsafe import Markup, escape

from casework.i18n import format_day, language_name, reader_locale
from casework.i18n import gettext as _
from casework.i18n import lazy_gettext as _l
from reports.exports import Column, Table
from reports.numbers import ReaderNumbers
from reports.services import (
    Caseload,
    DeadlineRow,
    RateRow,
    ReachRow,
    Reintegration,
    ReminderReach,
    RepresentationFigure,
    SchoolFigure,
)

CATEGORY_LABELS = {
    "hearing": _l("Immigration court hearings"),
    "check_in": _l("ICE and ATD check-ins"),
    "uscis": _l("USCIS appointments"),
}
CATEGORY_SHORT = {"hearing": _l("Hearings"), "check_in": _l("Check-ins"), "uscis": _l("USCIS")}

REACH_LABELS = {
    "sms_delivered": _l("Text delivered"),
    "sms_sent": _l("Text sent, delivery not confirmed"),
    "email_only": _l("Email only"),
    "failed": _l("Nothing reached them: sending failed"),
    "opted_out": _l("Nothing reached them: opted out"),
    "no_consent": _l("Nothing reached them: no consent"),
    "other": _l("Nothing reached them: no number or email, no written language, or set too late"),
}
REPRESENTATION_LABELS = {"represented": _l("Represented"), "unrepresented": _l("Not represented")}


def month_label(key: str, form: str = "MMM yyyy") -> str:
    year, month = (int(part) for part in key.split("-"))
    return format_day(date(year, month, 1), form)


def rate_columns(categories: list[str]) -> list[Column]:
    """Five columns a category, the same for every breakdown of a page: labelled once per locale."""
    return list(_rate_columns(tuple(categories), str(reader_locale())))


@lru_cache(maxsize=64)
def _rate_columns(categories: tuple[str, ...], locale: str) -> tuple[Column, ...]:
    columns = []
    for category in categories:
        short = str(CATEGORY_SHORT[category])
        columns += [
            Column(f"{category}_attended", str(_l("%(what)s: attended", what=short))),
            Column(f"{category}_missed", str(_l("%(what)s: missed", what=short))),
            Column(
                f"{category}_denominator",
                str(_l("%(what)s: attended + missed", what=short)),
                parts=(f"{category}_attended", f"{category}_missed"),
            ),
            Column(
                f"{category}_rate",
                str(_l("%(what)s: appearance rate", what=short)),
                kind="rate",
                of=(f"{category}_attended", f"{category}_denominator"),
            ),
            Column(f"{category}_missing", str(_l("%(what)s: outcome missing", what=short))),
        ]
    return tuple(columns)


def _rate_values(row: RateRow, categories: list[str]) -> dict:
    values: dict = {}
    for category in categories:
        counts = row.of(category)
        values.update(
            {
                f"{category}_attended": counts.attended,
                f"{category}_missed": counts.missed,
                f"{category}_denominator": counts.denominator,
                f"{category}_rate": counts.rate,
                f"{category}_missing": counts.missing,
            }
        )
    return values


def rate_table(
    name: str,
    title: str,
    first: Column,
    rows: list[RateRow],
    categories: list[str],
    labels: dict[str, str] | None = None,
) -> Table:
    table_rows = []
    for row in rows:
        values = _rate_values(row, categories)
        values[first.key] = (labels or {}).get(row.key, row.label)
        table_rows.append(values)
    return Table(name, title, [first, *rate_columns(categories)], table_rows)


def appearance_summary_table(summary: dict, categories: list[str]) -> Table:
    columns = [
        Column("category", str(_l("Appointments")), kind="label"),
        Column("attended", str(_l("Attended"))),
        Column("missed", str(_l("Missed"))),
        Column("denominator", str(_l("Attended + missed")), parts=("attended", "missed")),
        Column("rate", str(_l("Appearance rate")), kind="rate", of=("attended", "denominator")),
        Column("missing", str(_l("Outcome missing"))),
        Column("left_out", str(_l("Cancelled or rescheduled (left out)"))),
    ]
    rows = [
        {
            "category": str(CATEGORY_LABELS[c]),
            "attended": summary[c].attended,
            "missed": summary[c].missed,
            "denominator": summary[c].denominator,
            "rate": summary[c].rate,
            "missing": summary[c].missing,
            "left_out": summary[c].left_out,
        }
        for c in categories
    ]
    # Each row is a different kind of appointment: no column total is published, so the rows are not additive.
    return Table("appearance-summary", str(_l("Appearance rate")), columns, rows, additive=False)


def appearance_tables(data: dict, categories: list[str]) -> dict[str, Table]:
    """The breakdowns of figure 1, by their download names."""
    month_rows = data["months"]
    months = {row.key: month_label(row.key) for row in month_rows}
    hearings = [c for c in categories if c == "hearing"]
    return {
        "appearance-summary": appearance_summary_table(data["summary"], categories),
        "appearance-by-month": rate_table(
            "appearance-by-month",
            str(_l("Appearance rate by month")),
            Column("month", str(_l("Month")), kind="label"),
            month_rows,
            categories,
            months,
        ),
        "appearance-by-place": rate_table(
            "appearance-by-place",
            str(_l("Appearance rate by court or office")),
            Column("place", str(_l("Court or office")), kind="label"),
            data["places"],
            categories,
            {r.key: r.label or str(_l("No court or office recorded")) for r in data["places"]},
        ),
        "appearance-by-language": rate_table(
            "appearance-by-language",
            str(_l("Appearance rate by household language")),
            Column("language", str(_l("Household language")), kind="label"),
            data["languages"],
            categories,
            {r.key: language_name(r.key) or str(_l("Not recorded")) for r in data["languages"]},
        ),
        "appearance-by-manager": rate_table(
            "appearance-by-manager",
            str(_l("Appearance rate by case manager")),
            Column("manager", str(_l("Case manager")), kind="label", personal=True),
            data["managers"],
            categories,
            {r.key: r.label or str(_l("Not assigned")) for r in data["managers"]},
        ),
        "appearance-by-representation": rate_table(
            "appearance-by-representation",
            str(_l("Hearings by legal representation at the time of the hearing")),
            Column("representation", str(_l("Representation")), kind="label"),
            data["representation"],
            hearings,
            {k: str(v) for k, v in REPRESENTATION_LABELS.items()},
        ),
        "appearance-by-reach": rate_table(
            "appearance-by-reach",
            str(_l("Appearance rate by what reached the family before the date")),
            Column("reach", str(_l("What reached the family")), kind="label"),
            data["reach"],
            categories,
            {k: str(v) for k, v in REACH_LABELS.items()},
        ),
    }


# Figure 2: reminder reach --------------------------------------------------------------------------

CHANNEL_LABELS = {"sms": _l("Text (SMS)"), "email": _l("Email")}


def _reach_columns(with_calls: bool) -> list[Column]:
    columns = [
        Column("planned", str(_l("Planned (every message due)"))),
        Column("sent", str(_l("Sent"))),
        Column("delivered", str(_l("Delivered (confirmed by the carrier)"))),
        Column("failed", str(_l("Failed or undelivered"))),
        Column("held_no_consent", str(_l("Held back: consent withdrawn"))),
        Column("held_other", str(_l("Held back: no longer wanted"))),
        Column("cancelled", str(_l("Cancelled: date changed, outcome recorded or opted out"))),
        Column("waiting", str(_l("Still waiting"))),
        Column("confirmed", str(_l('Replies "1" (confirmed)'))),
        Column("needs_help", str(_l('Replies "2" (need a ride or an interpreter)'))),
        Column("opt_outs", str(_l("Opt-outs"))),
    ]
    if with_calls:
        columns += [
            Column("calls_created", str(_l("Interpreter calls raised"))),
            Column("calls_done", str(_l("Interpreter calls done"))),
        ]
    return columns


def reach_tables(reach: ReminderReach) -> dict[str, Table]:
    def values(row: ReachRow, with_calls: bool) -> dict[str, int]:
        keys = [c.key for c in _reach_columns(with_calls)]
        return {key: row[key] for key in keys}

    by_language = [
        {"language": language_name(r.key) or str(_l("Not recorded")), **values(r, True)} for r in reach.by_language
    ]
    by_channel = [{"channel": str(CHANNEL_LABELS.get(r.key, r.key)), **values(r, False)} for r in reach.by_channel]
    return {
        "reminders-by-language": Table(
            "reminders-by-language",
            str(_l("Reminders by language")),
            [Column("language", str(_l("Language")), kind="label"), *_reach_columns(True)],
            by_language,
        ),
        "reminders-by-channel": Table(
            "reminders-by-channel",
            str(_l("Reminders by channel")),
            [Column("channel", str(_l("Channel")), kind="label"), *_reach_columns(False)],
            by_channel,
        ),
    }


# Figure 6: caseload --------------------------------------------------------------------------------


def caseload_tables(load: Caseload) -> dict[str, Table]:
    from casework.cases.forms import CLOSED_REASON_LABELS
    from casework.cases.models import ClosedReason

    def reason_label(key: str) -> str:
        return str(CLOSED_REASON_LABELS[ClosedReason(key)]) if key else str(_l("No reason recorded"))

    managers = [
        {
            "manager": m.name or str(_l("Not assigned")),
            "open_cases": m.open_cases,
            "in_intake": m.in_intake,
            "overdue_tasks": m.overdue_tasks,
        }
        for m in load.managers
    ]
    reason_columns = [
        Column(f"closed_{r or 'none'}", str(_l("Closed: %(reason)s", reason=reason_label(r))))
        for r in load.closure_reasons
    ]
    months = []
    for flow in load.months:
        row = {"month": month_label(flow.key), "intakes": flow.intakes, "closed": flow.closed}
        for reason in load.closure_reasons:
            row[f"closed_{reason or 'none'}"] = flow.closures.get(reason, 0)
        months.append(row)
    return {
        "caseload-by-manager": Table(
            "caseload-by-manager",
            str(_l("Open cases and overdue tasks by case manager")),
            [
                Column("manager", str(_l("Case manager")), kind="label", personal=True),
                Column("open_cases", str(_l("Open cases"))),
                Column("in_intake", str(_l("Of which in intake"))),
                Column("overdue_tasks", str(_l("Overdue tasks"))),
            ],
            managers,
        ),
        "caseload-by-month": Table(
            "caseload-by-month",
            str(_l("Intakes and closures by month")),
            [
                Column("month", str(_l("Month")), kind="label"),
                Column("intakes", str(_l("Intakes"))),
                Column("closed", str(_l("Closures")), parts=tuple(c.key for c in reason_columns)),
                *reason_columns,
            ],
            months,
        ),
    }


# On the page -------------------------------------------------------------------------------------------


def page_columns(table: Table) -> list[Column]:
    """The columns as the page shows them: a rate carries its counts ("97.5% (77/79)"), so the
    counts it is made of (and the missed ones, their difference) are not repeated beside it.
    Downloads keep every column."""
    folded: set[str] = set()
    by_key = {c.key: c for c in table.columns}
    for column in table.columns:
        if column.kind == "rate" and column.of and not column.keep_parts:
            for key in column.of:
                folded.add(key)
                folded.update(by_key[key].parts if key in by_key else ())
    return [c for c in table.columns if c.key not in folded]


def page_cell(row: dict, column: Column, numbers: ReaderNumbers) -> str:
    value = row.get(column.key)
    if column.kind == "rate":
        if value is None or not column.of:
            return numbers.rate(value)
        numerator, denominator = (row.get(k) for k in column.of)
        return f"{numbers.rate(value)} ({numbers.decimal(numerator)}/{numbers.decimal(denominator)})"
    if column.kind in ("count", "stat"):
        return "—" if value is None else numbers.decimal(value)
    return "—" if value is None else str(value)


def page_rows(table: Table) -> tuple[list[Column], list[list[str]]]:
    """The columns the page shows and each row's cells as the page writes them."""
    columns, numbers = page_columns(table), ReaderNumbers()
    return columns, [[page_cell(row, column, numbers) for column in columns] for row in table.rows]


def page_html(table: Table, args: dict[str, Any], small_count: int, caption: str | None = None) -> Markup:
    """A table as the page shows it, with its four downloads (for the program, or for sharing
    outside it). Written here rather than by a template loop: a report page shows up to seven
    tables, and a template spent more on their cells than the rest of the page."""
    columns, cells = page_rows(table)
    # Outside the f-strings below: the catalogue's extraction does not read calls inside them.
    nothing, download = _("Nothing in this period."), _("Download:")
    numeric = [c.kind in ("count", "rate") for c in columns]
    heads = "".join(
        f'<th scope="col" class="num">{escape(c.label)}</th>' if num else f'<th scope="col">{escape(c.label)}</th>'
        for c, num in zip(columns, numeric, strict=True)
    )
    # Each column's opening tag once: its cells only add their text.
    opening = [
        f'<th scope="row" data-label="{escape(c.label)}">'
        if c.kind == "label"
        else f'<td class="num" data-label="{escape(c.label)}">'
        if num
        else f'<td data-label="{escape(c.label)}">'
        for c, num in zip(columns, numeric, strict=True)
    ]
    closing = ["</th>" if c.kind == "label" else "</td>" for c in columns]
    body = (
        "".join(
            "<tr>" + "".join(f"{o}{escape(v)}{e}" for o, v, e in zip(opening, row, closing, strict=True)) + "</tr>\n"
            for row in cells
        )
        if cells
        else f'<tr><td colspan="{len(columns)}">{escape(nothing)}</td></tr>\n'
    )
    export = url_for("reports.export")
    # The same query as urlencode of the whole dict would write, the filters encoded once.
    named = urlencode({"table": table.name})
    filters = urlencode(args)
    links = [
        f'<a href="{escape(export)}?{escape("&".join(p for p in (named, f"format={fmt}", share, filters) if p))}">'
        f"{label}</a>"
        for share in ("", "share=1")
        for fmt, label in (("csv", "CSV"), ("xlsx", "XLSX"))
    ]
    sharing = _("for sharing outside the program (no names of staff, counts under %(n)d hidden):", n=small_count)
    return Markup(  # noqa: S704 - every text is escaped above; the rest are tags
        '<div class="table-wrap">\n<table class="list report-table">\n'
        f'  <caption class="visually-hidden">{escape(caption or table.title)}</caption>\n'
        f"  <thead><tr>{heads}</tr></thead>\n  <tbody>\n{body}  </tbody>\n</table>\n</div>\n"
        f'<p class="downloads no-print">{escape(download)}\n'
        f"  {links[0]} · {links[1]} · {escape(sharing)}\n  {links[2]} · {links[3]}\n</p>"
    )


# Figures 3, 5 and 4 -----------------------------------------------------------------------------------


def _share_columns(what: str, count: str, of: str) -> list[Column]:
    return [
        Column("what", what, kind="label"),
        Column("count", count),
        Column("of", of),
        Column("share", str(_l("Share")), kind="rate", of=("count", "of")),
    ]


def representation_tables(figure: RepresentationFigure) -> dict[str, Table]:
    n = figure.households
    rows = [
        {"what": str(_l("Had a referral accepted by a legal partner")), "count": figure.accepted, "of": n},
        {"what": str(_l("Had a notice of appearance (EOIR-28) filed")), "count": figure.appeared, "of": n},
        {"what": str(_l("Either")), "count": figure.either, "of": n},
    ]
    return {
        "representation-households": Table(
            "representation-households",
            str(_l("Households with a hearing in the period")),
            _share_columns(
                str(_l("By the end of the period")), str(_l("Households")), str(_l("Households with a hearing"))
            ),
            rows,
            additive=False,
        ),
        "representation-delay": Table(
            "representation-delay",
            str(_l("Days from release to representation")),
            [
                Column("what", str(_l("Households")), kind="label"),
                Column("represented", str(_l("First notice of appearance filed in the period"))),
                Column("median", str(_l("Median days from release")), kind="stat", of=("represented",)),
            ],
            [
                {
                    "what": str(_l("Represented in the period")),
                    "represented": figure.represented,
                    "median": figure.median_days,
                }
            ],
            additive=False,
        ),
    }


DEADLINE_LABELS = {
    "asylum": _l("Asylum application (I-589), one year after arrival"),
    "address_change_court": _l("Change of address to the immigration court (EOIR-33), 5 days"),
    "address_change_uscis": _l("Change of address to USCIS (AR-11), 5 days"),
}


def deadline_tables(rows: list[DeadlineRow]) -> dict[str, Table]:
    columns = [
        Column("what", str(_l("Deadline")), kind="label"),
        Column("on_time", str(_l("Met on time"))),
        Column("late", str(_l("Met late"))),
        Column("missed", str(_l("Missed (past due, not met)"))),
        Column("pending", str(_l("Pending (not yet due)"))),
        Column("total", str(_l("Total")), parts=("on_time", "late", "missed", "pending")),
        Column("share", str(_l("Met on time, share")), kind="rate", of=("on_time", "total"), keep_parts=True),
    ]
    data = [
        {
            "what": str(DEADLINE_LABELS[r.key]),
            "on_time": r.on_time,
            "late": r.late,
            "missed": r.missed,
            "pending": r.pending,
            "total": r.total,
            "share": (r.on_time / r.total) if r.total else None,
        }
        for r in rows
    ]
    return {"deadlines": Table("deadlines", str(_l("Deadlines")), columns, data, additive=False)}


SCHOOL_STATUS_LABELS = {
    "not_started": _l("Not started"),
    "documents_requested": _l("Documents requested"),
    "barrier": _l("Facing a barrier"),
}


def school_tables(figure: SchoolFigure) -> dict[str, Table]:
    n = figure.children
    rows = [
        {"what": str(_l("Enrolled within %(days)d days of release", days=days)), "count": figure.within[days], "of": n}
        for days in sorted(figure.within)
    ]
    rows += [
        {"what": str(_l("Enrolled later")), "count": figure.later, "of": n},
        {"what": str(_l("Not enrolled")), "count": figure.not_enrolled, "of": n},
    ]
    waiting = [
        {"what": str(label), "count": figure.now_by_status.get(key, 0)} for key, label in SCHOOL_STATUS_LABELS.items()
    ]
    return {
        "school-enrollment": Table(
            "school-enrollment",
            str(_l("School-age children of the households released in the period")),
            _share_columns(str(_l("Enrollment")), str(_l("Children")), str(_l("School-age children"))),
            rows,
            additive=False,
        ),
        "school-waiting": Table(
            "school-waiting",
            str(_l("School-age children of open cases not enrolled today")),
            [Column("what", str(_l("Where they stand")), kind="label"), Column("count", str(_l("Children")))],
            waiting,
        ),
    }


# Figure 7: reintegration -------------------------------------------------------------------------------

SITUATION_LABELS = {
    "documents_obtained": _l("Identity documents obtained"),
    "children_in_school": _l("Children in school"),
    "working_or_training": _l("Working or in training"),
    "safe": _l("Safe"),
    "at_risk": _l("At risk"),
    "displaced": _l("Displaced"),
    "migrated_again": _l("Migrated again"),
}


def reintegration_tables(figure: Reintegration) -> dict[str, Table]:
    from reintegration.api import REFERRAL_STATUSES, SERVICES, ReferralStatus, Service

    follow_ups = [
        {
            "what": str(_l("%(days)d days after the return", days=r.days)),
            "on_time": r.on_time,
            "late": r.late,
            "missed": r.missed,
            "pending": r.pending,
            "total": r.total,
        }
        for r in figure.follow_ups
    ]
    follow_columns = [
        Column("what", str(_l("Follow-up")), kind="label"),
        Column("on_time", str(_l("Done on time"))),
        Column("late", str(_l("Done late"))),
        Column("missed", str(_l("Missed (past due, not done)"))),
        Column("pending", str(_l("Not due yet"))),
        Column("total", str(_l("Total")), parts=("on_time", "late", "missed", "pending")),
        Column("share", str(_l("Done on time, share")), kind="rate", of=("on_time", "total"), keep_parts=True),
    ]
    total = figure.situation["total"]
    situation = [
        {"what": str(label), "count": figure.situation[key], "of": total} for key, label in SITUATION_LABELS.items()
    ]
    statuses = list(ReferralStatus)
    referral_columns = (
        [Column("service", str(_l("Service")), kind="label")]
        + [Column(s.value, str(REFERRAL_STATUSES[s])) for s in statuses]
        + [Column("total", str(_l("Total")), parts=tuple(s.value for s in statuses))]
    )
    referrals = []
    for service in Service:
        counts = figure.referrals.get(service.value)
        if counts:
            row = {"service": str(SERVICES[service]), **{s.value: counts.get(s.value, 0) for s in statuses}}
            row["total"] = sum(counts.values())
            referrals.append(row)
    received = [
        {"what": str(_l("Returnees received in the period")), "count": figure.handed_over, "of": figure.received}
    ]
    return {
        "reintegration-follow-ups": Table(
            "reintegration-follow-ups", str(_l("Follow-ups due in the period")), follow_columns, follow_ups
        ),
        "reintegration-situation": Table(
            "reintegration-situation",
            str(_l("Situation at the latest follow-up")),
            _share_columns(
                str(_l("At the latest follow-up")), str(_l("Returnees")), str(_l("Returnees with a follow-up recorded"))
            ),
            situation,
            additive=False,
        ),
        "reintegration-referrals": Table(
            "reintegration-referrals", str(_l("Provider referrals by service")), referral_columns, referrals
        ),
        "reintegration-received": Table(
            "reintegration-received",
            str(_l("Cases handed over by a US program")),
            _share_columns(str(_l("Returnees")), str(_l("Handed over by a US program")), str(_l("Received"))),
            received,
            additive=False,
        ),
    }
