"""cosplib/solution.xlsx: a schedule in CoSPLib's solution layout (sheet `sol`), which CoSPLib's checker scores.

The mapping back reads only the data file: each block is a session (its name, in time order), a time slot is one
granularity step, rooms keep their names and order, and a talk's id is its submission's Reference. A data file
imported with `confsched import --format cosplib` has exactly that shape; another one exports when its blocks are
named and a room holds one track per block. cosplib/score.json holds confsched's own score of the schedule, which
for an imported instance is CoSPLib's objective counted by confsched's rules.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from ..checks.score import score
from ..cosplib import (
    CosplibInstance,
    CosplibParameters,
    CosplibRoom,
    CosplibSession,
    CosplibSolution,
    CosplibWeights,
    solution_workbook,
)
from ..data import ConferenceData
from ..errors import ConfschedError
from ..schedule import Schedule


class CosplibExportError(ConfschedError):
    """The schedule's data file has no CoSPLib shape (unnamed blocks, two tracks in one room and block, ...)."""


def to_cosplib(schedule: Schedule) -> dict[str, str | bytes]:
    """The solution workbook and confsched's own score of the schedule."""
    layout = layout_instance(schedule.data)
    solution = to_solution(schedule, layout)
    rules = score(schedule.data, schedule.assignments)
    document = {
        "objective": _number(sum(rule.penalty for rule in rules)),
        "rules": {rule.rule: _number(rule.penalty) for rule in rules if rule.weight != "hard"},
    }
    return {
        "cosplib/solution.xlsx": solution_workbook(layout, solution),
        "cosplib/score.json": json.dumps(document, indent=2) + "\n",
    }


def layout_instance(data: ConferenceData) -> CosplibInstance:
    """The sessions (blocks in time order) and rooms of `data` as a CoSPLib instance without submissions or terms."""
    step = data.conference.granularity
    sessions = []
    for day in data.conference.days:
        for block in sorted(day.blocks, key=lambda block: block.start):
            if not block.name:
                raise CosplibExportError(f"cannot export cosplib: the block {day.date} {block.label} has no name")
            sessions.append(
                CosplibSession(block.name, (block.end - block.start) // step, day.date, _time(block.start), _time(0))
            )
    names = [session.name for session in sessions]
    duplicate = next((name for name in names if names.count(name) > 1), None)
    if duplicate is not None:
        raise CosplibExportError(f"cannot export cosplib: two blocks are named '{duplicate}'")
    nothing = CosplibWeights(*([0] * 16))
    parameters = CosplibParameters("GMT+0", (dt.time(0), dt.time(0)), (dt.time(0), dt.time(0)), 0, 0, nothing)
    return CosplibInstance(
        source=Path(data.conference.name),
        parameters=parameters,
        submissions=(),
        tracks=(),
        sessions=tuple(sessions),
        rooms=tuple(CosplibRoom(room.name) for room in data.rooms),
        tracks_sessions={},
        tracks_rooms={},
        sessions_rooms={},
        similar_tracks={},
    )


def to_solution(schedule: Schedule, layout: CosplibInstance) -> CosplibSolution:
    """The schedule's talks in their sessions' time slots, and each (session, room)'s track."""
    data = schedule.data
    step = data.conference.granularity
    blocks = [
        (day.date, block.start, block.end)
        for day in data.conference.days
        for block in sorted(day.blocks, key=lambda block: block.start)
    ]
    rooms = {room.name: index for index, room in enumerate(data.rooms)}
    talks = {talk.id: talk for talk in data.talks}
    solution = CosplibSolution.empty(layout)
    for a in schedule.assignments:
        session = next(i for i, (day, start, end) in enumerate(blocks) if day == a.day and start <= a.start < end)
        room = rooms[a.room]
        track = talks[a.talk].track
        held = solution.tracks[session][room]
        where = f"room '{a.room}' in block '{layout.sessions[session].name}'"
        if track is None:
            raise CosplibExportError(f"cannot export cosplib: talk '{a.talk}' has no track")
        if held is not None and held != track:
            raise CosplibExportError(f"cannot export cosplib: {where} holds two tracks, '{held}' and '{track}'")
        solution.tracks[session][room] = track
        first = (a.start - blocks[session][1]) // step
        for slot in range(first, first + (a.end - a.start) // step):
            solution.submissions[session][room][slot] = a.talk
    return solution


def _time(minutes: int) -> dt.time:
    return dt.time(min(minutes, 24 * 60 - 1) // 60, minutes % 60)


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value
