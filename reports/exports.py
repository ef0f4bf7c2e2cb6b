"""Every report table as a download: CSV (UTF-8 with a BOM, so a spreadsheet reads accents right,
and formula-safe) and XLSX (XlsxWriter, in memory), for the program or for sharing outside it.

Sharing outside the program drops case managers' names and suppresses every count under the
configured threshold (REPORT_SMALL_COUNT, default 5), then whatever would let a suppressed count
be worked out again: a row's total from its parts (and a part from its total and the others), a
rate from its counts, and a lone suppressed cell of a column from the column's total published
elsewhere (a second cell of that column is suppressed with it).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from casework.exports import csv_lines, safe_cell
from casework.i18n import lazy_gettext as _l

BOM = "\ufeff"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "count"  # "label", "count", "rate" (a fraction), "stat" (a median...) or "text"
    parts: tuple[str, ...] = ()  # a count that is the sum of these counts of its row
    of: tuple[str, ...] | None = None  # a rate: (numerator, denominator) keys of its row; a stat: its counts
    personal: bool = False  # a person's name (a case manager's): dropped for sharing
    keep_parts: bool = False  # a rate shown beside its counts on the page, not instead of them


@dataclass
class Table:
    """Rows of values keyed by column; `additive`: each count column adds up, over the rows, to a
    total published elsewhere (the breakdowns of one figure cover each appointment once)."""

    name: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    additive: bool = True
    suppressed: set[tuple[int, str]] = field(default_factory=set)
    threshold: int | None = None

    def __post_init__(self) -> None:
        for column in self.columns:  # a rate not given is its counts' quotient
            if column.kind == "rate" and column.of:
                numerator, denominator = column.of
                for row in self.rows:
                    if column.key not in row:
                        row[column.key] = row[numerator] / row[denominator] if row.get(denominator) else None

    def is_suppressed(self, index: int, key: str) -> bool:
        return (index, key) in self.suppressed


def _count_keys(table: Table) -> list[str]:
    return [c.key for c in table.columns if c.kind == "count"]


def suppress(table: Table, threshold: int) -> set[tuple[int, str]]:
    """The cells to hide so that no count under `threshold` can be read or worked out again."""
    counts = _count_keys(table)
    hidden = {(i, key) for i, row in enumerate(table.rows) for key in counts if int(row.get(key) or 0) < threshold}
    totals = [c for c in table.columns if c.kind == "count" and c.parts]
    changed = True
    while changed:
        changed = False
        for i, row in enumerate(table.rows):
            for column in totals:
                hidden_parts = [p for p in column.parts if (i, p) in hidden]
                if hidden_parts and (i, column.key) not in hidden:
                    hidden.add((i, column.key))  # the total would give the hidden part back
                    changed = True
                elif (i, column.key) in hidden and not hidden_parts and column.parts:
                    smallest = min(column.parts, key=lambda p: int(row.get(p) or 0))
                    hidden.add((i, smallest))  # the visible parts would give the total back
                    changed = True
        if table.additive and len(table.rows) > 1:
            for key in counts:
                lone = [i for i in range(len(table.rows)) if (i, key) in hidden]
                if len(lone) == 1:
                    others = sorted(
                        (int(row.get(key) or 0), i) for i, row in enumerate(table.rows) if (i, key) not in hidden
                    )
                    if others:
                        hidden.add((others[0][1], key))
                        changed = True
    for i in range(len(table.rows)):
        for column in table.columns:
            if column.kind in ("rate", "stat") and column.of and any((i, k) in hidden for k in column.of):
                hidden.add((i, column.key))
    return hidden


def for_sharing(table: Table, threshold: int) -> Table:
    """The table as it may leave the program: names of case managers replaced by numbers (in the
    order of their counts, not of their names), small counts and what reveals them suppressed."""
    rows = [dict(row) for row in table.rows]
    personal = [c.key for c in table.columns if c.personal]
    if personal:
        counts = _count_keys(table)
        rows.sort(key=lambda row: -sum(int(row.get(k) or 0) for k in counts))
        unassigned = str(_l("Not assigned"))
        number = 0
        for row in rows:
            if any(row.get(key) not in (None, "", unassigned) for key in personal):
                number += 1
                for key in personal:
                    row[key] = str(_l("Case manager %(number)d", number=number))
    shared = replace(table, rows=rows, threshold=threshold)
    shared.suppressed = suppress(shared, threshold)
    return shared


def _cell(table: Table, index: int, column: Column) -> Any:
    value = table.rows[index].get(column.key)
    if table.is_suppressed(index, column.key):
        return f"<{table.threshold}" if column.kind == "count" else str(_l("suppressed"))
    if column.kind == "rate":
        return None if value is None else round(value * 100, 1)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _header(column: Column) -> str:
    return f"{column.label} (%)" if column.kind == "rate" else column.label


def csv_bytes(table: Table) -> bytes:
    header = [_header(c) for c in table.columns]
    rows = ([_cell(table, i, c) for c in table.columns] for i in range(len(table.rows)))
    return (BOM + "".join(csv_lines(header, rows))).encode("utf-8")


def _sheet_title(text: str) -> str:
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in text).strip()
    return (cleaned or "Report")[:31]


def xlsx_bytes(table: Table, about: list[tuple[str, str]]) -> bytes:
    """One sheet of the table (rates as percentages Excel formats), one of what it is and covers.
    XlsxWriter builds the file in memory; strings are written as text, never read as formulas,
    numbers or links."""
    import xlsxwriter

    buffer = io.BytesIO()
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
    book = xlsxwriter.Workbook(buffer, options)
    percent = book.add_format({"num_format": "0.0%"})
    sheet = book.add_worksheet(_sheet_title(table.title))
    sheet.write_row(0, 0, [safe_cell(_header(c)) for c in table.columns])
    for i in range(len(table.rows)):
        for j, column in enumerate(table.columns):
            value = _cell(table, i, column)
            if isinstance(value, str):
                sheet.write_string(i + 1, j, safe_cell(value))
            elif column.kind == "rate" and value is not None and not table.is_suppressed(i, column.key):
                sheet.write_number(i + 1, j, table.rows[i][column.key], percent)
            elif value is not None:
                sheet.write(i + 1, j, value)
    notes = book.add_worksheet(_sheet_title(str(_l("About"))))
    for i, (label, text) in enumerate(about):
        notes.write_string(i, 0, safe_cell(label))
        notes.write_string(i, 1, safe_cell(text))
    book.close()
    return buffer.getvalue()
