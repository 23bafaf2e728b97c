"""The independent checker: re-checks every hard rule on a finished timetable.

It deliberately shares no code with the model (no :mod:`scheduler.problem`, no rules): it reads the data file's
items and the assignments and works in plain datetimes, so a bug in the model cannot hide itself here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .data import ConferenceData, Window
from .schedule import Assignment


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
    """Every hard-rule violation in the timetable, in words; an empty list means the timetable is valid."""
    found: list[Violation] = []

    def add(rule: str, message: str, *talk_ids: str) -> None:
        found.append(Violation(rule, message, talk_ids))

    talks = {talk.id: talk for talk in data.talks}
    rooms = {room.name: room for room in data.rooms}
    speakers = {speaker.id: speaker for speaker in data.speakers}
    days = {day.date: day for day in data.conference.days}
    step = data.conference.granularity

    seen: dict[str, int] = defaultdict(int)
    for a in assignments:
        seen[a.talk] += 1
    for talk_id, count in seen.items():
        if talk_id not in talks:
            add("placed-once", f"'{talk_id}' is scheduled but is not a talk in the data file", talk_id)
        elif count > 1:
            add("placed-once", f"talk '{talk_id}' is scheduled {count} times", talk_id)
    for talk_id in talks:
        if talk_id not in seen:
            add("placed-once", f"talk '{talk_id}' is not scheduled", talk_id)

    placed = [a for a in assignments if a.talk in talks]
    for a in placed:
        talk = talks[a.talk]
        kind = data.kinds.get(talk.kind)
        label = f"talk '{talk.id}' ({_when(a)}, {a.room})"

        if a.end - a.start != talk.duration:
            add("duration", f"{label} lasts {a.end - a.start} minutes but its duration is {talk.duration}", talk.id)
        if a.start % step:
            add("granularity", f"{label} starts off the {step}-minute grid", talk.id)

        day = days.get(a.day)
        if day is None:
            add("inside-block", f"{label} is on {a.day.isoformat()}, which is not a conference day", talk.id)
            block = None
        else:
            block = next((b for b in day.blocks if b.start <= a.start and a.end <= b.end), None)
            if block is None:
                add("inside-block", f"{label} is not inside one block of {a.day.isoformat()}", talk.id)
        allowed_types = talk.block_types if talk.block_types is not None else (kind.block_types if kind else None)
        if block is not None and allowed_types is not None and block.type not in allowed_types:
            add(
                "block-type",
                f"{label} is in a block of type '{block.type}'; its kind '{talk.kind}' allows "
                + ", ".join(allowed_types),
                talk.id,
            )

        room = rooms.get(a.room)
        if room is None:
            add("room-exists", f"{label} is in room '{a.room}', which is not defined", talk.id)
        else:
            allowed_rooms = talk.rooms if talk.rooms is not None else (kind.rooms if kind else None)
            if allowed_rooms is not None and room.name not in allowed_rooms:
                add("allowed-rooms", f"{label} is in '{room.name}', not one of its allowed rooms", talk.id)
            if room.capacity < talk.attendance:
                add(
                    "capacity",
                    f"{label}: room '{room.name}' seats {room.capacity} but {talk.attendance} are expected",
                    talk.id,
                )
            missing = (set(talk.requires) | set(kind.requires if kind else [])) - set(room.tags)
            if missing:
                add("room-tags", f"{label}: room '{room.name}' lacks the tag(s) {', '.join(sorted(missing))}", talk.id)
            for window in room.unavailable:
                if _window_hits(window, a):
                    add("room-unavailable", f"{label}: room '{room.name}' is unavailable {window.describe()}", talk.id)

        for speaker_id in talk.speakers:
            speaker = speakers.get(speaker_id)
            if speaker is None:
                add("speaker-exists", f"{label} names speaker '{speaker_id}', who is not defined", talk.id)
                continue
            for window in speaker.unavailable:
                if _window_hits(window, a):
                    add(
                        "speaker-unavailable",
                        f"{label}: speaker {speaker.display_name} is unavailable {window.describe()}",
                        talk.id,
                    )

        pin = talk.pin
        if pin is not None:
            if pin.day is not None and pin.day != a.day:
                add("pin", f"{label} is pinned to {pin.day.isoformat()}", talk.id)
            if pin.start is not None and pin.start != a.start:
                add("pin", f"{label} is pinned to start at {_clock(pin.start)}", talk.id)
            if pin.room is not None and pin.room != a.room:
                add("pin", f"{label} is pinned to room '{pin.room}'", talk.id)

    by_room: dict[str, list[Assignment]] = defaultdict(list)
    by_speaker: dict[str, list[Assignment]] = defaultdict(list)
    for a in placed:
        by_room[a.room].append(a)
        for speaker_id in talks[a.talk].speakers:
            by_speaker[speaker_id].append(a)
    for room_name, items in by_room.items():
        for first, second in _overlapping_pairs(items):
            add(
                "room-conflict",
                f"room '{room_name}' holds '{first.talk}' ({_when(first)}) and '{second.talk}' ({_when(second)})",
                first.talk,
                second.talk,
            )
    for speaker_id, items in by_speaker.items():
        name = speakers[speaker_id].display_name if speaker_id in speakers else speaker_id
        for first, second in _overlapping_pairs(items):
            add(
                "speaker-conflict",
                f"speaker {name} gives '{first.talk}' ({_when(first)}, {first.room}) and "
                f"'{second.talk}' ({_when(second)}, {second.room}) at once",
                first.talk,
                second.talk,
            )
    return found


def _overlapping_pairs(items: list[Assignment]) -> list[tuple[Assignment, Assignment]]:
    ordered = sorted(items, key=lambda a: (a.day, a.start, a.talk))
    pairs = []
    for i, first in enumerate(ordered):
        for second in ordered[i + 1 :]:
            if second.day != first.day or second.start >= first.end:
                break
            pairs.append((first, second))
    return pairs
