""".xlsx workbooks read within limits, for the XLSX and CoSPLib importers.

An .xlsx file is a zip archive of XML, so a small file can unpack to gigabytes (300,000 rows took 4.4 GB), and a sheet
can hold a cell in row 1,048,576 or column ZZZ that a reader fills the gap to. So the parts' unpacked size is
checked before any is parsed, and a sheet's rows are read one at a time (openpyxl's read-only mode), counting rows and
cells, and refused as soon as either passes its limit; the declared dimensions are ignored. docs/format.md,
"Limits", gives the values.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.cell.cell import TYPE_ERROR
from openpyxl.utils.exceptions import InvalidFileException

from ..errors import DataError
from .atomic import megabytes, read_source

MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # the workbook's parts unpacked, together
# rows and cells of one sheet (or one CSV table: importers/csv.py), counting blank rows between those that hold
# something, and each row's cells up to its last value
MAX_ROWS = 50_000
MAX_CELLS = 1_000_000
SPREADSHEET_ROWS = 1_048_576  # the last row Excel and LibreOffice have
SPREADSHEET_COLUMNS = 18_278  # column ZZZ, the last openpyxl reads (Excel stops at XFD, 16,384)

Cell = str | int | float | bool | dt.datetime | dt.date | dt.time | dt.timedelta | None


@dataclass(frozen=True)
class XlsxFile:
    """A workbook opened once (read-only); its sheets are read on demand, each as a grid of values."""

    source: Path
    book: Any  # openpyxl's read-only Workbook

    @classmethod
    def open(cls, source: Path) -> XlsxFile:
        raw = read_source(source)
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                unpacked = sum(part.file_size for part in archive.infolist())
            if unpacked > MAX_UNPACKED_BYTES:
                raise DataError(
                    source, None, None, f"the workbook unpacks to more than {megabytes(MAX_UNPACKED_BYTES)}"
                )
            book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True, keep_links=False)
        except (zipfile.BadZipFile, InvalidFileException, ValueError, KeyError, OSError) as error:
            raise DataError(source, None, None, f"cannot read the workbook (is it an .xlsx file?): {error}") from None
        return cls(source, book)

    @property
    def sheet_names(self) -> list[str]:
        return list(self.book.sheetnames)

    @property
    def title(self) -> str | None:
        return self.book.properties.title

    def grid(self, name: str) -> list[list[Cell]]:
        """The sheet's rows from row 1 to the last that holds something, each as its values up to its last value
        (None for an empty cell or an error such as #N/A; a whole number stored as 3.0 as 3).

        Refused (DataError naming the sheet) while reading, at a value past row MAX_ROWS or past
        MAX_CELLS cells kept; blank rows after the last value are passed over up to a spreadsheet's last row."""
        sheet = self.book[name]
        sheet.reset_dimensions()  # the declared extent may be a lie: read each row to its own last cell
        rows: list[list[Cell]] = []
        cells = 0
        for number, row in enumerate(sheet.rows, start=1):
            if number > SPREADSHEET_ROWS:  # a row numbered 999,999,999 would otherwise be reached one gap row at a time
                raise self._too_large(name, f"a row after row {SPREADSHEET_ROWS:,}, the last a spreadsheet has")
            values = [_value(cell) for cell in row]
            while values and values[-1] is None:
                values.pop()
            if not values:
                if number <= MAX_ROWS:
                    rows.append(values)
                continue
            if number > MAX_ROWS:
                raise self._too_large(name, f"more than {MAX_ROWS:,} rows, the most confsched reads from one sheet")
            cells += len(values)
            if cells > MAX_CELLS:
                raise self._too_large(name, f"more than {MAX_CELLS:,} cells, the most confsched reads from one sheet")
            rows.append(values)
        while rows and not rows[-1]:
            rows.pop()
        return rows

    def _too_large(self, name: str, message: str) -> DataError:
        return DataError(self.source, None, f"sheet '{name}'", message)


def _value(cell: Any) -> Cell:
    if cell.value is None or getattr(cell, "data_type", None) == TYPE_ERROR:
        return None
    value = cell.value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
