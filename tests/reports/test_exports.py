"""Downloads: CSV with a BOM, formula-safe, and XLSX, parsed back; the version for sharing outside
the program drops staff names and suppresses small counts and what would reveal them."""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

import pytest
from openpyxl import load_workbook

from reports.exports import Column, Table, for_sharing, suppress
from scheduling.models import AppointmentKind, Court, Outcome
from tests.factories import PASSWORD
from tests.reports.conftest import appointment, household
from tests.reports.test_appearance import dataset  # noqa: F401  (the hand-built dataset)


def _download(client, p, table, fmt="csv", **extra):
    query = {"table": table, "format": fmt, "start": p.start.isoformat(), "end": p.end.isoformat(), **extra}
    return client.get("/reports/export?" + urlencode(query))


def _csv(response) -> list[list[str]]:
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf"), "no BOM: a spreadsheet would misread accents"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _by_first(rows: list[list[str]]) -> dict[str, dict[str, str]]:
    header = rows[0]
    return {row[0]: dict(zip(header, row, strict=False)) for row in rows[1:]}


def test_the_summary_downloads_as_csv_with_its_numbers(client, dataset):
    p = dataset
    client.sign_in(p.supervisor.email, PASSWORD)
    response = _download(client, p, "appearance-summary")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = _by_first(_csv(response))
    hearings = rows["Immigration court hearings"]
    assert (hearings["Attended"], hearings["Missed"], hearings["Attended + missed"]) == ("7", "1", "8")
    assert hearings["Appearance rate (%)"] == "87.5" and hearings["Outcome missing"] == "2"
    assert rows["ICE and ATD check-ins"]["Appearance rate (%)"] == "80.0"


def test_accents_survive_and_formulas_do_not_start(client, db_session, dataset):
    p = dataset
    court = Court(
        slug="test-formula",
        name='=HYPERLINK("http://x") Tribunal de Peñuelas',
        street="1 Main",
        city="Ponce",
        state="PR",
        postal_code="00716",
        timezone="America/Puerto_Rico",
    )
    db_session.add(court)
    db_session.flush()
    _f, case = household(db_session, p.manager, "spa", given="Ángel", surname="Peña")
    appointment(db_session, case, p.day(3), AppointmentKind.MASTER_HEARING, Outcome.ATTENDED, court=court)
    db_session.commit()
    client.sign_in(p.supervisor.email, PASSWORD)
    rows = _csv(_download(client, p, "appearance-by-place"))
    labels = [row[0] for row in rows[1:]]
    assert '\'=HYPERLINK("http://x") Tribunal de Peñuelas' in labels
    book = load_workbook(io.BytesIO(_download(client, p, "appearance-by-place", "xlsx").get_data()))
    cells = [row[0] for row in book.worksheets[0].iter_rows(values_only=True)]
    assert '\'=HYPERLINK("http://x") Tribunal de Peñuelas' in cells


def test_the_xlsx_has_the_table_and_what_it_covers(client, dataset):
    p = dataset
    client.sign_in(p.supervisor.email, PASSWORD)
    response = _download(client, p, "appearance-summary", "xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(response.get_data()))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    hearings = dict(zip(header, rows[1], strict=False))
    assert hearings["Appointments"] == "Immigration court hearings"
    assert (hearings["Attended"], hearings["Missed"], hearings["Outcome missing"]) == (7, 1, 2)
    assert hearings["Appearance rate (%)"] == 0.875
    assert sheet.cell(row=2, column=header.index("Appearance rate (%)") + 1).number_format == "0.0%"
    about = dict(book.worksheets[1].iter_rows(values_only=True))
    assert about["Program"] == "Lakeside Families Program" and "Appearance rate" in about["Table"]


def test_for_sharing_small_counts_and_names_go(client, dataset):
    p = dataset
    client.sign_in(p.supervisor.email, PASSWORD)
    rows = _by_first(_csv(_download(client, p, "appearance-summary", share="1")))
    hearings = rows["Immigration court hearings"]
    assert hearings["Attended"] == "7"
    assert hearings["Missed"] == "<5" and hearings["Outcome missing"] == "<5"
    # 8 = 7 + missed would give the missed count back, and so would the rate
    assert hearings["Attended + missed"] == "<5" and hearings["Appearance rate (%)"] == "suppressed"
    managers = _download(client, p, "appearance-by-manager", share="1").get_data().decode("utf-8-sig")
    assert "Marta Quispe" not in managers and "Carlos Ortiz" not in managers and "Case manager 1" in managers
    inside = _download(client, p, "appearance-by-manager").get_data().decode("utf-8-sig")
    assert "Marta Quispe" in inside
    book = load_workbook(io.BytesIO(_download(client, p, "appearance-summary", "xlsx", share="1").get_data()))
    first = list(book.worksheets[0].iter_rows(values_only=True))
    assert dict(zip(first[0], first[1], strict=False))["Missed"] == "<5"
    about = dict(book.worksheets[1].iter_rows(values_only=True))
    assert "counts under 5 suppressed" in about["For sharing"]


def test_the_threshold_is_configurable(app, client, dataset, monkeypatch):
    monkeypatch.setitem(app.config, "REPORT_SMALL_COUNT", 2)
    p = dataset
    client.sign_in(p.supervisor.email, PASSWORD)
    hearings = _by_first(_csv(_download(client, p, "appearance-summary", share="1")))["Immigration court hearings"]
    assert hearings["Missed"] == "<2" and hearings["Outcome missing"] == "2"


def test_unknown_tables_and_formats_are_not_found(client, dataset):
    p = dataset
    client.sign_in(p.supervisor.email, PASSWORD)
    assert _download(client, p, "families").status_code == 404
    assert _download(client, p, "appearance-summary", "pdf").status_code == 404
    assert _download(client, p, "appearance-nothing").status_code == 404
    bad = client.get("/reports/export?table=appearance-summary&format=csv&start=2026-02-30")
    assert bad.status_code == 302 and "/reports?" in bad.headers["Location"]


def _table(rows, additive=True) -> Table:
    columns = [
        Column("name", "Name", kind="label"),
        Column("a", "A"),
        Column("b", "B"),
        Column("total", "Total", parts=("a", "b")),
        Column("rate", "Rate", kind="rate", of=("a", "total")),
    ]
    return Table("t", "T", columns, [dict(r) for r in rows], additive=additive)


def test_a_lone_small_cell_of_a_column_takes_a_second_one_with_it():
    table = _table(
        [
            {"name": "x", "a": 10, "b": 6, "total": 16},
            {"name": "y", "a": 3, "b": 9, "total": 12},
            {"name": "z", "a": 12, "b": 8, "total": 20},
        ]
    )
    hidden = suppress(table, 5)
    assert (1, "a") in hidden  # primary
    assert (1, "total") in hidden and (1, "rate") in hidden  # 12 - 9 would give it back
    assert (0, "a") in hidden  # the column's total would give it back: the smallest other goes too
    assert (2, "a") not in hidden and (2, "total") not in hidden
    # Each hidden total keeps a second unknown in its row, so no hidden cell can be worked out.
    for i in range(3):
        if (i, "total") in hidden:
            assert sum((i, k) in hidden for k in ("a", "b")) >= 1


def test_rows_that_are_not_additive_keep_their_other_cells():
    table = _table(
        [{"name": "x", "a": 10, "b": 3, "total": 13}, {"name": "y", "a": 7, "b": 9, "total": 16}], additive=False
    )
    hidden = suppress(table, 5)
    assert hidden == {(0, "b"), (0, "total"), (0, "rate")}


def test_sharing_numbers_managers_by_their_counts_not_their_names():
    columns = [Column("manager", "Case manager", kind="label", personal=True), Column("n", "N")]
    table = Table("m", "M", columns, [{"manager": "Ana Abarca", "n": 7}, {"manager": "Zoila Zúñiga", "n": 30}])
    shared = for_sharing(table, 5)
    assert [r["manager"] for r in shared.rows] == ["Case manager 1", "Case manager 2"]
    assert [r["n"] for r in shared.rows] == [30, 7]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_case_manager_downloads_their_own_caseload(client, dataset, fmt):
    p = dataset
    client.sign_in(p.other_manager.email, PASSWORD)
    response = _download(client, p, "appearance-summary", fmt)
    if fmt == "csv":
        rows = _by_first(_csv(response))
    else:
        sheet = list(load_workbook(io.BytesIO(response.get_data())).worksheets[0].iter_rows(values_only=True))
        rows = {r[0]: {k: str(v) for k, v in zip(sheet[0], r, strict=False)} for r in sheet[1:]}
    assert rows["Immigration court hearings"]["Attended"] == "0"
    assert rows["ICE and ATD check-ins"]["Attended"] == "3"
