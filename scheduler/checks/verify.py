"""The independent checker: re-checks every hard rule on a finished timetable.

It deliberately shares no code with the model (no :mod:`scheduler.problem`, no rules): it reads the data file's
items and the assignments and works in plain datetimes, so a bug in the model cannot hide itself here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..data import Block, ConferenceData, Day, KindRule, Room, Speaker, Talk, Window
from ..schedule import Assignment


@dataclass(frozen=True)
class Violation:
    rule: str
    message: str
    # the ids of the talks the violation is about, so a caller can act on them without parsing the message
    talks: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}"


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _when(a: Assignment) -> str:
    return f"{a.day.isoformat()} {_clock(a.start)}-{_clock(a.end)}"


def _overlaps(a: Assignment, b: Assignment) -> bool:
    return a.day == b.day and a.start < b.end and b.start < a.end


def _window_hits(window: Window, a: Assignment) -> bool:
    if window.day is not None and window.day != a.day:
        return False
    if window.start is None or window.end is None:
        return True
    return a.start < window.end and window.start < a.end


def verify(data: ConferenceData, assignments: list[Assignment]) -> list[Violation]:
    """Every hard-rule violation in the timetable, in words; an empty list means the timetable is valid.

    Violations come talk by talk (each talk's in the order of PLACEMENT_RULES), after the placed-once ones and
    before the conflicts between talks."""
    items = _Items.of(data)
    placed = [a for a in assignments if a.talk in items.talks]
    found = list(_placed_once(items, assignments))
    for a in placed:
        for rule in PLACEMENT_RULES:
            found += rule(items, a)
    for conflict in CONFLICT_RULES:
        found += conflict(items, placed)
    return found


@dataclass(frozen=True)
class _Items:
    """The data file's items by id, as the rules look them up."""

    data: ConferenceData
    talks: dict[str, Talk]
    rooms: dict[str, Room]
    speakers: dict[str, Speaker]
    days: dict[dt.date, Day]

    @classmethod
    def of(cls, data: ConferenceData) -> _Items:
        return cls(
            data,
            {talk.id: talk for talk in data.talks},
            {room.name: room for room in data.rooms},
            {speaker.id: speaker for speaker in data.speakers},
            {day.date: day for day in data.conference.days},
        )

    def kind(self, talk: Talk) -> KindRule | None:
        """The talk's kind rule, if the data file lists its kind."""
        return self.data.kinds.get(talk.kind)


def _label(a: Assignment) -> str:
    return f"talk '{a.talk}' ({_when(a)}, {a.room})"


def _placed_once(items: _Items, assignments: list[Assignment]) -> Iterator[Violation]:
    """Forbids a talk scheduled more than once or not at all, and a scheduled id that is not a talk."""
    seen: dict[str, int] = defaultdict(int)
    for a in assignments:
        seen[a.talk] += 1
    for talk_id, count in seen.items():
        if talk_id not in items.talks:
            yield Violation("placed-once", f"'{talk_id}' is scheduled but is not a talk in the data file", (talk_id,))
        elif count > 1:
            yield Violation("placed-once", f"talk '{talk_id}' is scheduled {count} times", (talk_id,))
    for talk_id in items.talks:
        if talk_id not in seen:
            yield Violation("placed-once", f"talk '{talk_id}' is not scheduled", (talk_id,))


def _duration(items: _Items, a: Assignment) -> Iterator[Violation]:
    """Forbids a placement that lasts longer or shorter than its talk's duration."""
    talk = items.talks[a.talk]
    if a.end - a.start != talk.duration:
        message = f"{_label(a)} lasts {a.end - a.start} minutes but its duration is {talk.duration}"
        yield Violation("duration", message, (a.talk,))


def _granularity(items: _Items, a: Assignment) -> Iterator[Violation]:
    """Forbids a start off the conference's time grid."""
    step = items.data.conference.granularity
    if a.start % step:
        yield Violation("granularity", f"{_label(a)} starts off the {step}-minute grid", (a.talk,))


def _block_of(items: _Items, a: Assignment) -> Block | None:
    """The block of its day that holds the whole placement, if there is one."""
    day = items.days.get(a.day)
    blocks = day.blocks if day is not None else []
    return next((b for b in blocks if b.start <= a.start and a.end <= b.end), None)


def _inside_block(items: _Items, a: Assignment) -> Iterator[Violation]:
    """Forbids a placement on a day that is not a conference day, or not inside one block of its day."""
    if a.day not in items.days:
        message = f"{_label(a)} is on {a.day.isoformat()}, which is not a conference day"
        yield Violation("inside-block", message, (a.talk,))
    elif _block_of(items, a) is None:
        yield Violation("inside-block", f"{_label(a)} is not inside one block of {a.day.isoformat()}", (a.talk,))


def _block_type(items: _Items, a: Assignment) -> Iterator[Violation]:
    """Forbids a placement in a block of a type that neither its talk nor its kind allows."""
    talk, kind, block = items.talks[a.talk], items.kind(items.talks[a.talk]), _block_of(items, a)
    allowed_types = talk.block_types if talk.block_types is not None else (kind.block_types if kind else None)
    if block is not None and allowed_types is not None and block.type not in allowed_types:
        message = f"{_label(a)} is in a block of type '{block.type}'; its kind '{talk.kind}' allows " + ", ".join(
            allowed_types
        )
        yield Violation("block-type", message, (a.talk,))


def _room_exists(items: _Items, a: Assignment) -> Iterator[Violation]:
    """Forbids a placement in a room that the data file does not define."""
    if a.room not in items.rooms:
        yield Violation("room-exists", f"{_label(a)} is in room '{a.room}', which is not defined", (a.talk,))


def _allowed_rooms(items: _Items, a: Assignment) -> Iterator[Violation]:
    """Forbids a placement in a room that its talk or its kind does not allow."""
    talk, kind = items.talks[a.talk], items.kind(items.talks[a.talk])
    allowed_rooms = talk.rooms if talk.rooms is not None else (kind.rooms if kind else None)
    if a.room in items.rooms and allowed_rooms is not None and a.room not in allowed_rooms:
        yield Violation("allowed-rooms", f"{_label(a)} is in '{a.room}', not one of its allowed rooms", (a.talk,))


def _capacity(items: _Items, a: Assignment) -> Iterator[Violation]:
    """Forbids a room with fewer seats than the talk's expected attendance."""
    talk, room = items.talks[a.talk], items.rooms.get(a.room)
    if room is not None and room.capacity < talk.attendance:
        message = f"{_label(a)}: room '{room.name}' seats {room.capacity} but {talk.attendance} are expected"
        yield Violation("capacity", message, (a.talk,))


def _room_tags(items: _Items, a: Assignment) -> Iterator[Violation]:
    """Forbids a room that lacks a tag its talk or its talk's kind requires."""
    talk, kind, room = items.talks[a.talk], items.kind(items.talks[a.talk]), items.rooms.get(a.room)
    missing = (set(talk.requires) | set(kind.requires if kind else [])) - set(room.tags if room else [])
    if room is not None and missing:
        message = f"{_label(a)}: room '{room.name}' lacks the tag(s) {', '.join(sorted(missing))}"
        yield Violation("room-tags", message, (a.talk,))


def _room_unavailable(items: _Items, a: Assignment) -> Iterator[Violation]:
    """Forbids a placement that overlaps a window in which its room is unavailable."""
    room = items.rooms.get(a.room)
    for window in room.unavailable if room is not None else []:
        if _window_hits(window, a):
            message = f"{_label(a)}: room '{room.name}' is unavailable {window.describe()}"
            yield Violation("room-unavailable", message, (a.talk,))


def _speaker_exists(items: _Items, a: Assignment) -> Iterator[Violation]:
    """Forbids a talk that names a speaker the data file does not define."""
    for speaker_id in items.talks[a.talk].speakers:
        if speaker_id not in items.speakers:
            message = f"{_label(a)} names speaker '{speaker_id}', who is not defined"
            yield Violation("speaker-exists", message, (a.talk,))


def _speaker_unavailable(items: _Items, a: Assignment) -> Iterator[Violation]:
    """Forbids a placement that overlaps a window in which one of its speakers is unavailable."""
    for speaker_id in items.talks[a.talk].speakers:
        speaker = items.speakers.get(speaker_id)
        for window in speaker.unavailable if speaker is not None else []:
            if _window_hits(window, a):
                message = f"{_label(a)}: speaker {speaker.display_name} is unavailable {window.describe()}"
                yield Violation("speaker-unavailable", message, (a.talk,))


def _pin(items: _Items, a: Assignment) -> Iterator[Violation]:
    """Forbids a placement on another day, at another start or in another room than its talk is pinned to."""
    pin = items.talks[a.talk].pin
    if pin is not None and pin.day is not None and pin.day != a.day:
        yield Violation("pin", f"{_label(a)} is pinned to {pin.day.isoformat()}", (a.talk,))
    if pin is not None and pin.start is not None and pin.start != a.start:
        yield Violation("pin", f"{_label(a)} is pinned to start at {_clock(pin.start)}", (a.talk,))
    if pin is not None and pin.room is not None and pin.room != a.room:
        yield Violation("pin", f"{_label(a)} is pinned to room '{pin.room}'", (a.talk,))


def _room_conflict(items: _Items, placed: list[Assignment]) -> Iterator[Violation]:
    """Forbids two talks in one room at overlapping times."""
    by_room: dict[str, list[Assignment]] = defaultdict(list)
    for a in placed:
        by_room[a.room].append(a)
    for room_name, held in by_room.items():
        for first, second in _overlapping_pairs(held):
            message = f"room '{room_name}' holds '{first.talk}' ({_when(first)}) and '{second.talk}' ({_when(second)})"
            yield Violation("room-conflict", message, (first.talk, second.talk))


def _speaker_conflict(items: _Items, placed: list[Assignment]) -> Iterator[Violation]:
    """Forbids a speaker giving two talks at overlapping times, except a pair the data file's `accepted` lists."""
    by_speaker: dict[str, list[Assignment]] = defaultdict(list)
    for a in placed:
        for speaker_id in items.talks[a.talk].speakers:
            by_speaker[speaker_id].append(a)
    accepted = {frozenset(item.talks) for item in items.data.accepted if item.rule == "speaker-conflict"}
    for speaker_id, given in by_speaker.items():
        name = items.speakers[speaker_id].display_name if speaker_id in items.speakers else speaker_id
        for first, second in _overlapping_pairs(given):
            if frozenset((first.talk, second.talk)) in accepted:  # the data file accepts this overlap
                continue
            message = (
                f"speaker {name} gives '{first.talk}' ({_when(first)}, {first.room}) and "
                f"'{second.talk}' ({_when(second)}, {second.room}) at once"
            )
            yield Violation("speaker-conflict", message, (first.talk, second.talk))


PLACEMENT_RULES: tuple[Callable[[_Items, Assignment], Iterator[Violation]], ...] = (
    _duration,
    _granularity,
    _inside_block,
    _block_type,
    _room_exists,
    _allowed_rooms,
    _capacity,
    _room_tags,
    _room_unavailable,
    _speaker_exists,
    _speaker_unavailable,
    _pin,
)
"""The hard rules about one talk's placement, in the order a talk's violations are listed."""

CONFLICT_RULES: tuple[Callable[[_Items, list[Assignment]], Iterator[Violation]], ...] = (
    _room_conflict,
    _speaker_conflict,
)
"""The hard rules about two talks' placements."""


def _overlapping_pairs(items: list[Assignment]) -> list[tuple[Assignment, Assignment]]:
    """Each item that starts while an earlier one still runs, paired with the running one that ends last.

    One pair per offending item, not every overlapping pair: a hostile schedule stacking n talks at one time gives
    n - 1 violations, not n(n - 1)/2 (and the timetable is valid exactly when there are none).
    """
    ordered = sorted(items, key=lambda a: (a.day, a.start, a.end, a.talk))
    pairs = []
    running: Assignment | None = None
    for item in ordered:
        if running is not None and running.day == item.day and item.start < running.end:
            pairs.append((running, item))
        if running is None or running.day != item.day or item.end > running.end:
            running = item
    return pairs
