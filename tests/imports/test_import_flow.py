"""The import as a supervisor runs it in the browser: upload, map, preview, start, progress,
summary and the failed rows; over HTTP with CSRF on, on both databases."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

from sqlalchemy import func, select, text

from casework.audit.models import AuditEvent
from casework.cases.models import Case, Task
from casework.families.models import Consent, ConsentKind, Family, Member, Phone
from casework.releases.models import Release
from imports import jobs
from imports.models import ImportFile, ImportJob, ImportStatus
from scheduling.api import INTERPRETER_CALL
from scheduling.models import Appointment, Reminder
from tests.factories import make_family, member_data
from tests.imports.conftest import messy_csv


def _without_csrf_tokens(page: str) -> str:
    return re.sub(r'name="csrf_token" (type="hidden" )?value="[^"]*"', 'name="csrf_token"', page)


def _upload(client, content: bytes, name: str = "caseload.csv"):
    return client.post(
        "/imports",
        {"file": (io.BytesIO(content), name)},
        page="/imports",
        content_type="multipart/form-data",
    )


def _job(db_session) -> ImportJob:
    db_session.expire_all()
    return db_session.scalars(select(ImportJob).order_by(ImportJob.id.desc())).first()


def run_imports(app) -> int:
    """The scheduler's job, as it runs: in an app context of its own."""
    with app.app_context():
        return jobs.run_imports()


def _count(db_session, model, *where) -> int:
    return db_session.scalar(select(func.count()).select_from(model).where(*where))


def _map_and_check(client, job_id: int, date_order: str = ""):
    page = client.get(f"/imports/{job_id}/mapping").get_data(as_text=True)
    selected = dict(
        re.findall(r'<select id="(col_\d+)" name="col_\d+">.*?<option selected value="([^"]*)"', page, re.S)
    )
    data = dict(selected)
    data.update({"date_order": date_order, "mapping_name": "default"})
    return client.post(f"/imports/{job_id}/mapping", data, follow_redirects=True)


def test_a_messy_spanish_file_from_upload_to_summary(app, signed_in, db_session, program, court, ice_office):
    response = _upload(signed_in, messy_csv())
    assert response.status_code == 302
    job = _job(db_session)
    assert job.encoding == "cp1252" and job.delimiter == ";" and job.status is ImportStatus.MAPPING
    assert job.filename == "caseload.csv"
    # Columns guessed from the Spanish headers.
    mapped = {job.headers[i]: key for i, key in job.mapped().items()}
    assert mapped["Nombres"] == "given_names" and mapped["Número A"] == "a_number"
    assert mapped["Fecha de audiencia"] == "hearing_date" and mapped["Agencia"] == "release_agency"
    # The sealed file holds no row in clear.
    sealed = db_session.get(ImportFile, job.id).sealed
    assert "Pérez".encode("cp1252") not in sealed and b"123-456-789" not in sealed

    preview = _map_and_check(signed_in, job.id)
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200, page
    # The impossible date is shown with what was typed, next to its row; the rest is ready.
    # The preview shown again later is the one kept, sealed, from the check.
    # (The forms' CSRF tokens are signed with the second they were written in.)
    again = signed_in.get(f"/imports/{job.id}").get_data(as_text=True)
    assert _without_csrf_tokens(again) == _without_csrf_tokens(page)
    stored = db_session.execute(text("SELECT preview FROM import_jobs WHERE id = :id"), {"id": job.id}).scalar()
    assert stored and "31/02/1991" not in stored and "Rosa" not in stored
    problems = page.split("<h2>Problems</h2>")[1]
    assert re.search(r"<td>5</td><td>Date of birth</td><td><code>31/02/1991</code></td>", problems)
    job = _job(db_session)
    assert job.status is ImportStatus.CHECKED and job.date_order == "dmy"
    assert job.rows_total == 5 and job.households_total == 4
    assert re.search(r"<dt>Ready to import</dt><dd>3</dd>", page)
    assert re.search(r"<dt>With problems \(not imported\)</dt><dd>1</dd>", page)
    # Upcoming dates, a household's shared hearing once; the past hearing of June 2026 is left out.
    assert re.search(r"<dt>Upcoming dates</dt><dd>3</dd>", page)
    assert "1 dates in the past are left out" in page

    started = signed_in.post(f"/imports/{job.id}/start", {}, page=f"/imports/{job.id}", follow_redirects=True)
    assert started.status_code == 200
    assert _job(db_session).status is ImportStatus.QUEUED
    assert '<meta http-equiv="refresh"' in started.get_data(as_text=True)

    assert run_imports(app) == 4
    job = _job(db_session)
    assert job.status is ImportStatus.DONE
    assert (job.created_count, job.merged_count, job.skipped_count, job.failed_count) == (3, 0, 0, 1)
    assert db_session.get(ImportFile, job.id) is None and job.preview is None  # gone when the import ends

    perez = db_session.scalars(select(Family).where(Family.display_name == "Pérez Ramírez, María José")).one()
    head, child = perez.members
    assert head.a_number == "123456789" and head.preferred_language == "quc"
    assert child.relationship_to_head.value == "child" and child.date_of_birth == date(2016, 2, 1)
    assert [p.number for p in head.phones] == ["+13125550143"]
    assert {c.kind for c in head.consents} == {ConsentKind.SMS_REMINDERS}
    assert perez.addresses[0].postal_code == "60608"
    case = db_session.scalars(select(Case).where(Case.family_id == perez.id)).one()
    assert case.assigned_to.email == "gestora@example.org"
    release = db_session.scalars(select(Release).where(Release.family_id == perez.id)).one()
    assert release.released_on == date(2026, 10, 2) and release.agency.value == "ice"
    dates = db_session.scalars(select(Appointment).where(Appointment.case_id == case.id)).all()
    hearing = next(a for a in dates if a.kind.value == "master_hearing")
    assert hearing.court_id == court.id and hearing.local_date == date(2027, 1, 15)
    assert sorted(a.member_id for a in hearing.attendees) == sorted([head.id, child.id])
    check_in = next(a for a in dates if a.kind.value == "ice_check_in")
    assert check_in.office_id == ice_office.id
    # Dates are planned as any appointment's: K'iche' has no written texts, so a call by an interpreter.
    assert _count(db_session, Reminder, Reminder.appointment_id == hearing.id) == 0
    assert len(dates) == 2  # one call for each date: the hearing and the check-in
    assert _count(db_session, Task, Task.case_id == case.id, Task.title_key == INTERPRETER_CALL.key) == 2
    assert {c.kind for c in child.consents} == set()  # a blank consent cell: no texts

    nunez = db_session.scalars(select(Family).where(Family.display_name == "Núñez, Juan Carlos")).one()
    assert nunez.members[0].phones[0].number == "+50499991234"
    assert _count(db_session, Consent, Consent.member_id == nunez.members[0].id) == 1
    nunez_case = db_session.scalars(select(Case).where(Case.family_id == nunez.id)).one()
    nunez_hearing = db_session.scalars(select(Appointment).where(Appointment.case_id == nunez_case.id)).one()
    sms = db_session.scalars(select(Reminder).where(Reminder.appointment_id == nunez_hearing.id)).all()
    assert sms and {r.channel.value for r in sms} == {"sms"} and all(r.due_at < nunez_hearing.starts_at for r in sms)
    ixcoy = db_session.scalars(select(Family).where(Family.display_name == "Ixcoy, Pedro")).one()
    assert ixcoy.members[0].date_of_birth == date(1990, 5, 7)  # Excel serial 33000
    ixcoy_case = db_session.scalars(select(Case).where(Case.family_id == ixcoy.id)).one()
    assert _count(db_session, Appointment, Appointment.case_id == ixcoy_case.id) == 0  # its hearing was past

    # The summary and the failed rows, as typed, with their errors.
    summary = signed_in.get(f"/imports/{job.id}").get_data(as_text=True)
    assert "Import finished" in summary and "failed.csv" in summary
    failed = signed_in.get(f"/imports/{job.id}/failed.csv")
    body = failed.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][-1] == "Errors" and rows[0][2] == "Nombres"
    assert len(rows) == 2 and rows[1][2] == "Rosa" and rows[1][5] == "31/02/1991"
    assert "Date of birth" in rows[1][-1]
    # Audit: one event for the import, one per created record.
    assert _count(db_session, AuditEvent, AuditEvent.object_type == "import", AuditEvent.object_id == job.id) >= 3
    assert _count(db_session, AuditEvent, AuditEvent.object_type == "family", AuditEvent.family_id == perez.id) == 1


def test_the_same_file_imported_again_creates_nothing(app, signed_in, db_session):
    for _round in range(2):
        _upload(signed_in, messy_csv())
        job = _job(db_session)
        _map_and_check(signed_in, job.id)
        signed_in.post(f"/imports/{job.id}/start", {}, page=f"/imports/{job.id}")
        run_imports(app)
    second = _job(db_session)
    assert (second.created_count, second.skipped_count, second.failed_count) == (0, 3, 1)
    assert _count(db_session, Family) == 3
    assert _count(db_session, Member) == 4


def test_a_family_already_here_is_shown_and_can_be_merged(app, signed_in, db_session, admin, program):
    existing = make_family(
        db_session,
        admin,
        member_data(given="Juan Carlos", first="Núñez", second=None, date_of_birth=date(1990, 12, 31), a_number=None),
    )
    db_session.commit()
    _upload(signed_in, messy_csv())
    job = _job(db_session)
    page = _map_and_check(signed_in, job.id).get_data(as_text=True)
    assert "Households that may already be here" in page and "similar name and same date of birth" in page
    household = re.search(r'name="decision-(\d+)" value="merge"', page).group(1)
    signed_in.post(
        f"/imports/{job.id}/start",
        {f"decision-{household}": "merge", f"family-{household}": str(existing.id)},
        page=f"/imports/{job.id}",
    )
    run_imports(app)
    job = _job(db_session)
    assert (job.created_count, job.merged_count) == (2, 1)
    db_session.expire_all()
    assert len(db_session.get(Family, existing.id).members) == 1  # the same person: nobody added
    assert _count(db_session, Family) == 3


def test_bad_files_are_refused_next_to_the_field(signed_in, db_session):
    for content, name, message in [
        (b"", "empty.csv", "The file is empty."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "protected.xlsx", "password"),
        (b"Nombre,Apellido\x00\nAna,Paz\n", "nul.csv", ""),
    ]:
        response = _upload(signed_in, content, name)
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert 'class="error"' in page and message in page
    assert _count(db_session, ImportJob) == 0


def test_a_file_over_the_size_limit_is_refused(signed_in, db_session, app):
    app.config["IMPORT_MAX_BYTES"] = 100
    try:
        page = _upload(signed_in, messy_csv()).get_data(as_text=True)
    finally:
        app.config["IMPORT_MAX_BYTES"] = 20 * 1000 * 1000
    assert "larger than" in page
    assert _count(db_session, ImportJob) == 0


def test_ambiguous_dates_ask_how_the_file_writes_them(app, signed_in, db_session):
    content = b"Nombre,Apellido,Fecha de nacimiento\nAna,Paz,03/04/1990\nLuis,Paz,05/06/1992\n"
    _upload(signed_in, content)
    job = _job(db_session)
    page = _map_and_check(signed_in, job.id).get_data(as_text=True)
    assert "say how the file writes them" in page and _job(db_session).status is ImportStatus.MAPPING
    _map_and_check(signed_in, job.id, date_order="mdy")
    signed_in.post(f"/imports/{job.id}/start", {}, page=f"/imports/{job.id}")
    run_imports(app)
    ana = db_session.scalars(select(Member).where(Member.given_names == "Ana")).one()
    assert ana.date_of_birth == date(1990, 3, 4)
    assert _count(db_session, Phone) == 0


def test_an_excel_workbook_with_merged_household_cells_and_date_cells(app, signed_in, db_session):

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Hogar", "Nombre", "Apellido", "Fecha de nacimiento", "Parentesco", "Número A"])
    sheet.append(["Familia Cux", "Lucía", "Cux", date(1990, 4, 5), "Jefa", 123456789])
    sheet.append([None, "Mateo", "Cux", 42005, "Hijo", None])  # a birth date typed as an Excel serial
    sheet.append(["Familia Tzul", "Ana", "Tzul", "1985-07-30", "Jefa", None])
    sheet.merge_cells("A2:A3")  # the household named once over its two rows
    content = io.BytesIO()
    book.save(content)
    response = _upload(signed_in, content.getvalue(), "familias.xlsx")
    assert response.status_code == 302
    job = _job(db_session)
    assert job.encoding is None and job.headers[0] == "Hogar"
    page = _map_and_check(signed_in, job.id).get_data(as_text=True)
    assert re.search(r"<dt>Households</dt><dd>2</dd>", page) and "Problems" not in page
    signed_in.post(f"/imports/{job.id}/start", {}, page=f"/imports/{job.id}")
    assert run_imports(app) == 2
    cux = db_session.scalars(select(Family).where(Family.display_name == "Cux, Lucía")).one()
    assert [(m.given_names, m.date_of_birth) for m in cux.members] == [
        ("Lucía", date(1990, 4, 5)),
        ("Mateo", date(2015, 1, 1)),
    ]
    assert cux.members[0].a_number == "123456789"


def test_rows_of_a_family_unit_grouped_by_the_lead_a_number(app, signed_in, db_session):
    content = (
        "Nombre,Apellido,Parentesco,Número A,Número A del titular\n"
        "Ana,Cux,Jefa,A 111-222-333,A-111-222-333\n"
        "Luis,Tzul,Jefe,444555666,444555666\n"
        "Mateo,Cux,Hijo,A111222334,111 222 333\n"  # apart from his mother's row, written otherwise
    ).encode()
    _upload(signed_in, content)
    job = _job(db_session)
    page = _map_and_check(signed_in, job.id).get_data(as_text=True)
    assert "Número A del titular" in job.headers
    # A family unit's rows must be together in the file: the third row says so.
    assert re.search(r"<dt>Households</dt><dd>3</dd>", page) and "higher up in the file" in page
    together = (
        "Nombre,Apellido,Parentesco,Número A,Número A del titular\n"
        "Ana,Cux,Jefa,A 111-222-333,A-111-222-333\n"
        "Mateo,Cux,Hijo,A111222334,111 222 333\n"
        "Luis,Tzul,Jefe,444555666,444555666\n"
    ).encode()
    _upload(signed_in, together)
    job = _job(db_session)
    page = _map_and_check(signed_in, job.id).get_data(as_text=True)
    assert re.search(r"<dt>Households</dt><dd>2</dd>", page) and "Problems" not in page
    signed_in.post(f"/imports/{job.id}/start", {}, page=f"/imports/{job.id}")
    assert run_imports(app) == 2
    cux = db_session.scalars(select(Family).where(Family.display_name == "Cux, Ana")).one()
    assert [m.given_names for m in cux.members] == ["Ana", "Mateo"]


def test_a_request_larger_than_any_import_is_refused_before_it_is_read(signed_in, db_session, app):
    limit = app.config["MAX_CONTENT_LENGTH"]
    assert limit >= app.config["IMPORT_MAX_BYTES"]  # an import's file always fits
    app.config["MAX_CONTENT_LENGTH"] = 2000
    try:
        response = _upload(signed_in, b"Nombre,Apellido\n" + b"Ana,Paz\n" * 1000)
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit
    page = response.get_data(as_text=True)
    assert response.status_code == 413 and "File too large" in page and "Split the file" in page
    assert _count(db_session, ImportJob) == 0
