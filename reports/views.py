"""Reports: the program's figures with charts and their tables, the dates whose outcome is
missing, and downloads. Every page reads through the access scope (reports.services)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint, Response, abort, current_app, g, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from casework import access
from casework.access import requires
from casework.db import db, utcnow
from casework.i18n import format_day, language_choices
from casework.i18n import gettext as _
from casework.pagination import page_number
from casework.timeutil import today_for
from reports import charts, exports, facts, services, tables
from reports.forms import FilterForm, PeriodForm
from reports.numbers import ReaderNumbers, format_decimal
from reports.services import CATEGORIES, KINDS_OF, Filters

bp = Blueprint("reports", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.before_request
def _aggregations_run_as_planned() -> None:
    services.without_jit(db.session)


@bp.app_template_filter("report_number")
def report_number(value: float | None) -> str:
    return "—" if value is None else format_decimal(value)


bp.add_app_template_global(tables.page_html, "report_table_html")


@bp.app_template_filter("report_percent")
def report_percent(value: float | None) -> str:
    return ReaderNumbers().rate(value)


def _filter_lists() -> services.FilterLists:
    """The filters' lists, read once a request: the filter form offers them, the appearance
    breakdowns are named from them."""
    if "report_filter_lists" not in g:
        g.report_filter_lists = services.filter_lists(db.session, current_user)
    lists: services.FilterLists = g.report_filter_lists
    return lists


def _filter_form() -> FilterForm:
    form = FilterForm(request.args)
    lists = _filter_lists()
    form.place.choices = {
        "": [("", _("All courts and offices"))],
        _("Immigration courts"): lists.courts,
        _("Offices"): lists.offices,
    }
    form.language.choices = [("", _("All languages")), *language_choices()]
    if services.caseload_only(current_user):
        del form["manager"]  # a case manager's reports are their own caseload
    else:
        form.manager.choices = [("", _("All case managers")), *lists.staff]
    return form


def _categories(filters: Filters) -> list[str]:
    if filters.kind is not None:
        return [c for c in CATEGORIES if filters.kind in KINDS_OF[c]]
    return list(CATEGORIES)


def _facts_as_of(now: datetime) -> datetime:
    """When the program's facts were built, after rebuilding them if they were older than allowed."""
    max_age = timedelta(seconds=current_app.config["REPORT_FACTS_MAX_AGE"])
    return facts.ensure_fresh(db.session, current_user.organization_id, now, max_age)


def appearance_data(filters: Filters, now: datetime) -> dict:
    """The appearance figures, from the program's facts, and when those were built."""
    as_of = _facts_as_of(now)
    figure = services.appearance(db.session, current_user, filters, now, _filter_lists().names())
    return vars(figure) | {"as_of": as_of}


def _bar_rows(table: exports.Table, first: str, categories: list[str]) -> list[charts.BarRow]:
    rows, numbers = [], ReaderNumbers()
    for row in table.rows:
        bars = []
        for category in categories:
            attended, denominator = row[f"{category}_attended"], row[f"{category}_denominator"]
            if not denominator and not row[f"{category}_missing"]:
                continue
            rate = numbers.rate(row[f"{category}_rate"])
            text = f"{rate} ({numbers.decimal(attended)}/{numbers.decimal(denominator)})"
            bars.append(charts.Bar(category, row[f"{category}_rate"], text))
        if bars:
            rows.append(charts.BarRow(str(row[first]), bars))
    return rows


def _appearance_charts(data: dict, built: dict[str, exports.Table], categories: list[str]) -> dict:
    months = data["months"]
    values = [months_row.of(c).rate for months_row in months for c in categories]
    floor = charts.scale_floor(values)
    series = [charts.Series(c, str(tables.CATEGORY_SHORT[c]), [row.of(c).rate for row in months]) for c in categories]
    made = {
        "trend": charts.trend(
            _("Appearance rate by month"), [tables.month_label(r.key, "MMM yy") for r in months], series, floor
        ),
        "trend_floor": floor,
    }
    for name, first in (
        ("appearance-by-place", "place"),
        ("appearance-by-language", "language"),
        ("appearance-by-manager", "manager"),
        ("appearance-by-reach", "reach"),
    ):
        made[name] = charts.bars(built[name].title, _bar_rows(built[name], first, categories))
    hearings = [c for c in categories if c == "hearing"]
    made["appearance-by-representation"] = charts.bars(
        built["appearance-by-representation"].title,
        _bar_rows(built["appearance-by-representation"], "representation", hearings),
    )
    return made


def report_pages() -> list[tuple[str, str]]:
    return [
        ("reports.index", _("Appearance")),
        ("reports.reminders", _("Reminder reach")),
        ("reports.representation", _("Representation")),
        ("reports.deadlines", _("Deadlines")),
        ("reports.school", _("School")),
        ("reports.caseload", _("Caseload")),
    ]


def _page(template: str, form: PeriodForm, filters: Filters | None, **context: Any) -> str:
    pages = [] if context.get("in_country") else report_pages()
    return render_template(
        template,
        form=form,
        report_pages=pages,
        filters=filters,
        args=filters.query_args() if filters else {},
        small_count=current_app.config["REPORT_SMALL_COUNT"],
        caseload_only=services.caseload_only(current_user),
        **context,
    )


@bp.route("/reports")
@requires("view_reports")
def index():
    form = _filter_form()
    filters = form.filters(today_for(current_user))
    if filters is None:
        return _page("reports/appearance.html", form, None)
    categories = _categories(filters)
    data = appearance_data(filters, utcnow())
    built = tables.appearance_tables(data, categories)
    return _page(
        "reports/appearance.html",
        form,
        filters,
        data=data,
        tables=built,
        categories=categories,
        charts=_appearance_charts(data, built, categories),
        category_labels=tables.CATEGORY_LABELS,
        reach_labels=tables.REACH_LABELS,
    )


# The pages that show when their facts were built, by the name their refresh button sends.
REFRESHED = {
    "appearance": "reports.index",
    "caseload": "reports.caseload",
    "reminders": "reports.reminders",
    "representation": "reports.representation",
    "school": "reports.school",
}


@bp.route("/reports/refresh", methods=["POST"])
@requires("view_reports")
def refresh():
    """Rebuild the program's appearance facts now (the figures of the last few minutes), then back
    to the report with its filters."""
    facts.refresh(db.session, current_user.organization_id, utcnow())
    args: dict[str, Any] = {key: value for key, value in request.form.items() if key in services.FILTER_ARGS}
    endpoint = REFRESHED.get(request.form.get("report", ""), "reports.index")
    return redirect(url_for(endpoint, **args))


@bp.route("/reports/outcomes-missing")
@requires("view_reports")
def outcomes_missing():
    form = _filter_form()
    filters = form.filters(today_for(current_user))
    category = request.args.get("category", "hearing")
    if category not in CATEGORIES:
        category = "hearing"
    if filters is None:
        return _page(
            "reports/outcomes_missing.html", form, None, category=category, category_labels=tables.CATEGORY_LABELS
        )
    page = page_number()
    rows, has_next, total = services.missing_outcomes(
        db.session, current_user, filters, category, utcnow(), page, current_app.config["PAGE_SIZE"]
    )
    return _page(
        "reports/outcomes_missing.html",
        form,
        filters,
        category=category,
        rows=rows,
        page=page,
        has_next=has_next,
        total=total,
        category_labels=tables.CATEGORY_LABELS,
    )


def reach_data(filters: Filters, now: datetime) -> dict:
    """The reach figures, and as of when: whole months of the whole program come from the monthly
    counts built with the facts; any other choice reads the outbox as it is now (no "as of")."""
    as_of = _facts_as_of(now) if services.whole_program_months(current_user, filters) else None
    zone = current_user.organization.timezone
    return {"reach": services.reminder_reach(db.session, current_user, filters, zone), "as_of": as_of}


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _share_text(part: int, whole: int) -> str:
    return f"{report_percent(_share(part, whole))} ({format_decimal(part)}/{format_decimal(whole)})"


@bp.route("/reports/reminders")
@requires("view_reports")
def reminders():
    form = _filter_form()
    filters = form.filters(today_for(current_user))
    if filters is None:
        return _page("reports/reminders.html", form, None)
    data = reach_data(filters, utcnow())
    built = tables.reach_tables(data["reach"])
    rows = []
    for row in data["reach"].by_channel:
        bars = [charts.Bar("sent", _share(row["sent"], row["planned"]), _share_text(row["sent"], row["planned"]))]
        if row.key == "sms":
            bars.append(
                charts.Bar(
                    "delivered", _share(row["delivered"], row["sent"]), _share_text(row["delivered"], row["sent"])
                )
            )
        rows.append(charts.BarRow(str(tables.CHANNEL_LABELS[row.key]), bars))
    chart = charts.bars(_("Messages sent, and texts delivered, by channel"), rows)
    return _page("reports/reminders.html", form, filters, data=data, tables=built, chart=chart)


def caseload_data(filters: Filters, now: datetime) -> dict:
    """The caseload figures, from the program's case facts, and when those were built."""
    as_of = _facts_as_of(now)
    known = _filter_lists().names()
    return {"caseload": services.caseload(db.session, current_user, filters, known), "as_of": as_of}


@bp.route("/reports/caseload")
@requires("view_reports")
def caseload():
    form = _filter_form()
    filters = form.filters(today_for(current_user))
    if filters is None:
        return _page("reports/caseload.html", form, None)
    data = caseload_data(filters, utcnow())
    load = data["caseload"]
    built = tables.caseload_tables(load)
    most = max([m.open_cases for m in load.managers] + [1])
    managers_chart = charts.bars(
        built["caseload-by-manager"].title,
        [
            charts.BarRow(row["manager"], [charts.Bar("count", m.open_cases / most, format_decimal(m.open_cases))])
            for row, m in zip(built["caseload-by-manager"].rows, load.managers, strict=False)
        ],
    )
    busiest = max([max(f.intakes, f.closed) for f in load.months] + [1])
    months_chart = charts.bars(
        built["caseload-by-month"].title,
        [
            charts.BarRow(
                tables.month_label(f.key),
                [
                    charts.Bar("intakes", f.intakes / busiest, format_decimal(f.intakes)),
                    charts.Bar("closures", f.closed / busiest, format_decimal(f.closed)),
                ],
            )
            for f in load.months
        ],
    )
    return _page(
        "reports/caseload.html",
        form,
        filters,
        data=data,
        tables=built,
        managers_chart=managers_chart,
        months_chart=months_chart,
    )


def _share_bars(table: exports.Table, key: str = "count") -> Markup:
    return charts.bars(
        table.title,
        [
            charts.BarRow(
                str(row["what"]),
                [
                    charts.Bar(
                        key, row["count"] / row["of"] if row["of"] else None, _share_text(row["count"], row["of"])
                    )
                ],
            )
            for row in table.rows
        ],
    )


def representation_data(filters: Filters, now: datetime) -> dict:
    """The representation figures (the households with a hearing from the program's facts), and
    when those were built."""
    as_of = _facts_as_of(now)
    figure = services.representation(db.session, current_user, filters, current_user.organization.timezone, now)
    return {"figure": figure, "as_of": as_of}


@bp.route("/reports/representation")
@requires("view_reports")
def representation():
    form = _filter_form()
    filters = form.filters(today_for(current_user))
    if filters is None:
        return _page("reports/representation.html", form, None)
    data = representation_data(filters, utcnow())
    built = tables.representation_tables(data["figure"])
    return _page(
        "reports/representation.html",
        form,
        filters,
        data=data,
        tables=built,
        chart=_share_bars(built["representation-households"]),
    )


def deadline_data(filters: Filters, now: datetime) -> dict:
    return {
        "rows": services.deadlines(
            db.session, current_user, filters, current_user.organization.timezone, today_for(current_user)
        )
    }


@bp.route("/reports/deadlines")
@requires("view_reports")
def deadlines():
    form = _filter_form()
    filters = form.filters(today_for(current_user))
    if filters is None:
        return _page("reports/deadlines.html", form, None)
    data = deadline_data(filters, utcnow())
    built = tables.deadline_tables(data["rows"])
    chart = charts.bars(
        built["deadlines"].title,
        [
            charts.BarRow(
                str(row["what"]), [charts.Bar("count", row["share"], _share_text(row["on_time"], row["total"]))]
            )
            for row in built["deadlines"].rows
        ],
    )
    return _page("reports/deadlines.html", form, filters, data=data, tables=built, chart=chart)


def school_data(filters: Filters, now: datetime) -> dict:
    """The school figures, from the program's child facts, and when those were built."""
    as_of = _facts_as_of(now)
    return {"figure": services.school(db.session, current_user, filters, today_for(current_user)), "as_of": as_of}


@bp.route("/reports/school")
@requires("view_reports")
def school():
    form = _filter_form()
    filters = form.filters(today_for(current_user))
    if filters is None:
        return _page("reports/school.html", form, None)
    data = school_data(filters, utcnow())
    built = tables.school_tables(data["figure"])
    return _page(
        "reports/school.html", form, filters, data=data, tables=built, chart=_share_bars(built["school-enrollment"])
    )


# In-country organizations ------------------------------------------------------------------------------


def reintegration_data(filters: Filters, now: datetime) -> dict:
    return {
        "figure": services.reintegration(
            db.session, current_user, filters, current_user.organization.timezone, today_for(current_user)
        )
    }


@bp.route("/reintegration/reports")
@requires("view_reintegration_reports")
def reintegration():
    """The in-country organization's report: its supervisors and admins see the organization, a
    case manager the returnees assigned to them. Program staff and legal partners are refused."""
    form = PeriodForm(request.args)
    filters = form.filters(today_for(current_user))
    if filters is None:
        return _page("reports/reintegration.html", form, None, in_country=True)
    data = reintegration_data(filters, utcnow())
    built = tables.reintegration_tables(data["figure"])
    chart = charts.bars(
        built["reintegration-follow-ups"].title,
        [
            charts.BarRow(
                str(row["what"]), [charts.Bar("count", row["share"], _share_text(row["on_time"], row["total"]))]
            )
            for row in built["reintegration-follow-ups"].rows
        ],
    )
    return _page(
        "reports/reintegration.html",
        form,
        filters,
        data=data,
        tables=built,
        chart=chart,
        situation_chart=_share_bars(built["reintegration-situation"]),
        in_country=True,
    )


# Downloads -------------------------------------------------------------------------------------------

FIGURES = {
    "appearance": ("reports.index", appearance_data, tables.appearance_tables),
    "reminders": ("reports.reminders", reach_data, lambda data, categories: tables.reach_tables(data["reach"])),
    "caseload": ("reports.caseload", caseload_data, lambda data, categories: tables.caseload_tables(data["caseload"])),
    "representation": (
        "reports.representation",
        representation_data,
        lambda data, categories: tables.representation_tables(data["figure"]),
    ),
    "deadlines": ("reports.deadlines", deadline_data, lambda data, categories: tables.deadline_tables(data["rows"])),
    "school": ("reports.school", school_data, lambda data, categories: tables.school_tables(data["figure"])),
    "reintegration": (
        "reports.reintegration",
        reintegration_data,
        lambda data, categories: tables.reintegration_tables(data["figure"]),
    ),
}
IN_COUNTRY_FIGURES = {"reintegration"}
# Who may download a figure: in-country organizations theirs, programs the others.
FIGURE_CAPABILITY = {True: "view_reintegration_reports", False: "view_reports"}


def figure_of(table_name: str) -> str | None:
    return next((figure for figure in FIGURES if table_name == figure or table_name.startswith(figure + "-")), None)


def _about(table: exports.Table, filters: Filters, shared: bool) -> list[tuple[str, str]]:
    lines = [
        (_("Table"), table.title),
        (_("Program"), current_user.organization.name),
        (
            _("Period"),
            _("%(start)s to %(end)s", start=format_day(filters.start, "long"), end=format_day(filters.end, "long")),
        ),
        (_("Made on"), format_day(today_for(current_user), "long")),
    ]
    if services.caseload_only(current_user):
        lines.append((_("Covers"), _("The cases assigned to %(name)s", name=current_user.full_name)))
    if shared:
        lines.append(
            (
                _("For sharing"),
                _(
                    "Case managers' names dropped; counts under %(n)d suppressed, with whatever would give them back.",
                    n=table.threshold or 0,
                ),
            )
        )
    return lines


@bp.route("/reports/export")
@requires("download_reports")
def export():
    name = request.args.get("table", "")
    fmt = request.args.get("format", "csv")
    in_country = access.has(current_user, "view_reintegration_reports")
    if not name:  # the tables are chosen on the report pages
        return redirect(url_for("reports.reintegration" if in_country else "reports.index"))
    figure = figure_of(name)
    if figure is None or fmt not in ("csv", "xlsx"):
        abort(404)
    if not access.has(current_user, FIGURE_CAPABILITY[figure in IN_COUNTRY_FIGURES]):
        access.refuse(current_user)  # each reads its own organization's records
    endpoint, load, build = FIGURES[figure]
    form = PeriodForm(request.args) if in_country else _filter_form()
    filters = form.filters(today_for(current_user))
    if filters is None:
        args: dict[str, Any] = request.args.to_dict()
        return redirect(url_for(endpoint, **args))
    built = build(load(filters, utcnow()), _categories(filters))
    if name not in built:
        abort(404)
    table = built[name]
    shared = request.args.get("share") == "1"
    if shared:
        table = exports.for_sharing(table, current_app.config["REPORT_SMALL_COUNT"])
    stem = f"{name}-{filters.start.isoformat()}-{filters.end.isoformat()}" + ("-shared" if shared else "")
    if fmt == "csv":
        body, mimetype = exports.csv_bytes(table), "text/csv; charset=utf-8"
    else:
        body, mimetype = exports.xlsx_bytes(table, _about(table, filters, shared)), XLSX
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{stem}.{fmt}"'})
