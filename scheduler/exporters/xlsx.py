"""schedule.xlsx for programme chairs: one grid sheet per day (time down, rooms across, each talk one merged cell
as long as the talk) and an "All talks" sheet with the CSV's columns, formatted to be read without editing;
"Rooms" and "Speakers" sheets carry capacities and speakers' ids, so the workbook imports back without loss."""

from __future__ import annotations

import copy
import datetime as dt
import io
import zipfile

import pandas as pd
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.functions import tostring

from ..data import Day, format_clock, seats_known
from ..formats.spreadsheet_cells import neutralise
from ..formats.text import NOT_TEXT
from ..schedule import Schedule
from .csv import talk_table
from .track_colours import NO_TRACK_COLOR, track_colors

LIST_SHEET = "All talks"
ROOMS_SHEET, SPEAKERS_SHEET = "Rooms", "Speakers"


def room_table(schedule: Schedule) -> pd.DataFrame:
    """name, capacity (empty where unknown) and tags of each room, as the Rooms sheet of an import reads them."""
    rows = [
        {
            "name": room.name,
            "capacity": str(room.capacity) if seats_known(room.capacity) else "",
            "tags": "; ".join(room.tags),
        }
        for room in schedule.data.rooms
    ]
    return pd.DataFrame(rows, columns=["name", "capacity", "tags"])


def speaker_table(schedule: Schedule) -> pd.DataFrame:
    """id and name of each speaker, as the Speakers sheet of an import reads them."""
    rows = [{"id": speaker.id, "name": speaker.display_name} for speaker in schedule.data.speakers]
    return pd.DataFrame(rows, columns=["id", "name"])


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # fixed, so sheet names do not follow the locale
_TIME_WIDTH = 8
_ROOM_WIDTH = 32
_LIST_MAX_WIDTH = 60
_BREAK_FILL = PatternFill("solid", fgColor="E0E0E0")
_EDGE = Side(style="thin", color="808080")


def sheet_name(day: dt.date) -> str:
    return f"{_WEEKDAYS[day.weekday()]} {day.isoformat()}"


def to_xlsx(schedule: Schedule) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for day in sorted(schedule.data.conference.days, key=lambda day: day.date):
            name = sheet_name(day.date)
            grid = day_grid(schedule, day)
            grid.to_excel(writer, sheet_name=name, index_label="time")
            _format_grid(writer.sheets[name], schedule, day)
        table = talk_table(schedule).map(_cell_text)
        table.to_excel(writer, sheet_name=LIST_SHEET, index=False)
        _format_list(writer.sheets[LIST_SHEET], table)
        # the rooms and speakers as the XLSX import reads them back: capacities and people with their ids
        for name, extra in ((ROOMS_SHEET, room_table(schedule)), (SPEAKERS_SHEET, speaker_table(schedule))):
            extra = extra.map(_cell_text)
            extra.to_excel(writer, sheet_name=name, index=False)
            _format_list(writer.sheets[name], extra)
        properties = writer.book.properties
        properties.title = schedule.data.conference.name
        properties.creator = "confsched"
    return _with_fixed_timestamps(buffer.getvalue(), properties, schedule.data.conference.days[0].date)


def _day_times(schedule: Schedule, day: Day) -> range:
    """The grid's rows: every granularity step from the day's first block start to its last block end."""
    step = schedule.data.conference.granularity
    return range(min(block.start for block in day.blocks), max(block.end for block in day.blocks), step)


def day_grid(schedule: Schedule, day: Day) -> pd.DataFrame:
    """Rows are times ('HH:MM'), columns are rooms; a talk's text sits in the row it starts in."""
    times = _day_times(schedule, day)
    step = schedule.data.conference.granularity
    rooms = [_cell_text(room.name) for room in schedule.data.rooms]
    grid = pd.DataFrame("", index=[format_clock(minute) for minute in times], columns=rooms)
    column_of = _room_columns(schedule)
    for talk, assignment in schedule.rows():
        if assignment.day == day.date:
            speakers = "; ".join(schedule.speaker_names(talk))
            text = f"{talk.title}\n{speakers}" if speakers else talk.title
            grid.iloc[(assignment.start - times.start) // step, column_of[assignment.room]] = _cell_text(text)
    return grid


def _cell_text(text: str) -> str:
    # control characters (a pasted bell or form feed) and U+FFFE/U+FFFF cannot be stored in a worksheet (its XML
    # cannot hold them); a data file cannot hold them either (scheduler.formats.text), this keeps any other caller's.
    # Then text that would start a formula is neutralised: openpyxl itself stores a string starting with = as one.
    return neutralise(NOT_TEXT.sub("", text))


def _room_columns(schedule: Schedule) -> dict[str, int]:
    """Room name -> its column in the grid, counting from 0 after the time column.

    Every room has a column, used or not that day: chairs read the grid to find a free room."""
    return {room.name: index for index, room in enumerate(schedule.data.rooms)}


def _format_grid(sheet: Worksheet, schedule: Schedule, day: Day) -> None:
    times = _day_times(schedule, day)
    step = schedule.data.conference.granularity
    column_of = _room_columns(schedule)
    colors = track_colors(schedule)
    sheet.column_dimensions["A"].width = _TIME_WIDTH
    for column in range(2, len(column_of) + 2):
        sheet.column_dimensions[get_column_letter(column)].width = _ROOM_WIDTH
        sheet.cell(row=1, column=column).alignment = Alignment(wrap_text=True, horizontal="center")
    sheet.freeze_panes = "B2"
    for row, minute in enumerate(times, start=2):
        if not any(block.start <= minute < block.end for block in day.blocks):
            for column in range(2, len(column_of) + 2):
                sheet.cell(row=row, column=column).fill = _BREAK_FILL
    for talk, assignment in schedule.rows():
        if assignment.day != day.date:
            continue
        first_row = 2 + (assignment.start - times.start) // step
        last_row = first_row + max(1, (assignment.end - assignment.start) // step) - 1
        column = 2 + column_of[assignment.room]
        cell = sheet.cell(row=first_row, column=column)
        color = colors.get(talk.track or "", NO_TRACK_COLOR).removeprefix("#")
        cell.fill = PatternFill("solid", fgColor=color)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        # set before merging: openpyxl draws a merged range's outline from its first cell's border, and the
        # outline keeps back-to-back talks of one track apart
        cell.border = Border(left=_EDGE, right=_EDGE, top=_EDGE, bottom=_EDGE)
        sheet.merge_cells(start_row=first_row, start_column=column, end_row=last_row, end_column=column)


def _format_list(sheet: Worksheet, table: pd.DataFrame) -> None:
    for column, name in enumerate(table.columns, start=1):
        longest = max([len(name), *(len(value) for value in table[name])])
        sheet.column_dimensions[get_column_letter(column)].width = min(longest + 2, _LIST_MAX_WIDTH)
        for row in range(2, len(table) + 2):
            sheet.cell(row=row, column=column).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.cell(row=1, column=column).font = Font(bold=True)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions


def _with_fixed_timestamps(payload: bytes, properties, day: dt.date) -> bytes:
    """The workbook with the save time replaced by the first conference day.

    openpyxl writes the current time into docProps/core.xml and into every zip entry, so two exports of one
    schedule would differ; confsched promises identical files for identical schedules.
    """
    stamp = dt.datetime.combine(day, dt.time(0, 0))
    fixed = copy.copy(properties)
    fixed.created = fixed.modified = stamp
    # a zip entry's time holds only the years 1980-2107 (MS-DOS dates); conference days may lie outside them
    stamp = min(max(stamp, dt.datetime(1980, 1, 1)), dt.datetime(2107, 12, 31))
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(payload)) as source, zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = source.read(entry)
            if entry.filename == "docProps/core.xml":
                content = tostring(fixed.to_tree())
            target.writestr(
                zipfile.ZipInfo(entry.filename, date_time=stamp.timetuple()[:6]), content, zipfile.ZIP_DEFLATED
            )
    return output.getvalue()
