"""The data file compiled into what the model needs: a minute time axis and each talk's possible starts and rooms.

Time is one integer axis of minutes: day index * 1440 + minutes after local midnight. A talk occupies the half-open
range [start, start + duration). The hard rules that only restrict where a single talk may go (blocks, block types,
pins, speaker and room availability, capacity, tags, allowed rooms) are applied here, by never creating the
forbidden choices; the rules that relate talks to each other live in :mod:`scheduler.rules`.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field

from .data import ConferenceData, Talk, Window, format_clock

MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True)
class BlockSpan:
    """One block on the absolute time axis."""

    day: int
    start: int
    end: int
    type: str | None
    name: str | None = None

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass
class Problem:
    """A validated data file with every talk's feasible starts and rooms precomputed."""

    data: ConferenceData
    blocks: list[BlockSpan]
    starts: list[list[int]]
    rooms: list[list[int]]
    room_busy: list[list[tuple[int, int]]]
    speaker_talks: dict[str, list[int]]
    unplaceable: dict[int, str] = field(default_factory=dict)

    @property
    def talks(self) -> list[Talk]:
        return self.data.talks

    def duration(self, talk: int) -> int:
        return self.data.talks[talk].duration

    @functools.cached_property
    def speaker_by_id(self) -> dict:
        """Speaker id -> the declared speaker entry (once: the rules' prices ask for every (talk, room))."""
        return {speaker.id: speaker for speaker in self.data.speakers}

    def speakers_of(self, talk: int) -> list:
        """The declared speaker entries of a talk, in the talk's order."""
        by_id = self.speaker_by_id
        return [by_id[speaker] for speaker in self.talks[talk].speakers if speaker in by_id]

    def block_at(self, start: int) -> BlockSpan:
        """The block a start time lies in."""
        return next(block for block in self.blocks if block.start <= start < block.end)

    def block_index(self, start: int) -> int:
        """The index of the block a start time lies in."""
        return bisect.bisect_right([block.start for block in self.blocks], start) - 1

    def room_free(self, room: int, start: int, end: int) -> bool:
        return all(end <= busy_start or busy_end <= start for busy_start, busy_end in self.room_busy[room])


def compile_problem(data: ConferenceData, anchors: Iterable[int] = ()) -> Problem:
    """Precompute each talk's candidate (start, room) choices under the single-talk hard rules.

    `anchors` are extra absolute minutes from which packed start chains begin (a what-if passes the published
    starts, so talks that stay put keep starts the new data alone might not offer).
    """
    blocks = [
        BlockSpan(d, d * MINUTES_PER_DAY + block.start, d * MINUTES_PER_DAY + block.end, block.type, block.name)
        for d, day in enumerate(data.conference.days)
        for block in sorted(day.blocks, key=lambda block: block.start)
    ]
    room_busy = [_absolute(data, room.unavailable) for room in data.rooms]
    speaker_busy = {speaker.id: _absolute(data, speaker.unavailable) for speaker in data.speakers}
    offsets = _start_offsets(data, blocks, room_busy, speaker_busy, set(anchors))

    problem = Problem(data, blocks, [], [], room_busy, {})
    for index, talk in enumerate(data.talks):
        for speaker in talk.speakers:
            problem.speaker_talks.setdefault(speaker, []).append(index)
        rooms, room_reason = rooms_meeting_requirements(data, talk)
        usable_blocks = blocks_allowed(data, talk, blocks)
        starts: list[int] = []
        busy = sorted(interval for speaker in talk.speakers for interval in speaker_busy[speaker])
        for block_index, block in usable_blocks:
            for offset in offsets[block_index]:
                start = block.start + offset
                end = start + talk.duration
                if end > block.end:
                    break
                if (
                    start_respects_pin(talk, start)
                    and speakers_available(busy, start, end)
                    and some_room_available(problem, rooms, start, end)
                ):
                    starts.append(start)
        problem.rooms.append(rooms)
        problem.starts.append(starts)
        if not starts:
            problem.unplaceable[index] = room_reason or _why_no_start(data, talk, usable_blocks, busy)
    return problem


def rooms_meeting_requirements(data: ConferenceData, talk: Talk) -> tuple[list[int], str | None]:
    """Rooms the talk may use: allowed for it or its kind, pinned, big enough, and carrying every required tag."""
    rule = data.kind_rule(talk.kind)
    allowed = talk.rooms if talk.rooms is not None else rule.rooms
    required = set(talk.requires) | set(rule.requires)
    pinned = talk.pin.room if talk.pin else None
    rooms = [
        index
        for index, room in enumerate(data.rooms)
        if (allowed is None or room.name in allowed)
        and (pinned is None or room.name == pinned)
        and room.capacity >= talk.attendance
        and required <= set(room.tags)
    ]
    if rooms:
        return rooms, None
    needs = [f">= {talk.attendance} seats"] if talk.attendance else []
    if required:
        needs.append("tags " + ", ".join(sorted(required)))
    scope = f"pinned room '{pinned}'" if pinned else "no allowed room"
    if pinned:
        return [], f"its {scope} does not meet its needs ({'; '.join(needs) or 'allowed rooms'})"
    return [], f"{scope} has {' and '.join(needs)}"


def blocks_allowed(data: ConferenceData, talk: Talk, blocks: list[BlockSpan]) -> list[tuple[int, BlockSpan]]:
    """Blocks of a type the talk (or its kind) may use, on its pinned day, long enough for it."""
    rule = data.kind_rule(talk.kind)
    types = talk.block_types if talk.block_types is not None else rule.block_types
    pinned_day = talk.pin.day if talk.pin else None
    days = data.conference.days
    return [
        (index, block)
        for index, block in enumerate(blocks)
        if (types is None or block.type in types)
        and (pinned_day is None or days[block.day].date == pinned_day)
        and block.length >= talk.duration
    ]


def start_respects_pin(talk: Talk, start: int) -> bool:
    """A pinned start time forbids every other start."""
    return talk.pin is None or talk.pin.start is None or start % MINUTES_PER_DAY == talk.pin.start


def speakers_available(busy: list[tuple[int, int]], start: int, end: int) -> bool:
    """No speaker of the talk may be unavailable at any moment of it."""
    return all(end <= busy_start or busy_end <= start for busy_start, busy_end in busy)


def some_room_available(problem: Problem, rooms: list[int], start: int, end: int) -> bool:
    """At least one suitable room must be open for the whole talk."""
    return any(problem.room_free(room, start, end) for room in rooms)


def _why_no_start(data: ConferenceData, talk: Talk, usable: list[tuple[int, BlockSpan]], busy: list) -> str:
    if not usable:
        return "no block of an allowed type and day is long enough for it"
    step = data.conference.granularity
    fitting = [
        start
        for _, block in usable
        for start in range(block.start, block.end - talk.duration + 1, step)
        if start_respects_pin(talk, start)
    ]
    if not fitting:
        return f"its pinned start {format_clock(talk.pin.start)} leaves it outside every allowed block"
    if busy and not any(speakers_available(busy, start, start + talk.duration) for start in fitting):
        return "its speakers are unavailable at every time it could start"
    return "its rooms are closed at every time it could start"


def _absolute(data: ConferenceData, windows: list[Window]) -> list[tuple[int, int]]:
    """Unavailability windows as sorted, merged absolute minute ranges."""
    result = []
    for d, day in enumerate(data.conference.days):
        for window in windows:
            if window.day is not None and window.day != day.date:
                continue
            start = 0 if window.start is None else window.start
            end = MINUTES_PER_DAY if window.end is None else window.end
            result.append((d * MINUTES_PER_DAY + start, d * MINUTES_PER_DAY + end))
    return merged_spans(result)


def merged_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Minute ranges sorted, with overlapping or touching ones merged into one."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _start_offsets(
    data: ConferenceData,
    blocks: list[BlockSpan],
    room_busy: list[list[tuple[int, int]]],
    speaker_busy: dict[str, list[tuple[int, int]]],
    extra_anchors: set[int],
) -> list[list[int]]:
    """Minutes after each block's start at which a talk may begin.

    'grid' mode allows every granularity step. 'packed' mode (the default) allows only starts that follow a
    back-to-back chain of talk durations from an anchor: the block start, a pinned start, the end of an
    unavailability window (rounded up to the grid), or one of `extra_anchors`. It loses no timetable: sliding every
    talk of a valid timetable as early as it can go leaves each one at an anchor or at the end of another talk, i.e.
    at a packed start.
    """
    step = data.conference.granularity
    if data.conference.starts == "grid":
        return [list(range(0, block.length + 1, step)) for block in blocks]
    pinned = {talk.pin.start for talk in data.talks if talk.pin and talk.pin.start is not None}
    # a window ending off the grid frees the room or speaker from the next grid step on
    window_ends = {-(-end // step) * step for busy in room_busy for _, end in busy}
    window_ends |= {-(-end // step) * step for busy in speaker_busy.values() for _, end in busy}
    result = []
    for block in blocks:
        durations = {
            talk.duration
            for talk in data.talks
            if talk.duration <= block.length
            and (
                (types := talk.block_types if talk.block_types is not None else data.kind_rule(talk.kind).block_types)
                is None
                or block.type in types
            )
        }
        mask = (1 << (block.length + 1)) - 1
        anchors = 1
        day_start = block.day * MINUTES_PER_DAY
        anchors |= sum(
            1 << (day_start + pin - block.start) for pin in pinned if block.start <= day_start + pin < block.end
        )
        anchors |= sum(1 << (end - block.start) for end in window_ends if block.start < end < block.end)
        anchors |= sum(1 << (start - block.start) for start in extra_anchors if block.start < start < block.end)
        reach = anchors
        while True:
            grown = reach
            for duration in durations:
                grown |= (reach << duration) & mask
            if grown == reach:
                break
            reach = grown
        result.append([offset for offset in range(0, block.length + 1, step) if reach >> offset & 1])
    return result
