"""XLSX import: a workbook with a Talks sheet and optionally Rooms and Speakers sheets, or confsched's own
schedule.xlsx (its "All talks" sheet). The columns are those of the CSV import (docs/import.md)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import DataError
from ..formats.workbooks import Cell, XlsxFile
from .programme import Programme, resolve_timezone, text_or_none
from .spreadsheet_tables import Table, programme_from_tables

TALK_SHEETS = ("Talks", "All talks")  # the second is the list sheet of confsched's schedule.xlsx


def read(source: Path, timezone: str | None = None) -> Programme:
    zone = resolve_timezone(source, None, timezone, None)
    workbook = XlsxFile.open(source)  # bounded: its size unpacked, each sheet's rows and cells (formats/workbooks.py)
    sheets = {name.strip().lower(): name for name in workbook.sheet_names}

    def table(name: str) -> Table | None:
        sheet = sheets.get(name.lower())
        # dates and times typed into a workbook arrive as date and time values, not text
        return None if sheet is None else Table(frame(workbook.grid(sheet)), source, sheet)

    talks = next((found for name in TALK_SHEETS if (found := table(name)) is not None), None)
    if talks is None:
        wanted = " or ".join(f"'{name}'" for name in TALK_SHEETS)
        raise DataError(
            source, None, None, f"no sheet named {wanted} (sheets: {', '.join(workbook.sheet_names) or 'none'})"
        )
    # confsched's schedule.xlsx carries the conference name as the workbook's title
    name = text_or_none(workbook.title) or source.stem
    return programme_from_tables(source, "XLSX", name, zone, talks, rooms=table("Rooms"), speakers=table("Speakers"))


def frame(grid: list[list[Cell]]) -> pd.DataFrame:
    """A sheet's grid as a table: row 1 names the columns (an empty heading is 'Unnamed: N', a repeated one gets
    '.1', '.2', ... as pandas names them); every later row is a row of the table, blank ones included, so a table's
    row N is the sheet's row N. Cells keep their values: text 'NA' or 'None' stays text."""
    width = max((len(row) for row in grid), default=0)
    header = (grid[0] if grid else []) + [None] * width
    names: list[str] = []
    seen: dict[str, int] = {}
    for index in range(width):
        name = f"Unnamed: {index}" if header[index] is None else str(header[index])
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        names.append(name)
    rows = [row + [None] * (width - len(row)) for row in grid[1:]]
    return pd.DataFrame(rows, columns=names, dtype=object)
