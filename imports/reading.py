"""A caseload spreadsheet (CSV or XLSX, told apart by content) streamed as rows of text."""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
import zipfile
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError, iterparse

import openpyxl
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.exceptions import InvalidFileException

from casework.errors import ValidationError
from casework.i18n import lazy_gettext as _l

MAX_COLUMNS = 200
CHUNK = 1 << 16  # bytes read at a time when checking a CSV's encoding
SAMPLE = 1 << 16  # characters of a CSV looked at to guess its delimiter
SNIFF_LINES = 20
DELIMITERS = ",;\t|"
XLSX_UNCOMPRESSED_LIMIT = 2 << 30  # a workbook whose parts unpack to more is refused (zip bomb)

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
UTF8_BOM = codecs.BOM_UTF8
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def _error(message: Any) -> ValidationError:
    return ValidationError(str(message), "file")


def _empty_file() -> ValidationError:
    return _error(_l("The file is empty: choose the spreadsheet with the caseload, with a header row on top."))


def _no_header() -> ValidationError:
    return _error(
        _l(
            "The file has no header row: put the column names (Name, Last name, …) in its first row and upload it again."
        )
    )


def _unreadable_workbook() -> ValidationError:
    return _error(
        _l(
            "This workbook cannot be read; it may be damaged. Open it in Excel, save it again as .xlsx (or as CSV) and upload that."
        )
    )


@dataclass
class Table:
    headers: list[str]  # stripped header texts, in column order
    encoding: str | None  # "utf-8", "utf-8-sig", "cp1252", "latin-1" for CSV; None for XLSX
    delimiter: str | None  # for CSV
    path: Path = field(repr=False)
    header_row: int = 1  # spreadsheet row number of the header (1 unless blank rows come first)

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(row number, cells) for every row under the header that is not blank; re-reads the file."""
        if self.encoding is None:
            yield from self._xlsx_rows()
        else:
            yield from self._csv_rows()

    def _fit(self, cells: list[str]) -> list[str]:
        width = len(self.headers)
        return cells[:width] + [""] * (width - len(cells))

    def _csv_rows(self) -> Iterator[tuple[int, list[str]]]:
        assert self.encoding is not None and self.delimiter is not None
        for number, cells in _csv_records(self.path, self.encoding, self.delimiter):
            if number > self.header_row and any(cells):
                yield number, self._fit(cells)

    def _xlsx_rows(self) -> Iterator[tuple[int, list[str]]]:
        for number, cells in _xlsx_records(self.path):
            if number > self.header_row and any(cells):
                yield number, self._fit(cells)


def open_table(path: Path, filename: str) -> Table:
    """The table in the uploaded file at `path` (`filename` is the name it was uploaded with); its
    kind is told by its content: a ZIP is a workbook, anything else is read as CSV text."""
    with path.open("rb") as handle:
        head = handle.read(8)
    if not head:
        raise _empty_file()
    if head.startswith(ZIP_MAGIC):
        return _open_xlsx(path)
    if head.startswith(OLE2_MAGIC):
        raise _error(
            _l(
                "This workbook is password-protected or in the old .xls format: save it as .xlsx without a password, or as CSV."
            )
        )
    return _open_csv(path)


# ---------------------------------------------------------------------------------------------- headers


def _headers(records: Iterator[tuple[int, list[str]]]) -> tuple[int, list[str]]:
    """The first row that is not blank, without its blank cells at the end."""
    for number, cells in records:
        if any(cells):
            while cells and not cells[-1]:
                cells.pop()
            if len(cells) > MAX_COLUMNS:
                raise _error(
                    _l(
                        "The file has %(count)d columns; the import reads at most %(limit)d. Remove the columns it does not need and upload it again.",
                        count=len(cells),
                        limit=MAX_COLUMNS,
                    )
                )
            return number, cells
    raise _no_header()


# ---------------------------------------------------------------------------------------------- CSV


def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", text.strip())


def _check_bytes(path: Path) -> str:
    """The encoding of a CSV file, checked chunk by chunk: UTF-8 (with or without BOM), else
    Windows-1252 when every byte decodes in it (what Excel on Windows writes), else Latin-1."""
    with path.open("rb") as handle:
        start = handle.read(4)
        if start.startswith(UTF16_BOMS):
            raise _error(
                _l(
                    "This file is saved as UTF-16 (“Unicode text”): save it from Excel as “CSV UTF-8 (comma delimited)” and upload that."
                )
            )
        handle.seek(0)
        utf8 = codecs.getincrementaldecoder("utf-8")()
        cp1252 = codecs.getincrementaldecoder("cp1252")()
        utf8_ok = cp1252_ok = True
        while chunk := handle.read(CHUNK):
            if b"\x00" in chunk:
                raise _error(
                    _l(
                        "The file holds NUL characters, so it is probably not a CSV file: save the spreadsheet as CSV UTF-8 or as .xlsx and upload that."
                    )
                )
            if utf8_ok:
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError:
                    utf8_ok = False
            if cp1252_ok:
                try:
                    cp1252.decode(chunk)
                except UnicodeDecodeError:
                    cp1252_ok = False
        if utf8_ok:
            try:
                utf8.decode(b"", final=True)
            except UnicodeDecodeError:
                utf8_ok = False
    if utf8_ok:
        return "utf-8-sig" if start.startswith(UTF8_BOM) else "utf-8"
    return "cp1252" if cp1252_ok else "latin-1"


def _sample_text(path: Path, encoding: str) -> str:
    """The first lines of the file, whole, as text."""
    with path.open("r", encoding=encoding, newline="") as handle:
        text = handle.read(SAMPLE)
    lines = text.splitlines(keepends=True)
    if len(lines) > 1 and len(text) == SAMPLE:
        lines = lines[:-1]  # the last line may be cut
    return "".join(lines[:SNIFF_LINES])


def _columns_with(sample: str, delimiter: str) -> int:
    for cells in csv.reader(io.StringIO(sample), delimiter=delimiter):
        if "".join(cells).strip() or len(cells) > 1:
            return len(cells)
    return 0


def _delimiter(sample: str) -> str:
    widest = max(DELIMITERS, key=lambda d: _columns_with(sample, d))
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return widest
    if _columns_with(sample, sniffed) <= 1 < _columns_with(sample, widest):
        return widest
    return sniffed


def _csv_records(path: Path, encoding: str, delimiter: str) -> Generator[tuple[int, list[str]], None, None]:
    """Every record of the file with its number (a record may span lines inside quotes)."""
    number = 0
    try:
        with path.open("r", encoding=encoding, newline="") as handle:
            for cells in csv.reader(handle, delimiter=delimiter):
                number += 1
                yield number, [_clean(cell) for cell in cells]
    except csv.Error as error:
        raise _error(
            _l(
                "Row %(row)d of the file cannot be read as CSV: check it in a spreadsheet program (a cell may be very long or a quote unclosed) and save the file again.",
                row=number + 1,
            )
        ) from error
    except UnicodeDecodeError as error:
        raise _error(_l("The file changed while it was read: upload it again.")) from error


def _open_csv(path: Path) -> Table:
    encoding = _check_bytes(path)
    sample = _sample_text(path, encoding)
    if not sample.strip():
        raise _empty_file()
    delimiter = _delimiter(sample)
    records = _csv_records(path, encoding, delimiter)
    try:
        header_row, headers = _headers(records)
    finally:
        records.close()
    return Table(headers=headers, encoding=encoding, delimiter=delimiter, path=path, header_row=header_row)


# ---------------------------------------------------------------------------------------------- XLSX


def cell_text(value: object) -> str:
    """A workbook cell's saved value as text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        text = repr(value)
        return format(Decimal(text), "f") if "e" in text or "E" in text else text
    if isinstance(value, timedelta):
        seconds = int(value.total_seconds())
        return f"{seconds // 3600}:{seconds % 3600 // 60:02d}"
    return _clean(str(value))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _merged_ranges(path: Path, sheet_path: str) -> list[tuple[int, int, int, int]]:
    """(min_row, min_col, max_row, max_col) of each merged range of the sheet, sorted, read in one
    streaming pass over the sheet's XML that drops every row once parsed."""
    ranges: list[tuple[int, int, int, int]] = []
    with zipfile.ZipFile(path) as archive, archive.open(sheet_path.lstrip("/")) as source:
        sheet_data = None
        for event, element in iterparse(source, events=("start", "end")):  # noqa: S314 (expat limits entity expansion)
            name = _local(element.tag)
            if event == "start":
                if name == "sheetData":
                    sheet_data = element
                continue
            if name == "row" and sheet_data is not None:
                sheet_data.clear()
            elif name == "mergeCell":
                try:
                    min_col, min_row, max_col, max_row = range_boundaries(element.get("ref", ""))
                except (ValueError, TypeError):
                    continue
                if min_col and min_row and max_col and max_row:
                    ranges.append((min_row, min_col, max_row, max_col))
                element.clear()
    ranges.sort()
    return ranges


class _MergedFill:
    """Gives the cells of each merged range the value of its top-left cell, row after row."""

    def __init__(self, ranges: list[tuple[int, int, int, int]]) -> None:
        self.ranges = ranges
        self.next = 0
        self.active: list[tuple[tuple[int, int, int, int], str]] = []

    def __bool__(self) -> bool:
        return self.next < len(self.ranges) or bool(self.active)

    def fill(self, number: int, cells: list[str]) -> None:
        while self.next < len(self.ranges) and self.ranges[self.next][0] <= number:
            merged = self.ranges[self.next]
            self.next += 1
            if merged[0] == number:
                column = merged[1] - 1
                self.active.append((merged, cells[column] if column < len(cells) else ""))
        self.active = [(merged, value) for merged, value in self.active if number <= merged[2]]
        for (_min_row, min_col, _max_row, max_col), value in self.active:
            if len(cells) < max_col:
                cells.extend([""] * (max_col - len(cells)))
            cells[min_col - 1 : max_col] = [value] * (max_col - min_col + 1)


_WORKBOOK_ERRORS = (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, TypeError, IndexError,
                    AttributeError, OSError, EOFError, ParseError)  # fmt: skip


def _xlsx_records(path: Path) -> Generator[tuple[int, list[str]], None, None]:
    """Every row of the workbook's first visible worksheet, numbered from 1, merged cells filled."""
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise _unreadable_workbook() from error
    if unpacked > XLSX_UNCOMPRESSED_LIMIT:
        raise _error(_l("This workbook is too large to import: split it into smaller files."))
    with path.open("rb") as handle:
        workbook: Any = None
        try:
            try:
                # A file object, not the path: openpyxl would refuse a path without an .xlsx name.
                workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
                visible = [ws for ws in workbook.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
                if not visible:
                    raise _error(
                        _l(
                            "This workbook has no visible worksheet: show the sheet with the caseload and save it again."
                        )
                    )
                worksheet: Any = visible[0]
                sheet_path = getattr(worksheet, "_worksheet_path", None)
                merged = _MergedFill(_merged_ranges(path, sheet_path) if sheet_path else [])
                worksheet.reset_dimensions()  # the saved dimensions may be wrong: read what is there
                rows = worksheet.iter_rows(values_only=True)
            except _WORKBOOK_ERRORS as error:
                raise _unreadable_workbook() from error
            number = 0
            while True:
                try:
                    values = next(rows, None)
                except _WORKBOOK_ERRORS as error:
                    raise _unreadable_workbook() from error
                if values is None:
                    break
                number += 1
                cells = [cell_text(value) for value in values]
                if merged:
                    merged.fill(number, cells)
                yield number, cells
        finally:
            if workbook is not None:
                workbook.close()


def _open_xlsx(path: Path) -> Table:
    records = _xlsx_records(path)
    try:
        header_row, headers = _headers(records)
    finally:
        records.close()
    return Table(headers=headers, encoding=None, delimiter=None, path=path, header_row=header_row)


__all__ = ["MAX_COLUMNS", "Table", "cell_text", "open_table"]
