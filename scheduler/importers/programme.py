"""What every importer reads from its source: an existing programme as plain records (talks with their current
day, start and room, the rooms and the conference's name and time zone), before any data-file decision is made.

The readers (one module per source format) only parse; :mod:`scheduler.importers.to_data_file` turns a programme into a
data file's :class:`~scheduler.data.ConferenceData`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..data import FIRST_DATE, LAST_DATE, check_date
from ..errors import DataError
from ..formats.atomic import read_source  # noqa: F401  (the importers' one way to read a source file)

MINUTES_PER_DAY = 24 * 60
# Limit (docs/format.md, "Limits") on talks, speakers and rooms of one imported programme, counted while reading: the
# largest real programmes have about 10,000 talks, and each item costs time in validation and in the written file
MAX_ITEMS = 50_000
# frab writes durations as "HH:MM"; some generators add seconds ("00:30:00")
# (ASCII digits only: Python's \d also matches Arabic-Indic and other digits, which int() reads without a word)
_DURATION = re.compile(r"^\s*([0-9]+):([0-5][0-9])(?::[0-5][0-9])?\s*$")


@dataclass(frozen=True)
class ImportedSpeaker:
    id: str
    name: str
    # the source's own fields of the person (guid, number, code, biography), as the data file's speaker keeps them
    extra: tuple[tuple[str, object], ...] = ()


@dataclass(frozen=True)
class ImportedRoom:
    name: str
    capacity: int | None = None  # None: the source does not say
    tags: tuple[str, ...] = ()
    # when the room can be used (pretalx's availabilities), as (start, end) moments; None: always
    available: tuple[tuple[dt.datetime, dt.datetime], ...] | None = None


@dataclass(frozen=True)
class ImportedTalk:
    """One scheduled talk as the source has it; `where` and `line` name it in error messages."""

    id: str | None  # None: the source has no usable id, one is made from the title
    title: str
    day: dt.date
    start: int  # minutes after local midnight
    end: int  # minutes after local midnight of `day`; at most 24:00
    room: str
    where: str
    line: int | None = None
    file: Path | None = None  # the file it was read from, when the source is a directory of tables
    kind: str | None = None
    track: str | None = None
    speakers: tuple[ImportedSpeaker, ...] = ()
    abstract: str | None = None
    # the source's other fields of the talk (guid, number, code, slug, url, subtitle, description, language, links,
    # recording_license, do_not_record), as the data file's talk keeps them
    extra: dict[str, Any] = field(default_factory=dict)
    listed_day: dt.date | None = None  # the frab day the source lists it under (a night talk's is the day before)


@dataclass
class Programme:
    source: Path
    format_name: str  # for the data file's header, e.g. "frab XML"
    name: str
    timezone: str
    talks: list[ImportedTalk]
    rooms: list[ImportedRoom] = field(default_factory=list)  # rooms the source lists, in its order
    granularity: int | None = None  # the source's time slot, if it states one
    # the conference's own fields (acronym, url, base_url, day_change) and the tracks' colours, kept verbatim
    extra: dict[str, Any] = field(default_factory=dict)
    track_colors: dict[str, str] | None = None  # None: the format has no track list (CSV, XLSX)


def resolve_timezone(source: Path, in_file: str | None, option: str | None, where: str | None) -> str:
    """The conference's IANA zone: the --timezone option if given, else the file's; checked to exist.

    `where` names the file's field in messages (None for formats that have no time zone field).
    """
    name = option or in_file
    if not name:
        hint = f" ({where})" if where else ""
        raise DataError(
            source, None, None, f"the source names no time zone{hint}; pass --timezone, e.g. --timezone Europe/Berlin"
        )
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "Europe" is a directory
        origin = "--timezone" if option else where
        raise DataError(
            source, None, origin, f"unknown time zone {name!r}; use an IANA name such as 'America/Vancouver'"
        ) from None
    return name


def parse_duration(text: object) -> int:
    """Minutes from frab's "HH:MM" (or "HH:MM:SS"); ValueError with the reason otherwise."""
    match = _DURATION.match(str(text)) if isinstance(text, str) else None
    if not match:
        raise ValueError(f"expected a duration as 'HH:MM', got {shown(text)}")
    hours = match.group(1).lstrip("0")
    if len(hours) > 4:  # no talk lasts 10,000 hours; such a number would overflow the date arithmetic
        raise ValueError(f"expected a duration as 'HH:MM' of at most 9999 hours, got {shown(text)}")
    return int(hours or "0") * 60 + int(match.group(2))


def parse_datetime(text: object) -> dt.datetime:
    """An ISO 8601 date and time, with or without a UTC offset, in the years a data file allows
    (scheduler.data.FIRST_DATE..LAST_DATE); ValueError with the reason otherwise."""
    if not isinstance(text, str):
        raise ValueError(f"expected a date and time such as '2024-12-10T09:30:00-08:00', got {shown(text)}")
    try:
        value = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"expected a date and time such as '2024-12-10T09:30:00-08:00', got {shown(text)}") from None
    try:
        check_date(value.date())
    except ValueError:
        raise ValueError(f"{shown(text)} is outside the years {FIRST_DATE.year}-{LAST_DATE.year}") from None
    return value


def local_span(start: dt.datetime, minutes: int, zone: zoneinfo.ZoneInfo) -> tuple[dt.date, int, int]:
    """(local day, start minute, end minute) of a talk starting at `start` and lasting `minutes`.

    A start without a UTC offset is taken as local time in `zone`; one with an offset is converted to `zone`.
    ValueError if the talk runs past midnight: a data file's talk lies inside one day.
    """
    check_date(start.date())  # far enough from the years 1 and 9999 that no offset or duration leaves them
    if start.tzinfo is None:
        start = start.replace(tzinfo=zone)
    local_start = start.astimezone(zone)
    local_end = (start + dt.timedelta(minutes=minutes)).astimezone(zone)
    first = local_start.hour * 60 + local_start.minute
    last = local_end.hour * 60 + local_end.minute
    if local_end.date() == local_start.date() + dt.timedelta(days=1) and last == 0:
        last = MINUTES_PER_DAY
    elif local_end.date() != local_start.date():
        raise ValueError(
            f"runs past midnight ({local_start:%Y-%m-%d %H:%M} to {local_end:%Y-%m-%d %H:%M}); "
            "a talk must end on the day it starts"
        )
    return local_start.date(), first, last


def text_or_none(value: object) -> str | None:
    """Stripped text (a whole number as its digits), or None for a missing, null or blank value.

    ValueError for anything else (a list, an object, true or false, a fraction): str() would turn it into Python's
    own text, and an id such as "{'a': 1}" or "['x']" would be written into the data file."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"expected text, got {shown(value)}")
    return str(value).strip() or None


def text_field(record: Mapping[str, Any], key: str, prefix: str = "") -> str | None:
    """`record[key]` as by text_or_none; its ValueError names the field (`prefix` + key)."""
    try:
        return text_or_none(record.get(key))
    except ValueError as error:
        raise ValueError(f"{prefix}{key}: {error}") from None


def shown(value: object, limit: int = 60) -> str:
    """A source's value as a message quotes it: text as Python writes it ('ADA'), anything else as JSON, cut short
    (a source may hold a 5,000-character 'date')."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**limit:
        return f"a number of more than {limit} digits"  # repr() refuses integers of over 4,300 digits
    text = repr(value) if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else f"{text[: limit - 3]}..."


def check_count(source: Path, what: str, count: int) -> None:
    """A DataError when a programme has more than MAX_ITEMS talks, speakers or rooms (`what`)."""
    if count > MAX_ITEMS:
        raise DataError(source, None, None, f"more than {MAX_ITEMS:,} {what}, the most confsched imports")
