"""Turn an imported programme into a data file's model: days and blocks derived from where the talks are, rooms,
speakers, stable ids, and the current placements as pins.

The sources say where each talk is but not the rules behind it (blocks, capacities, kinds' rooms), so the derived
values are the least restrictive ones under which the current timetable is still valid; docs/import.md lists them.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
import zoneinfo
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from ..data import UNKNOWN_SEATS, ConferenceData, format_clock, parse_clock, split_path
from ..errors import DataError
from ..exporters.track_colours import PALETTE
from ..formats.slugs import distinct, slugify
from ..formats.text import clean
from ..rules.audience import ROOM_SIZE
from ..schedule import Assignment
from .programme import MINUTES_PER_DAY, ImportedRoom, ImportedSpeaker, ImportedTalk, Programme, check_count

PinMode = Literal["all", "room", "none"]
PIN_MODES: tuple[PinMode, ...] = ("all", "room", "none")

# A gap this long with no talk in any room is a break (coffee, lunch) and ends a block; shorter gaps are room
# changes between talks. Splitting at a gap never makes the current timetable invalid, merging across a real break
# would let a re-solve put talks into it, so the threshold sits at the shortest usual coffee break.
BREAK_MINUTES = 15
# A capacity the source leaves out (or null) stays unknown in the data file (left out there): it never rules a
# room out, and room-size counts no empty seats in it (scheduler.data.UnknownSeats)
UNKNOWN_CAPACITY = UNKNOWN_SEATS
# Granularity is the largest step every start and duration fits, but no coarser than an hour: a finer grid loses
# nothing, and a coarse one (150 minutes for a tutorial day) would only confuse a reader.
_COARSEST_GRANULARITY = 60


def build_data(programme: Programme, pins: PinMode = "none") -> ConferenceData:
    """The data file for `programme`; with pins 'all' a solve reproduces the current timetable exactly."""
    return build_programme(programme, pins)[0]


def build_programme(programme: Programme, pins: PinMode = "none") -> tuple[ConferenceData, list[Assignment]]:
    """The data file for `programme` and its published timetable (the baseline a what-if starts from)."""
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
    day_change = _day_change(programme, talks)
    document: dict = {
        "conference": {
            "name": programme.name,
            "timezone": programme.timezone,
            "granularity": granularity(programme),
            "days": _days(talks, day_change),
        }
        | {key: value for key, value in programme.extra.items() if value is not None and key != "day_change"}
        | ({"day_change": format_clock(day_change)} if day_change is not None else {}),
        "rooms": [_room(room, sorted({talk.day for talk in talks}), programme.timezone) for room in rooms],
        "speakers": _speakers(talks),
        "talks": [_talk(talk, talk_id, pins) for talk, talk_id in zip(talks, talk_ids, strict=True)],
    }
    if night := [t for t, talk in enumerate(talks) if _is_night(talk, day_change)]:
        # night talks keep to the night blocks and every other talk to the day's blocks (docs/import.md)
        kinds = dict.fromkeys(talk["kind"] for talk in document["talks"])
        document["kinds"] = {kind: {"block_types": [DAY_BLOCK]} for kind in kinds}
        for t in night:
            document["talks"][t]["block_types"] = [NIGHT_BLOCK]
    if programme.track_colors is not None:
        # the source's colours, and for its other tracks the ones the exports would give them, so that an export
        # and its import agree (scheduler.exporters.track_colours)
        used = sorted({talk.track for talk in talks if talk.track})
        document["tracks"] = [
            {"name": track, "color": programme.track_colors.get(track, PALETTE[index % len(PALETTE)])}
            for index, track in enumerate(used)
        ]
    if any(room.capacity is not None for room in rooms):
        # imported talks have no expected audience, and with none room-size would favour the smallest rooms
        document["weights"] = {ROOM_SIZE.name: 0}
    accepted, notes = source_conflicts(talks, talk_ids, programme)
    if accepted:
        document["accepted"] = accepted
    for note in notes:
        warnings.warn(SourceBreaksARule(note), stacklevel=2)
    try:
        data = ConferenceData.model_validate(without_control_characters(document, programme.source))
    except ValidationError as error:  # a value the sources allow and a data file does not, e.g. an empty room name
        raise import_error(programme.source, error) from None
    published = [
        Assignment(
            talk=talk_id,
            day=talk.day,
            start=format_clock(talk.start),
            end=format_clock(talk.end),
            room=clean(talk.room)[0],
        )
        for talk, talk_id in zip(talks, (talk.id for talk in data.talks), strict=True)
    ]
    return data, published


# The block types of an imported programme with night talks (after midnight, before frab's day change)
DAY_BLOCK, NIGHT_BLOCK = "day", "night"


# A frab day changes in the small hours: a talk listed under the day before counts as a night talk only if it
# starts before this on the next date (a talk listed under the wrong day altogether is not one)
_LATEST_DAY_CHANGE = 12 * 60


def _day_change(programme: Programme, talks: list[ImportedTalk]) -> int | None:
    """frab's day change in minutes when the programme has both night talks (listed under the frab day before the
    date they start on, starting in the small hours) and day talks; the source's, else the hour after the last
    night talk ends. None otherwise: then nothing is a night talk."""
    stated = programme.extra.get("day_change")
    limit = _LATEST_DAY_CHANGE if stated is None else min(_LATEST_DAY_CHANGE, parse_clock(stated))
    nights = [talk for talk in talks if _listed_the_day_before(talk) and talk.start < limit]
    if not nights or len(nights) == len(talks):
        return None
    return limit if stated is not None else min(limit, -(-max(talk.end for talk in nights) // 60) * 60)


def _listed_the_day_before(talk: ImportedTalk) -> bool:
    return talk.listed_day is not None and talk.day == talk.listed_day + dt.timedelta(days=1)


def _is_night(talk: ImportedTalk, day_change: int | None) -> bool:
    """Whether a talk is a night talk of the frab day before (with the programme's day change, see _day_change)."""
    if day_change is None or talk.start >= day_change:
        return False
    return talk.listed_day is None or _listed_the_day_before(talk)


class SourceBreaksARule(UserWarning):
    """The imported programme itself breaks a hard rule (a speaker in two talks at once); kept as accepted."""


def source_conflicts(
    talks: list[ImportedTalk], talk_ids: list[str], programme: Programme
) -> tuple[list[dict], list[str]]:
    """The source's own double-bookings: each pair of overlapping talks sharing a speaker, as an `accepted` entry,
    and one warning line per pair naming both talks and the speakers they share (and one per pair of talks in one
    room at once, which is not accepted)."""
    by_speaker: dict[str, list[int]] = {}
    for index, talk in enumerate(talks):
        for speaker in dict.fromkeys(s.id for s in talk.speakers):
            by_speaker.setdefault(speaker, []).append(index)
    names = {s.id: s.name for talk in talks for s in talk.speakers}
    shared: dict[tuple[int, int], list[str]] = {}
    for speaker, indices in by_speaker.items():
        ordered = sorted(indices, key=lambda i: (talks[i].day, talks[i].start, i))
        for position, first in enumerate(ordered):
            for second in ordered[position + 1 :]:
                a, b = talks[first], talks[second]
                if b.day != a.day or b.start >= a.end:
                    break
                shared.setdefault((min(first, second), max(first, second)), []).append(speaker)
    accepted, notes = [], room_conflicts(talks, talk_ids, programme)
    for (first, second), speakers in sorted(shared.items()):
        a, b = talks[first], talks[second]
        who = ", ".join(names[s] for s in speakers)
        mirror = " (a mirror: same speakers, same time)" if _same_people(a, b) else ""
        accepted.append({"talks": [talk_ids[first], talk_ids[second]], "note": f"published so; shared: {who}"})
        notes.append(
            f"{programme.source}: the source has {who} in two talks at once{mirror}: '{talk_ids[first]}' "
            f"({_when(a)}, {a.room}) and '{talk_ids[second]}' ({_when(b)}, {b.room}); kept as accepted "
            "(the data file's 'accepted' list; --no-accepted lifts it)"
        )
    return accepted, notes


def room_conflicts(talks: list[ImportedTalk], talk_ids: list[str], programme: Programme) -> list[str]:
    """One warning line per pair of talks the source has in one room at once: a room holds one talk, so this is not
    accepted; the published timetable breaks a hard rule there, and a what-if moves one of them."""
    by_room: dict[tuple[str, dt.date], list[int]] = {}
    for index, talk in enumerate(talks):
        by_room.setdefault((talk.room, talk.day), []).append(index)
    notes = []
    for (room, _), indices in by_room.items():
        ordered = sorted(indices, key=lambda i: (talks[i].start, i))
        for position, first in enumerate(ordered):
            for second in ordered[position + 1 :]:
                a, b = talks[first], talks[second]
                if b.start >= a.end:
                    break
                notes.append(
                    f"{programme.source}: the source has two talks in {room} at once: '{talk_ids[first]}' "
                    f"({_when(a)}) and '{talk_ids[second]}' ({_when(b)}); a room holds one talk, so the published "
                    "timetable breaks a hard rule there and a what-if moves one of them"
                )
    return notes


def _same_people(a: ImportedTalk, b: ImportedTalk) -> bool:
    return {s.id for s in a.speakers} == {s.id for s in b.speakers} and a.start == b.start and a.end == b.end


def _when(talk: ImportedTalk) -> str:
    return f"{talk.day.isoformat()} {format_clock(talk.start)}-{format_clock(talk.end)}"


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


def blocks(spans: Iterable[tuple[int, int]], gap: int = BREAK_MINUTES) -> list[tuple[int, int]]:
    """One day's blocks from its talks' (start, end): overlapping and nearby talks share a block, and a gap of
    `gap` minutes (BREAK_MINUTES) or more with no talk in any room starts a new one."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start - merged[-1][1] < gap:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _days(talks: list[ImportedTalk], day_change: int | None) -> list[dict]:
    """Each date's blocks; with night talks, blocks ending by the day change are typed night and the rest day (a
    night block is never merged with a day block)."""
    dates = sorted({talk.day for talk in talks})
    days = []
    nights = any(_is_night(talk, day_change) for talk in talks)
    for date in dates:
        spans = []
        for night in (True, False) if nights else (False,):
            here = [t for t in talks if t.day == date and (not nights or _is_night(t, day_change) == night)]
            for start, end in blocks((talk.start, talk.end) for talk in here):
                block = {"start": format_clock(start), "end": format_clock(end)}
                if nights:
                    block["type"] = NIGHT_BLOCK if night else DAY_BLOCK
                spans.append((start, block))
        days.append({"date": date, "blocks": [block for _, block in sorted(spans, key=lambda item: item[0])]})
    return days


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


def _room(room: ImportedRoom, dates: list[dt.date], timezone: str) -> dict:
    document = {"name": room.name, "capacity": room.capacity, "tags": list(room.tags)}
    if room.available is not None:
        document["unavailable"] = unavailable_windows(room.available, dates, zoneinfo.ZoneInfo(timezone))
    return document


def unavailable_windows(
    available: Iterable[tuple[dt.datetime, dt.datetime]], dates: list[dt.date], zone: zoneinfo.ZoneInfo
) -> list[dict]:
    """The windows of the conference's days outside the times a room is available (pretalx's availabilities): a
    whole day without any, else each gap between them (moments without an offset are local)."""
    by_date: dict[dt.date, list[tuple[int, int]]] = {}
    for start, end in available:
        start, end = (m if m.tzinfo else m.replace(tzinfo=zone) for m in (start, end))
        for date in dates:
            midnight = dt.datetime.combine(date, dt.time(0, 0), tzinfo=zone)
            first = (start - midnight).total_seconds() // 60
            last = (end - midnight).total_seconds() // 60
            first, last = max(0, int(first)), min(MINUTES_PER_DAY, int(last))
            if first < last:
                by_date.setdefault(date, []).append((first, last))
    windows: list[dict] = []
    for date in dates:
        spans = blocks(by_date.get(date, []), gap=1)
        if not spans:
            windows.append({"day": date})
            continue
        edges = [0, *[minute for span in spans for minute in span], MINUTES_PER_DAY]
        for begin, finish in zip(edges[::2], edges[1::2], strict=True):
            if begin < finish:
                windows.append({"day": date, "start": format_clock(begin), "end": format_clock(finish)})
    return windows


def _speakers(talks: list[ImportedTalk]) -> list[dict]:
    """Every speaker of some talk, once, in order of first appearance; the name is kept only if it adds to the id,
    with what the source says of the person (guid, number, code, biography)."""
    seen: dict[str, ImportedSpeaker] = {}
    for talk in talks:
        for speaker in talk.speakers:
            seen.setdefault(speaker.id, speaker)
    return [
        {"id": speaker_id} | ({"name": speaker.name} if speaker.name != speaker_id else {}) | dict(speaker.extra)
        for speaker_id, speaker in seen.items()
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
    } | talk.extra
    if pins == "all":
        document["pin"] = {"day": talk.day, "start": format_clock(talk.start), "room": talk.room}
    elif pins == "room":
        document["pin"] = {"room": talk.room}
    return document
