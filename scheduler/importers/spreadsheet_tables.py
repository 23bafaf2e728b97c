"""Spreadsheet tables (CSV files or XLSX sheets), one per entity, read into a programme. The columns are the same in
both formats and are listed in docs/import.md; the talks table's columns are those of confsched's schedule.csv, so an
exported schedule imports as it is.

Column names are matched ignoring case and surrounding spaces; other columns (a chair's notes) are ignored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..data import format_clock, parse_clock
from ..errors import DataError
from ..formats.loading import did_you_mean
from ..formats.slugs import DistinctNames, slugify
from ..formats.spreadsheet_cells import restore
from .programme import MINUTES_PER_DAY, ImportedRoom, ImportedSpeaker, ImportedTalk, Programme

TALK_COLUMNS = ("title", "day", "start", "room")  # and "end" or "duration"
ROOM_COLUMNS = ("name",)
SPEAKER_COLUMNS = ("id",)
LIST_SEPARATOR = ";"  # between speakers and between tags in one cell, as in schedule.csv


@dataclass(frozen=True)
class Table:
    """One table as read by pandas, with where it came from for messages."""

    frame: pd.DataFrame
    source: Path
    sheet: str | None = None  # the XLSX sheet; None for a CSV file

    def rows(self) -> list[tuple[int, dict[str, Any]]]:
        """(spreadsheet row number, {column: value or None}) for every row that is not blank."""
        frame = self.frame.rename(columns=lambda name: str(name).strip().lower())
        result = []
        for index, record in enumerate(frame.to_dict("records")):
            cells = {column: _cell(value) for column, value in record.items()}
            if any(value is not None for value in cells.values()):
                result.append((index + 2, cells))  # row 1 is the header
        return result

    def columns(self) -> set[str]:
        return {str(name).strip().lower() for name in self.frame.columns}

    def locate(self, row: int | None, item: str | None) -> tuple[int | None, str | None]:
        """(line, item) for messages: a CSV row is a line of the file; a workbook row is named with its sheet."""
        if self.sheet is None:
            return row, item
        place = f"sheet '{self.sheet}'" + (f" row {row}" if row else "")
        return None, f"{place}, {item}" if item else place

    def error(self, row: int | None, item: str | None, message: str) -> DataError:
        return DataError(self.source, *self.locate(row, item), message)

    def require(self, needed: tuple[str, ...], what: str) -> None:
        missing = [column for column in needed if column not in self.columns()]
        if what == "talks" and not {"end", "duration"} & self.columns():
            missing.append("end or duration")
        if missing:
            raise self.error(1, None, f"missing column(s): {', '.join(missing)} (a {what} table needs {_needs(what)})")


def _needs(what: str) -> str:
    return {
        "talks": "title, day, start, end or duration, and room",
        "rooms": "name",
        "speakers": "id",
    }[what]


def programme_from_tables(
    source: Path,
    format_name: str,
    name: str,
    timezone: str,
    talks: Table,
    rooms: Table | None = None,
    speakers: Table | None = None,
) -> Programme:
    talks.require(TALK_COLUMNS, "talks")
    room_list = _rooms(rooms) if rooms is not None else None
    people = _People(_speakers(speakers) if speakers is not None else None)
    return Programme(
        source=source,
        format_name=format_name,
        name=name,
        timezone=timezone,
        talks=[_talk(talks, row, cells, room_list, people) for row, cells in talks.rows()],
        rooms=room_list or [],
    )


def _talk(
    table: Table, row: int, cells: dict[str, Any], rooms: list[ImportedRoom] | None, people: _People
) -> ImportedTalk:
    named = _text(cells, "talk_id") or _text(cells, "title")
    label = f"talk '{named}'" if named else None

    def read(column: str, parse: Callable[[Any], Any]) -> Any:
        value = cells.get(column)
        if value is None:
            raise table.error(row, label, f"{column}: the cell is empty")
        try:
            return parse(value)
        except ValueError as error:
            raise table.error(row, label, f"{column}: {error}") from None

    title = read("title", _plain_text)
    day = read("day", _date)
    start = read("start", _clock)
    room = read("room", _plain_text)
    if cells.get("duration") is not None:
        end = start + read("duration", _whole_number)
        if cells.get("end") is not None and read("end", _clock) != end:
            raise table.error(row, label, f"end {cells['end']} and duration {cells['duration']} disagree")
        if end > MINUTES_PER_DAY:
            raise table.error(row, label, f"runs past midnight ({format_clock(start)} + {end - start} minutes)")
    else:
        end = read("end", _clock)
    if rooms is not None and room not in {known.name for known in rooms}:
        names = [known.name for known in rooms]
        raise table.error(row, label, f"room '{room}' is not in the rooms table{did_you_mean(room, names)}")
    speakers = []
    for entry in _split(cells.get("speakers")):
        speaker = people.find(entry)
        if speaker is None:
            raise table.error(row, label, f"speaker '{entry}' is not in the speakers table{people.suggest(entry)}")
        speakers.append(speaker)
    line, where = table.locate(row, label)
    return ImportedTalk(
        id=_text(cells, "talk_id"),
        title=title,
        day=day,
        start=start,
        end=end,
        room=room,
        where=where or f"row {row}",
        line=line,
        file=table.source,
        kind=_text(cells, "kind"),
        track=_text(cells, "track"),
        speakers=tuple(speakers),
        abstract=_text(cells, "abstract"),
    )


def _rooms(table: Table) -> list[ImportedRoom]:
    table.require(ROOM_COLUMNS, "rooms")
    rooms = []
    for row, cells in table.rows():
        name = _text(cells, "name")
        if name is None:
            raise table.error(row, None, "name: the cell is empty")
        try:
            capacity = _whole_number(cells["capacity"]) if cells.get("capacity") is not None else None
        except ValueError as error:
            raise table.error(row, f"room '{name}'", f"capacity: {error}") from None
        rooms.append(ImportedRoom(name, capacity, tuple(_split(cells.get("tags")))))
    return rooms


def _speakers(table: Table) -> list[ImportedSpeaker]:
    table.require(SPEAKER_COLUMNS, "speakers")
    speakers = []
    for row, cells in table.rows():
        speaker_id = _text(cells, "id")
        if speaker_id is None:
            raise table.error(row, None, "id: the cell is empty")
        speakers.append(ImportedSpeaker(speaker_id, _text(cells, "name") or speaker_id))
    return speakers


class _People:
    """Finds a talk's speakers: in the speakers table by id or else by name when there is one; without it, each
    distinct name is a speaker whose id is a slug of the name."""

    def __init__(self, listed: list[ImportedSpeaker] | None):
        self.listed = listed
        self.by_id = {speaker.id: speaker for speaker in listed or []}
        self.by_name: dict[str, ImportedSpeaker] = {}
        self.ids = DistinctNames()  # the ids of speakers made from names (without a speakers table)
        for speaker in listed or []:
            self.by_name.setdefault(speaker.name, speaker)

    def find(self, entry: str) -> ImportedSpeaker | None:
        if self.listed is not None:
            return self.by_id.get(entry) or self.by_name.get(entry)
        if entry not in self.by_name:
            self.by_name[entry] = ImportedSpeaker(self.ids.name(slugify(entry) or "speaker"), entry)
        return self.by_name[entry]

    def suggest(self, entry: str) -> str:
        return did_you_mean(entry, [*self.by_id, *(speaker.name for speaker in self.listed or [])])


def _text(cells: dict[str, Any], column: str) -> str | None:
    """A cell as text (a workbook's number 7 is '7'), or None when empty or the column is absent."""
    value = cells.get(column)
    return None if value is None else str(value)


def _plain_text(value: Any) -> str:
    return str(value)


def _cell(value: Any) -> Any:
    """None for an empty cell; text stripped, without the quote confsched's exports put before text that a
    spreadsheet would run as a formula; dates, times and numbers as the spreadsheet gave them."""
    if value is None or (not isinstance(value, str | dt.date | dt.time) and pd.isna(value)):
        return None
    if isinstance(value, str):
        return restore(value.strip()) or None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _split(value: Any) -> list[str]:
    return [part.strip() for part in str(value).split(LIST_SEPARATOR) if part.strip()] if value is not None else []


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):  # a date cell in a workbook
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"expected a date as YYYY-MM-DD, got {value!r}") from None


def _clock(value: Any) -> int:
    if isinstance(value, dt.datetime):  # a time cell that a spreadsheet stored with a date
        value = value.time()
    return parse_clock(value if isinstance(value, dt.time) else str(value))


def _whole_number(value: Any) -> int:
    """A whole number of minutes or seats: a number cell, or text of the digits 0-9 (not a TRUE cell, which Python
    counts as 1, nor other scripts' digits, which int() reads without a word)."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    text = value.strip() if isinstance(value, str) else ""
    if not (text.isascii() and text.isdigit()):
        raise ValueError(f"expected a whole number, got {value!r}")
    return int(text)
