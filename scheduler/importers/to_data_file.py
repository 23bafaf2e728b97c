"""Turn an imported programme into a data file's model: days and blocks derived from where the talks are, rooms,
speakers, stable ids, and the current placements as pins.

The sources say where each talk is but not the rules behind it (blocks, capacities, kinds' rooms), so the derived
values are the least restrictive ones under which the current timetable is still valid; docs/import.md lists them.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from ..data import ConferenceData, format_clock, split_path
from ..errors import DataError
from ..formats.slugs import distinct, slugify
from ..formats.text import clean
from .programme import ImportedRoom, ImportedTalk, Programme, check_count

PinMode = Literal["all", "room", "none"]
PIN_MODES: tuple[PinMode, ...] = ("all", "room", "none")

# A gap this long with no talk in any room is a break (coffee, lunch) and ends a block; shorter gaps are room
# changes between talks. Splitting at a gap never makes the current timetable invalid, merging across a real break
# would let a re-solve put talks into it, so the threshold sits at the shortest usual coffee break.
BREAK_MINUTES = 15
# The sources do not say how many seats a room has; this many never rules a room out (imported talks expect no
# particular audience), and it is round enough that a reader sees it is a placeholder.
UNKNOWN_CAPACITY = 10_000
# Granularity is the largest step every start and duration fits, but no coarser than an hour: a finer grid loses
# nothing, and a coarse one (150 minutes for a tutorial day) would only confuse a reader.
_COARSEST_GRANULARITY = 60


def build_data(programme: Programme, pins: PinMode = "all") -> ConferenceData:
    """The data file for `programme`; with pins 'all' a solve reproduces the current timetable exactly."""
    if not programme.talks:
        raise DataError(
            programme.source, None, None, "no scheduled talk found (a talk needs a day, a start and a room)"
        )
    for talk in programme.talks:
        if talk.end <= talk.start:
            span = f"{format_clock(talk.start)}-{format_clock(talk.end)}"
            message = f"ends no later than it starts ({span}); a talk must last at least a minute"
            raise DataError(talk.file or programme.source, talk.line, talk.where, message)
    rooms = _rooms(programme)
    # the readers count talks and speakers as they read (a table's rows are bounded too); rooms may be listed apart
    check_count(programme.source, "talks", len(programme.talks))
    check_count(programme.source, "rooms", len(rooms))
    speakers = {speaker.id for talk in programme.talks for speaker in talk.speakers}
    check_count(programme.source, "speakers", len(speakers))
    # in time order, as a chair reads a programme (frab lists talks room by room)
    room_order = {room.name: position for position, room in enumerate(rooms)}
    talks = sorted(programme.talks, key=lambda talk: (talk.day, talk.start, room_order[talk.room]))
    talk_ids = distinct(_talk_id(talk) for talk in talks)
    document = {
        "conference": {
            "name": programme.name,
            "timezone": programme.timezone,
            "granularity": granularity(programme),
            "days": _days(talks),
        },
        "rooms": [_room(room) for room in rooms],
        "speakers": _speakers(talks),
        "talks": [_talk(talk, talk_id, pins) for talk, talk_id in zip(talks, talk_ids, strict=True)],
    }
    try:
        return ConferenceData.model_validate(without_control_characters(document, programme.source))
    except ValidationError as error:  # a value the sources allow and a data file does not, e.g. an empty room name
        raise import_error(programme.source, error) from None


class ControlCharactersRemoved(UserWarning):
    """An imported programme held characters a data file cannot (scheduler.formats.text); they were removed."""


def without_control_characters(document: dict, source: Path) -> dict:
    """`document` with every text (keys included) cleaned of the characters a data file cannot hold: a form feed
    or other space-like control becomes a space, any other (NUL, BEL, ESC, DEL, U+FFFE, ...) is dropped. Says how
    many, and where the first was, as a :class:`ControlCharactersRemoved` warning (the CLI prints it)."""
    removed = 0
    first: tuple = ()

    def cleaned(value: object, where: tuple) -> object:
        nonlocal removed, first
        if isinstance(value, str):
            text, count = clean(value)
            if count and not removed:
                first = where
            removed += count
            return text
        if isinstance(value, dict):
            return {cleaned(key, (*where, key)): cleaned(inner, (*where, key)) for key, inner in value.items()}
        if isinstance(value, list):
            return [cleaned(inner, (*where, index)) for index, inner in enumerate(value)]
        return value

    result = cleaned(document, ())
    if removed:
        item, field = split_path(first, result)
        place = " ".join(part for part in (item, field) if part)
        warnings.warn(
            ControlCharactersRemoved(
                f"{source}: removed {removed} control character(s) a data file cannot hold (the first in {place})"
            ),
            stacklevel=3,
        )
    return result


def import_error(source: Path, error: ValidationError) -> DataError:
    """Imported data the model refuses, as 'cannot import: field: message'; a broken cross-item rule's message
    names its item itself ('talks[3] 'x': speaker 'y' is not defined')."""
    detail = error.errors(include_url=False)[0]
    field = ".".join(str(step) for step in detail["loc"])
    message = detail["msg"].removeprefix("Value error, ")  # pydantic's prefix for a validator's own message
    return DataError(source, None, None, f"cannot import: {field}: {message}" if field else f"cannot import: {message}")


def granularity(programme: Programme) -> int:
    """The largest grid step (up to an hour) that every start and duration, and the source's time slot, fit."""
    steps = [talk.start for talk in programme.talks] + [talk.end - talk.start for talk in programme.talks]
    if programme.granularity:
        steps.append(programme.granularity)
    return math.gcd(_COARSEST_GRANULARITY, *steps)


def blocks(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """One day's blocks from its talks' (start, end): overlapping and nearby talks share a block, and a gap of
    BREAK_MINUTES or more with no talk in any room starts a new one."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start - merged[-1][1] < BREAK_MINUTES:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _days(talks: list[ImportedTalk]) -> list[dict]:
    dates = sorted({talk.day for talk in talks})
    return [
        {
            "date": date,
            "blocks": [
                {"start": format_clock(start), "end": format_clock(end)}
                for start, end in blocks((talk.start, talk.end) for talk in talks if talk.day == date)
            ],
        }
        for date in dates
    ]


def _rooms(programme: Programme) -> list[ImportedRoom]:
    """The source's rooms in its order, then any room only a talk names, in order of first use."""
    rooms: list[ImportedRoom] = []
    known: set[str] = set()
    for room in programme.rooms:  # a source may list a room twice; the first entry counts
        if room.name not in known:
            rooms.append(room)
            known.add(room.name)
    for talk in programme.talks:
        if talk.room not in known:
            rooms.append(ImportedRoom(talk.room))
            known.add(talk.room)
    return rooms


def _room(room: ImportedRoom) -> dict:
    capacity = UNKNOWN_CAPACITY if room.capacity is None else room.capacity
    return {"name": room.name, "capacity": capacity, "tags": list(room.tags)}


def _speakers(talks: list[ImportedTalk]) -> list[dict]:
    """Every speaker of some talk, once, in order of first appearance; the name is kept only if it adds to the id."""
    seen: dict[str, str] = {}
    for talk in talks:
        for speaker in talk.speakers:
            seen.setdefault(speaker.id, speaker.name)
    return [
        {"id": speaker_id, "name": name} if name != speaker_id else {"id": speaker_id}
        for speaker_id, name in seen.items()
    ]


def _talk_id(talk: ImportedTalk) -> str:
    return talk.id or slugify(talk.title) or "talk"


def _talk(talk: ImportedTalk, talk_id: str, pins: PinMode) -> dict:
    document = {
        "id": talk_id,
        "title": talk.title,
        "kind": talk.kind or "talk",
        "duration": talk.end - talk.start,
        "speakers": list(dict.fromkeys(speaker.id for speaker in talk.speakers)),
        "track": talk.track,
        "abstract": talk.abstract,
    }
    if pins == "all":
        document["pin"] = {"day": talk.day, "start": format_clock(talk.start), "room": talk.room}
    elif pins == "room":
        document["pin"] = {"room": talk.room}
    return document
