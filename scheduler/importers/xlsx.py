"""XLSX import: a workbook with a Talks sheet and optionally Rooms and Speakers sheets, or confsched's own
schedule.xlsx (its "All talks" sheet). The columns are those of the CSV import (docs/import.md)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd

from ..errors import DataError
from .programme import Programme, read_source, resolve_timezone, text_or_none
from .spreadsheet_tables import Table, programme_from_tables

TALK_SHEETS = ("Talks", "All talks")  # the second is the list sheet of confsched's schedule.xlsx


def read(source: Path, timezone: str | None = None) -> Programme:
    zone = resolve_timezone(source, None, timezone, None)
    raw = read_source(source)
    try:
        workbook = pd.ExcelFile(io.BytesIO(raw), engine="openpyxl")
    except (zipfile.BadZipFile, ValueError, KeyError, OSError) as error:
        raise DataError(source, None, None, f"cannot read the workbook (is it an .xlsx file?): {error}") from None
    sheets = {name.strip().lower(): name for name in workbook.sheet_names}

    def table(name: str) -> Table | None:
        sheet = sheets.get(name.lower())
        # dates and times typed into a workbook arrive as date and time values, not text
        return None if sheet is None else Table(pd.read_excel(workbook, sheet_name=sheet, dtype=object), source, sheet)

    talks = next((found for name in TALK_SHEETS if (found := table(name)) is not None), None)
    if talks is None:
        wanted = " or ".join(f"'{name}'" for name in TALK_SHEETS)
        raise DataError(
            source, None, None, f"no sheet named {wanted} (sheets: {', '.join(workbook.sheet_names) or 'none'})"
        )
    # confsched's schedule.xlsx carries the conference name as the workbook's title
    name = text_or_none(workbook.book.properties.title) or source.stem
    return programme_from_tables(source, "XLSX", name, zone, talks, rooms=table("Rooms"), speakers=table("Speakers"))
