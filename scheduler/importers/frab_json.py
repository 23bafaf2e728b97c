"""frab JSON: the "Fahrplan" schedule.json that pretalx publishes and `confsched export --format frab-json` writes
(the c3voc schema, ../shared/schemas/schedule.schema.json)."""

from __future__ import annotations

import json
import math
import zoneinfo
from pathlib import Path
from typing import Any

from ..errors import DataError
from ..formats.loading import MAX_DEPTH
from .fahrplan import FahrplanEvents, day_change, day_date, text_or_none_quiet, timeslot_minutes
from .programme import ImportedRoom, Programme, read_source, resolve_timezone, shown, text_field, text_or_none

_CONFERENCE = "schedule.conference"


def read(source: Path, timezone: str | None = None) -> Programme:
    return from_document(source, read_json(source), timezone, "frab JSON")


# Numbers Python's json module would accept but a programme never holds: NaN and Infinity are not JSON at all, and a
# 5,000-digit integer is beyond what Python converts (and any id, time or capacity)
MAX_DIGITS = 100


class _NotJson(ValueError):
    """A value the json module reads but JSON (RFC 8259) or a programme cannot hold."""


def _constant(name: str) -> float:
    raise _NotJson(f"{name} is not a JSON number")


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise _NotJson(f"a number has {len(text.lstrip('-')):,} digits (at most {MAX_DIGITS} are read)")
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _NotJson(f"{text[:20]}{'...' if len(text) > 20 else ''} is too large a number")
    return value


def read_json(source: Path) -> Any:
    """The parsed JSON document; invalid JSON is a DataError with the line of the problem."""
    try:
        document = json.loads(
            read_source(source).decode("utf-8-sig"),
            parse_constant=_constant,
            parse_int=_integer,
            parse_float=_float,
        )
    except UnicodeDecodeError as error:
        raise DataError(source, None, None, f"file is not UTF-8 text (byte {error.start})") from None
    except json.JSONDecodeError as error:
        raise DataError(source, error.lineno, None, f"invalid JSON: {error.msg} (column {error.colno})") from None
    except _NotJson as error:
        raise DataError(source, None, None, f"invalid JSON: {error}") from None
    except RecursionError:  # the json module reads nested values recursively
        too_deep = True
    else:
        too_deep = _depth_beyond(document, MAX_DEPTH)
    if too_deep:
        raise DataError(source, None, None, f"values are nested more than {MAX_DEPTH} levels deep")
    return document


def _depth_beyond(document: Any, limit: int) -> bool:
    """Whether lists and objects are nested more than `limit` levels deep (as in a data file)."""
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > limit:
                return True
            stack.extend((inner, depth + 1) for inner in (value.values() if isinstance(value, dict) else value))
    return False


def from_document(source: Path, document: Any, timezone: str | None, format_name: str) -> Programme:
    """The programme in a frab JSON document (already parsed)."""
    schedule = document.get("schedule") if isinstance(document, dict) else None
    conference = schedule.get("conference") if isinstance(schedule, dict) else None
    if not isinstance(conference, dict):
        raise DataError(
            source,
            None,
            None,
            "not a frab schedule: expected an object with 'schedule.conference' (frab JSON); for pretalx's widget "
            "data or API pages use --format pretalx-json",
        )
    try:
        zone_text, acronym, title = (text_field(conference, key) for key in ("time_zone_name", "acronym", "title"))
    except ValueError as error:
        raise DataError(source, None, _CONFERENCE, str(error)) from None
    zone_name = resolve_timezone(source, zone_text, timezone, f"{_CONFERENCE}.time_zone_name")
    events = FahrplanEvents(source, acronym or "", zoneinfo.ZoneInfo(zone_name))
    days = conference.get("days")
    if not isinstance(days, list):
        raise DataError(source, None, _CONFERENCE, "'days' is missing or not a list")
    talks = []
    for d, day in enumerate(days):
        where = f"{_CONFERENCE}.days[{d}]"
        rooms = day.get("rooms") if isinstance(day, dict) else None
        if not isinstance(rooms, dict):
            raise DataError(source, None, where, "expected a day with 'rooms' (room name -> list of events)")
        date = day_date(source, where, day.get("date"))
        for key, room_events in rooms.items():
            room_name = text_or_none(key)
            if room_name is None or not isinstance(room_events, list):
                raise DataError(source, None, f"{where}.rooms['{key}']", "expected a room name and a list of events")
            for e, event in enumerate(room_events):
                here = f"{where}.rooms['{room_name}'][{e}]"
                if not isinstance(event, dict):
                    raise DataError(source, None, here, "expected an event object")
                talks.append(events.talk(event, here, room_name, date))
    return Programme(
        source=source,
        format_name=format_name,
        name=title or source.stem,
        timezone=zone_name,
        talks=talks,
        rooms=_rooms(source, conference.get("rooms")),
        granularity=timeslot_minutes(conference.get("timeslot_duration")),
        extra={
            "acronym": acronym,
            "url": text_or_none_quiet(conference.get("url")),
            "base_url": text_or_none_quiet(schedule.get("base_url")),
            "day_change": day_change(
                conference.get("day_change"), [day.get("day_end") for day in days if isinstance(day, dict)]
            ),
        },
        track_colors=_track_colors(conference.get("tracks")),
    )


def _track_colors(tracks: Any) -> dict[str, str]:
    """{track name: colour} of the conference's track list, where both are given."""
    colors = {}
    for track in tracks if isinstance(tracks, list) else []:
        if isinstance(track, dict):
            name, color = text_or_none_quiet(track.get("name")), text_or_none_quiet(track.get("color"))
            if name and color:
                colors[name] = color
    return colors


def _rooms(source: Path, rooms: Any) -> list[ImportedRoom]:
    """The conference's room list (frab JSON has one; capacities may be missing or null)."""
    if not isinstance(rooms, list):
        return []
    result = []
    for r, room in enumerate(rooms):
        where = f"{_CONFERENCE}.rooms[{r}]"
        try:
            name = text_field(room, "name") if isinstance(room, dict) else None
        except ValueError as error:
            raise DataError(source, None, where, str(error)) from None
        if name is None:
            raise DataError(source, None, where, "the room has no name")
        try:
            capacity = seats(room.get("capacity"))
        except ValueError as error:
            raise DataError(source, None, f"{where} '{name}'", f"capacity: {error}") from None
        result.append(ImportedRoom(name, capacity))
    return result


def seats(value: Any) -> int | None:
    """A room's capacity: a whole number of seats, or None when the source gives none (missing or null; the data
    file then says a placeholder, docs/import.md). Anything else (-5, 12.5, NaN, "lots", true) is refused rather
    than taken as unknown: the room would silently get the placeholder's 10,000 seats."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"expected a whole number of seats, got {shown(value)}")
    return value
