"""CSV import: a directory with talks.csv (or confsched's schedule.csv) and optionally rooms.csv and speakers.csv,
or a single talks CSV file. The columns are described in docs/import.md."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from ..errors import DataError
from ..formats import workbooks
from .programme import Programme, read_source, resolve_timezone
from .spreadsheet_tables import Table, programme_from_tables

TALK_FILES = ("talks.csv", "schedule.csv")  # the second is what `confsched solve` and `export` write


def read(source: Path, timezone: str | None = None) -> Programme:
    zone = resolve_timezone(source, None, timezone, None)
    if not source.is_dir():
        # the conference is named after the folder the file is in: out/neurips/schedule.csv is "neurips"
        return programme_from_tables(source, "CSV", source.resolve().parent.name, zone, _table(source))
    talks = next((source / name for name in TALK_FILES if (source / name).is_file()), None)
    if talks is None:
        raise DataError(source, None, None, f"the directory has no {' or '.join(TALK_FILES)}")
    optional = {name: source / f"{name}.csv" for name in ("rooms", "speakers")}
    return programme_from_tables(
        source,
        "CSV",
        source.resolve().name,
        zone,
        _table(talks),
        rooms=_table(optional["rooms"]) if optional["rooms"].is_file() else None,
        speakers=_table(optional["speakers"]) if optional["speakers"].is_file() else None,
    )


def _table(path: Path) -> Table:
    """Every cell as text (a spreadsheet's '007' stays '007'); empty cells are empty text."""
    try:
        text = read_source(path).decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataError(path, None, None, f"file is not UTF-8 text (byte {error.start})") from None
    # read no more rows than the limits allow: the header's commas bound its columns (a quoted one counts too)
    columns = text.split("\n", 1)[0].count(",") + 1
    if columns > workbooks.SPREADSHEET_COLUMNS:
        raise DataError(
            path, 1, None, f"more than {workbooks.SPREADSHEET_COLUMNS:,} columns, the most a spreadsheet has"
        )
    rows = min(workbooks.MAX_ROWS - 1, workbooks.MAX_CELLS // columns)  # rows after the header
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, nrows=rows + 1)
    except pd.errors.EmptyDataError:
        raise DataError(path, None, None, "the file is empty; expected a header row") from None
    except pd.errors.ParserError as error:
        raise DataError(path, None, None, f"cannot read CSV: {error}") from None
    if len(frame) > rows:
        limited_by_rows = rows == workbooks.MAX_ROWS - 1
        what = (
            f"more than {workbooks.MAX_ROWS:,} rows" if limited_by_rows else f"more than {workbooks.MAX_CELLS:,} cells"
        )
        raise DataError(path, None, None, f"{what}, the most confsched reads from one table")
    return Table(frame, path)
