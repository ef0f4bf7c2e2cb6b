"""Reading caseload spreadsheets: CSV encodings and delimiters, XLSX cells and merged ranges, and the
files the import refuses with a message."""

from __future__ import annotations

import inspect
import types
import zipfile
from datetime import date, datetime, time
from pathlib import Path

import openpyxl
import pytest

from casework.errors import ValidationError
from imports.reading import MAX_COLUMNS, Table, cell_text, open_table


def write(tmp_path: Path, content: bytes, name: str = "upload.bin") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def refused(path: Path) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        open_table(path, path.name)
    assert caught.value.field == "file"
    return caught.value


# ---------------------------------------------------------------------------------------------- CSV


def test_utf8_with_bom_and_spanish_headers(tmp_path):
    text = "Familia,Nombres,Primer apellido,Fecha de nacimiento\r\n1,José,Pérez Ramírez,7/3/2016\r\n1,María,Chávez,\r\n"
    table = open_table(write(tmp_path, b"\xef\xbb\xbf" + text.encode("utf-8")), "caseload.csv")
    assert table.encoding == "utf-8-sig"
    assert table.delimiter == ","
    assert table.headers == ["Familia", "Nombres", "Primer apellido", "Fecha de nacimiento"]  # no BOM in the first
    assert list(table.rows()) == [(2, ["1", "José", "Pérez Ramírez", "7/3/2016"]), (3, ["1", "María", "Chávez", ""])]


def test_plain_utf8(tmp_path):
    table = open_table(write(tmp_path, "Nombre,Apellido\nAndrés,Núñez\n".encode()), "a.csv")
    assert table.encoding == "utf-8"
    assert list(table.rows()) == [(2, ["Andrés", "Núñez"])]


def test_windows_1252_bytes(tmp_path):
    content = b"Nombre;Apellido\r\nJos\xe9;P\xe9rez\r\nMar\xeda;Nu\xf1ez \x96 L\xf3pez\r\n"
    table = open_table(write(tmp_path, content), "nombres.csv")
    assert table.encoding == "cp1252"
    assert table.delimiter == ";"
    assert list(table.rows()) == [(2, ["José", "Pérez"]), (3, ["María", "Nuñez – López"])]


def test_bytes_windows_1252_does_not_define_fall_back_to_latin_1(tmp_path):
    table = open_table(write(tmp_path, b"Nombre,Apellido\nJos\xe9,P\x81rez\n"), "a.csv")
    assert table.encoding == "latin-1"
    assert list(table.rows()) == [(2, ["José", "P\x81rez"])]


def test_utf8_is_checked_over_the_whole_file(tmp_path):
    # The first 64 KB are plain ASCII; a Windows-1252 byte only comes at the end.
    content = b"Nombre,Apellido\n" + b"Ana,Lopez\n" * 20000 + b"Jos\xe9,P\xe9rez\n"
    table = open_table(write(tmp_path, content), "a.csv")
    assert table.encoding == "cp1252"
    *_, last = table.rows()
    assert last == (20002, ["José", "Pérez"])


def test_semicolon_delimited(tmp_path):
    table = open_table(write(tmp_path, "Nombre;Apellido;Teléfono\nMaría;Chávez;(212) 555-0142\n".encode()), "a.csv")
    assert table.delimiter == ";"
    assert table.headers == ["Nombre", "Apellido", "Teléfono"]
    assert list(table.rows()) == [(2, ["María", "Chávez", "(212) 555-0142"])]


def test_tab_delimited(tmp_path):
    table = open_table(write(tmp_path, b"Given names\tLast name\tCity\nJose\tPerez, Jr.\tHouston\n"), "a.txt")
    assert table.delimiter == "\t"
    assert list(table.rows()) == [(2, ["Jose", "Perez, Jr.", "Houston"])]


def test_pipe_delimited_single_line_falls_back_to_widest_split(tmp_path):
    table = open_table(write(tmp_path, b"Nombre|Apellido|Ciudad\n"), "a.csv")
    assert table.delimiter == "|"
    assert table.headers == ["Nombre", "Apellido", "Ciudad"]
    assert list(table.rows()) == []


def test_quoted_field_with_newline_keeps_row_numbers(tmp_path):
    content = b'Nombre,Direccion,Ciudad\n"Jose","123 Main St\nApt 4",Houston\nMaria,"5 Oak Ave",Dallas\n'
    table = open_table(write(tmp_path, content), "a.csv")
    assert list(table.rows()) == [(2, ["Jose", "123 Main St\nApt 4", "Houston"]), (3, ["Maria", "5 Oak Ave", "Dallas"])]


def test_rows_are_padded_cut_stripped_and_blank_rows_skipped(tmp_path):
    content = b"Nombre, Apellido ,Ciudad,,\n  Jose , Perez \n,,\n\nMaria,Chavez,Dallas,extra,more\n"
    table = open_table(write(tmp_path, content), "a.csv")
    assert table.headers == ["Nombre", "Apellido", "Ciudad"]  # blank headers at the end dropped
    assert list(table.rows()) == [(2, ["Jose", "Perez", ""]), (5, ["Maria", "Chavez", "Dallas"])]


def test_blank_lines_before_the_header(tmp_path):
    table = open_table(write(tmp_path, b"\n,,\nNombre,Apellido\nJose,Perez\n"), "a.csv")
    assert table.header_row == 3
    assert table.headers == ["Nombre", "Apellido"]
    assert list(table.rows()) == [(4, ["Jose", "Perez"])]


def test_duplicate_headers_are_kept(tmp_path):
    table = open_table(write(tmp_path, b"Nombre,Telefono,Telefono\nJose,1,2\n"), "a.csv")
    assert table.headers == ["Nombre", "Telefono", "Telefono"]
    assert list(table.rows()) == [(2, ["Jose", "1", "2"])]


def test_rows_is_a_generator_that_can_be_read_twice(tmp_path):
    table = open_table(write(tmp_path, b"Nombre,Apellido\nJose,Perez\nMaria,Chavez\n"), "a.csv")
    assert inspect.isgeneratorfunction(Table.rows)
    rows = table.rows()
    assert isinstance(rows, types.GeneratorType)
    assert next(rows) == (2, ["Jose", "Perez"])
    assert list(table.rows()) == list(table.rows()) == [(2, ["Jose", "Perez"]), (3, ["Maria", "Chavez"])]


def test_nul_bytes_are_refused(tmp_path):
    error = refused(write(tmp_path, b"Nombre,Apellido\nJose\x00,Perez\n"))
    assert "NUL" in error.message
    assert "not a CSV" in error.message


def test_utf16_text_is_refused_with_what_to_do(tmp_path):
    error = refused(write(tmp_path, "Nombre\tApellido\n".encode("utf-16")))
    assert "CSV UTF-8" in error.message


def test_empty_file_is_refused(tmp_path):
    assert "empty" in refused(write(tmp_path, b"")).message


def test_blank_file_is_refused(tmp_path):
    assert "empty" in refused(write(tmp_path, b"\r\n\r\n  \n")).message


def test_file_with_only_delimiters_has_no_header_row(tmp_path):
    assert "no header row" in refused(write(tmp_path, b",,,\n,,\n")).message


def test_too_many_columns_names_the_limit(tmp_path):
    header = ",".join(f"Columna {n}" for n in range(5000)).encode()
    error = refused(write(tmp_path, header + b"\n" + b"x," * 4999 + b"x\n"))
    assert "5000" in error.message
    assert str(MAX_COLUMNS) in error.message


def test_exactly_the_column_limit_is_read(tmp_path):
    header = ",".join(f"C{n}" for n in range(MAX_COLUMNS)).encode()
    table = open_table(write(tmp_path, header + b"\n"), "a.csv")
    assert len(table.headers) == MAX_COLUMNS


def test_kind_is_told_by_content_not_name(tmp_path):
    table = open_table(write(tmp_path, b"Nombre,Apellido\nJose,Perez\n", "caseload.xlsx"), "caseload.xlsx")
    assert table.encoding == "utf-8"


def test_unclosed_quote_with_a_huge_cell_is_a_message(tmp_path):
    content = b'Nombre,Apellido\nJose,"' + b"x" * 300_000 + b"\n"
    table = open_table(write(tmp_path, content), "a.csv")
    with pytest.raises(ValidationError) as caught:
        list(table.rows())
    assert caught.value.field == "file"
    assert "Row 2" in caught.value.message


# ---------------------------------------------------------------------------------------------- refused binaries


def test_password_protected_or_xls_is_refused(tmp_path):
    error = refused(write(tmp_path, bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00\x01junk" * 100, "caseload.xlsx"))
    assert error.message == (
        "This workbook is password-protected or in the old .xls format: save it as .xlsx without a password, or as CSV."
    )


def test_corrupt_zip_is_refused(tmp_path):
    error = refused(write(tmp_path, b"PK\x03\x04" + b"this is not really a zip archive" * 10, "caseload.xlsx"))
    assert "cannot be read" in error.message


def test_zip_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "caseload.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "hello")
    assert "cannot be read" in refused(path).message


def test_workbook_with_a_broken_sheet_is_refused(tmp_path):
    path = tmp_path / "good.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(["Nombre", "Apellido"])
    workbook.save(path)
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(broken, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            target.writestr(info, data)
    assert "cannot be read" in refused(broken).message


# ---------------------------------------------------------------------------------------------- XLSX


def build_caseload(path: Path) -> None:
    workbook = openpyxl.Workbook()
    hidden = workbook.active
    hidden.title = "Old"
    hidden.sheet_state = "hidden"
    hidden.append(["Should", "not", "be", "read"])
    sheet = workbook.create_sheet("Caseload")
    sheet.append(["Familia", "Nombres", "Primer apellido", "Fecha de nacimiento", "Número A", "Liberación", "Total"])
    sheet.append([None, "José", "Pérez Ramírez", datetime.combine(date(2016, 3, 7), time()), 12345678, 45358, None])
    sheet.append([None, "María", "Chávez", date(1990, 12, 1), "A-012-345-678", None, None])
    sheet.append(
        [None, "Lucía", "Pérez Chávez", datetime.combine(date(2019, 5, 2), time(14, 30)), None, 45358.0, "=1+1"]
    )
    sheet.append([])  # a blank row
    sheet.append(["Casa 2", "  Andrés ", "Núñez", None, 123456789.0, 2.5, True])
    sheet["A2"] = "Familia Pérez"
    sheet.merge_cells("A2:A4")
    sheet.cell(row=2, column=8, value=time(9, 30))  # past the headers: cut
    workbook.save(path)


def test_xlsx_first_visible_sheet_cells_and_merged_household(tmp_path):
    path = tmp_path / "caseload.xlsx"
    build_caseload(path)
    table = open_table(path, "caseload.xlsx")
    assert table.encoding is None and table.delimiter is None
    assert table.headers == [
        "Familia",
        "Nombres",
        "Primer apellido",
        "Fecha de nacimiento",
        "Número A",
        "Liberación",
        "Total",
    ]
    assert list(table.rows()) == [
        (2, ["Familia Pérez", "José", "Pérez Ramírez", "2016-03-07", "12345678", "45358", ""]),
        (3, ["Familia Pérez", "María", "Chávez", "1990-12-01", "A-012-345-678", "", ""]),
        # the formula has no saved value (openpyxl never calculates): blank, never "=1+1"
        (4, ["Familia Pérez", "Lucía", "Pérez Chávez", "2019-05-02 14:30", "", "45358", ""]),
        (6, ["Casa 2", "Andrés", "Núñez", "", "123456789", "2.5", "TRUE"]),
    ]


def test_xlsx_without_extension_and_read_twice(tmp_path):
    path = tmp_path / "upload-7f3a"
    build_caseload(path)
    table = open_table(path, "")
    first = table.rows()
    assert isinstance(first, types.GeneratorType)
    assert next(first)[0] == 2
    first.close()
    assert [n for n, _ in table.rows()] == [2, 3, 4, 6]
    assert [n for n, _ in table.rows()] == [2, 3, 4, 6]


def test_xlsx_merged_range_across_columns_and_rows(tmp_path):
    path = tmp_path / "merged.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Hogar", "Nombre", "Audiencia", None])
    sheet.append(["H-1", "Jose", "2026-03-07", None])
    sheet.append([None, "Maria", None, None])
    sheet.append(["H-2", "Ana", None, None])
    sheet.merge_cells("C1:D1")  # a header over two columns: both get its text
    sheet.merge_cells("A2:A3")
    sheet.merge_cells("C2:D3")
    workbook.save(path)
    table = open_table(path, "merged.xlsx")
    assert table.headers == ["Hogar", "Nombre", "Audiencia", "Audiencia"]
    assert list(table.rows()) == [
        (2, ["H-1", "Jose", "2026-03-07", "2026-03-07"]),
        (3, ["H-1", "Maria", "2026-03-07", "2026-03-07"]),
        (4, ["H-2", "Ana", "", ""]),
    ]


def test_xlsx_empty_sheet_has_no_header_row(tmp_path):
    path = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(path)
    assert "no header row" in refused(path).message


def test_xlsx_too_many_columns(tmp_path):
    path = tmp_path / "wide.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append([f"C{n}" for n in range(MAX_COLUMNS + 1)])
    workbook.save(path)
    assert str(MAX_COLUMNS) in refused(path).message


def test_xlsx_only_hidden_sheets(tmp_path):
    path = tmp_path / "visible.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(["Nombre"])
    workbook.save(path)
    hidden = tmp_path / "hidden.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(hidden, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/workbook.xml":
                data = data.replace(b'state="visible"', b'state="hidden"')
            target.writestr(info, data)
    assert "no visible worksheet" in refused(hidden).message


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (datetime.combine(date(2026, 3, 7), time()), "2026-03-07"),
        (datetime.combine(date(2026, 3, 7), time(9, 30, 15)), "2026-03-07 09:30"),
        (date(2026, 3, 7), "2026-03-07"),
        (time(14, 5), "14:05"),
        (123, "123"),
        (123.0, "123"),
        (0.1, "0.1"),
        (1e-05, "0.00001"),
        (1.5e20, "150000000000000000000"),
        (True, "TRUE"),
        (False, "FALSE"),
        ("  Andrés  ", "Andrés"),
        ("Jose\u0301", "José"),  # decomposed accents are composed
    ],
)
def test_cell_text(value, text):
    assert cell_text(value) == text
