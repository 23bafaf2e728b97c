"""Room rules: a room holds one talk at a time, and talks only go to rooms that suit them and are open."""

from __future__ import annotations

from ortools.sat.python import cp_model

from ..problem import Problem

MAX_ROOM_GROUPS = 256


def enough_suitable_rooms_at_every_moment(
    model: cp_model.CpModel, problem: Problem, intervals: dict[int, cp_model.IntervalVar]
) -> None:
    """Forbids more talks running at once than there are open rooms that suit them (Hall's condition per moment).

    For every union U of the talks' suitable-room sets, the talks whose rooms all lie in U, plus U's closed rooms,
    never exceed |U| at any moment (one cumulative constraint per U). With every union present this is exactly
    'a suitable room exists for each running talk' at each moment, without choosing the room.
    """
    for group in _room_set_unions(problem):
        members = [intervals[talk] for talk in intervals if set(problem.rooms[talk]) <= group]
        if not members:
            continue
        closed = [
            model.new_fixed_size_interval_var(start, end - start, "")
            for room in sorted(group)
            for start, end in problem.room_busy[room]
        ]
        model.add_cumulative(members + closed, [1] * (len(members) + len(closed)), len(group))


def room_holds_one_talk_at_a_time(
    model: cp_model.CpModel,
    problem: Problem,
    start_vars: dict[int, cp_model.IntVar],
    allowed_rooms: dict[int, list[int]],
) -> dict[int, list[tuple[int, cp_model.IntVar]]]:
    """Forbids two talks sharing a room at overlapping times, and a talk in a room while it is closed.

    Chooses the room too: one optional interval per (talk, suitable room), one no-overlap per room.
    """
    by_room: dict[int, list[cp_model.IntervalVar]] = {}
    room_choices: dict[int, list[tuple[int, cp_model.IntVar]]] = {}
    for talk, start in start_vars.items():
        in_room = []
        for room in allowed_rooms[talk]:
            literal = model.new_bool_var(f"room_{talk}_{room}")
            interval = model.new_optional_fixed_size_interval_var(start, problem.duration(talk), literal, "")
            by_room.setdefault(room, []).append(interval)
            in_room.append((room, literal))
        model.add_exactly_one(literal for _, literal in in_room)
        room_choices[talk] = in_room
    for room, intervals in sorted(by_room.items()):
        closed = [model.new_fixed_size_interval_var(s, e - s, "") for s, e in problem.room_busy[room]]
        if len(intervals) + len(closed) > 1:
            model.add_no_overlap(intervals + closed)
    return room_choices


def _room_set_unions(problem: Problem) -> list[frozenset[int]]:
    """The distinct suitable-room sets and their unions (capped; beyond the cap the sets themselves and all rooms)."""
    family = sorted({frozenset(rooms) for rooms in problem.rooms if rooms}, key=lambda s: (len(s), sorted(s)))
    closure = set(family)
    frontier = list(family)
    while frontier and len(closure) <= MAX_ROOM_GROUPS:
        grown = []
        for left in frontier:
            for right in family:
                union = left | right
                if union not in closure:
                    closure.add(union)
                    grown.append(union)
        frontier = grown
    if len(closure) > MAX_ROOM_GROUPS:
        closure = set(family) | {frozenset(range(len(problem.data.rooms)))}
    return sorted(closure, key=lambda s: (len(s), sorted(s)))
