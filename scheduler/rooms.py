"""Stage two: give every talk a room, with all start times fixed."""

from __future__ import annotations

import bisect

from ortools.sat.python import cp_model

from .problem import Problem


def assign_rooms(problem: Problem, starts: list[int], parameters: dict) -> list[int] | None:
    """A suitable, open room for each talk such that no room holds two talks at once; None if there is none."""
    model = cp_model.CpModel()
    options: list[list[tuple[int, cp_model.IntVar]]] = []
    for talk, start in enumerate(starts):
        end = start + problem.duration(talk)
        usable = [room for room in problem.rooms[talk] if problem.room_free(room, start, end)]
        options.append([(room, model.new_bool_var("")) for room in usable])
        model.add_exactly_one(literal for _, literal in options[-1])

    order = sorted(range(len(starts)), key=lambda talk: starts[talk])
    sorted_starts = [starts[talk] for talk in order]
    for moment in sorted(set(starts)):
        # talks running at `moment`: started at or before it and not yet ended
        last = bisect.bisect_right(sorted_starts, moment)
        running = [talk for talk in order[:last] if starts[talk] + problem.duration(talk) > moment]
        if len(running) < 2:
            continue
        per_room: dict[int, list[cp_model.IntVar]] = {}
        for talk in running:
            for room, literal in options[talk]:
                per_room.setdefault(room, []).append(literal)
        for literals in per_room.values():
            if len(literals) > 1:
                model.add_at_most_one(literals)

    solver = cp_model.CpSolver()
    for name, value in parameters.items():
        setattr(solver.parameters, name, value)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return [next(room for room, literal in talk_options if solver.boolean_value(literal)) for talk_options in options]
