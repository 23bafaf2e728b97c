"""Room rules: a room holds one talk at a time, and talks only go to rooms that suit them and are open."""

from __future__ import annotations

from ortools.sat.python import cp_model

from ..problem import Problem
from .timeline import Timeline

MAX_ROOM_GROUPS = 256


def enough_suitable_rooms_at_every_moment(model: cp_model.CpModel, problem: Problem, timeline: Timeline) -> None:
    """Forbids more talks running at once than there are open rooms that suit them (Hall's condition per moment).

    For every union U of the talks' suitable-room sets: the talks whose rooms all lie in U, running at a moment, are
    at most the rooms of U open then. With every union present this is exactly 'a room for each running talk exists'
    at each moment, without deciding which room; the room stage then picks rooms, with a coupled model as a fallback.
    """
    groups = _room_set_unions(problem)
    for group in groups:
        members = [talk for talk, rooms in enumerate(problem.rooms) if rooms and set(rooms) <= group]
        if not members:
            continue
        inside = [False] * len(problem.rooms)
        for talk in members:
            inside[talk] = True
        for moment in timeline.moments:
            running = [(talk, literal) for talk, literal in timeline.running(moment) if inside[talk]]
            if not running:
                continue
            open_rooms = sum(1 for room in group if _open_at(problem, room, moment))
            if len({talk for talk, _ in running}) > open_rooms:
                model.add(sum(literal for _, literal in running) <= open_rooms)


def room_holds_one_talk_at_a_time(
    model: cp_model.CpModel,
    problem: Problem,
    choices: list[list[tuple[int, cp_model.IntVar]]],
) -> list[list[tuple[int, cp_model.IntVar]]]:
    """Forbids two talks sharing a room at overlapping times, and a talk in a room while it is closed.

    Used by the coupled model only: one optional interval per (talk, suitable room).
    """
    horizon = len(problem.data.conference.days) * 24 * 60
    by_room: list[list[cp_model.IntervalVar]] = [[] for _ in problem.data.rooms]
    room_choices: list[list[tuple[int, cp_model.IntVar]]] = []
    for talk, options in enumerate(choices):
        start = model.new_int_var_from_domain(
            cp_model.Domain.from_values([value for value, _ in options]), f"start_{talk}"
        )
        model.add(start == sum(value * literal for value, literal in options))
        in_room = []
        for room in problem.rooms[talk]:
            literal = model.new_bool_var(f"room_{talk}_{room}")
            by_room[room].append(model.new_optional_fixed_size_interval_var(start, problem.duration(talk), literal, ""))
            in_room.append((room, literal))
        model.add_exactly_one(literal for _, literal in in_room)
        room_choices.append(in_room)
    for room, intervals in enumerate(by_room):
        for busy_start, busy_end in problem.room_busy[room]:
            if busy_start < horizon:
                intervals.append(model.new_fixed_size_interval_var(busy_start, busy_end - busy_start, ""))
        if len(intervals) > 1:
            model.add_no_overlap(intervals)
    return room_choices


def _open_at(problem: Problem, room: int, moment: int) -> bool:
    return all(not (start <= moment < end) for start, end in problem.room_busy[room])


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
