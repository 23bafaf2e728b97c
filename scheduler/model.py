"""The CP-SAT model: one boolean per (talk, feasible start), and the rules that relate talks to each other.

Rooms are decided in a second stage (:mod:`scheduler.rooms`): deciding time and room together multiplies the
variables by the number of rooms, while per-moment room counts keep the time stage exact enough that the room stage
almost always succeeds. When it does not, ``with_rooms=True`` builds the coupled model (one optional interval per
(talk, suitable room)), which is exact.
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from .problem import Problem
from .rules.placement import each_talk_placed_once
from .rules.rooms import enough_suitable_rooms_at_every_moment, room_holds_one_talk_at_a_time
from .rules.speakers import speaker_in_one_place_at_a_time
from .rules.timeline import Timeline


@dataclass
class TimeModel:
    model: cp_model.CpModel
    choices: list[list[tuple[int, cp_model.IntVar]]]
    room_choices: list[list[tuple[int, cp_model.IntVar]]] | None = None

    def starts(self, solver: cp_model.CpSolver) -> list[int]:
        """The chosen start of every talk."""
        return [next(start for start, literal in options if solver.boolean_value(literal)) for options in self.choices]

    def rooms(self, solver: cp_model.CpSolver) -> list[int]:
        """The chosen room of every talk (coupled model only)."""
        assert self.room_choices is not None
        return [next(room for room, lit in options if solver.boolean_value(lit)) for options in self.room_choices]


def build_model(problem: Problem, with_rooms: bool = False) -> TimeModel:
    """Build the time model (and, with `with_rooms`, the exact coupled room model)."""
    model = cp_model.CpModel()
    choices = [[(start, model.new_bool_var("")) for start in starts] for starts in problem.starts]
    timeline = Timeline(problem, choices)
    each_talk_placed_once(model, choices)
    speaker_in_one_place_at_a_time(model, problem, timeline)
    enough_suitable_rooms_at_every_moment(model, problem, timeline)
    room_choices = room_holds_one_talk_at_a_time(model, problem, choices) if with_rooms else None
    return TimeModel(model, choices, room_choices)
