"""The CP-SAT model: one start variable (over the talk's feasible starts) and one interval per talk.

Rooms are chosen after times (:mod:`scheduler.search.room_stage`): choosing both at once multiplies the model by
the number of rooms, while per-moment cumulative room counts keep the time stage nearly exact; the room stage works
block by block and can re-time a block's talks itself. ``with_rooms=True`` builds the exact coupled model (one
optional interval per (talk, suitable room)) used for single blocks and as the last-resort fallback; with
``slots=True`` too it also gets the time-indexed layer (:mod:`scheduler.slots`), whose linear relaxation bounds the
optimum much closer, and the rules that have a slot form are encoded over that layer instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from .objective import Objective
from .problem import Problem
from .rules import RULES
from .rules.base import Weights
from .rules.placement import each_talk_placed_once
from .rules.rooms import enough_suitable_rooms_at_every_moment, room_holds_one_talk_at_a_time
from .rules.speakers import speaker_in_one_place_at_a_time
from .slots import Slots, add_slots


@dataclass
class TimeModel:
    model: cp_model.CpModel
    start_vars: dict[int, cp_model.IntVar]
    room_choices: dict[int, list[tuple[int, cp_model.IntVar]]] | None = None
    objective: Objective | None = None
    slots: Slots | None = None

    def starts(self, solver: cp_model.CpSolver) -> dict[int, int]:
        """The chosen start of every talk in the model."""
        return {talk: solver.value(var) for talk, var in self.start_vars.items()}

    def rooms(self, solver: cp_model.CpSolver) -> dict[int, int]:
        """The chosen room of every talk (coupled model only)."""
        assert self.room_choices is not None
        return {
            talk: next(room for room, literal in options if solver.boolean_value(literal))
            for talk, options in self.room_choices.items()
        }


def build_model(
    problem: Problem,
    with_rooms: bool = False,
    talks: list[int] | None = None,
    starts: dict[int, list[int]] | None = None,
    rooms: dict[int, list[int]] | None = None,
    weights: Weights | dict | None = None,
    slots: bool = False,
) -> TimeModel:
    """Build the model for `talks` (default all), each restricted to `starts` and `rooms` (default: all feasible).

    Restricting a talk to one start and one room fixes it, which is how the room stage repairs part of a block.
    With `weights` (the data file's weights; {} for the defaults) the time-stage soft rules are added and minimised.
    With `slots` (and `with_rooms`) the time-indexed layer is added and the rules with a slot form use it.
    """
    model = cp_model.CpModel()
    talks = list(range(len(problem.talks))) if talks is None else talks
    allowed = starts if starts is not None else {talk: problem.starts[talk] for talk in talks}
    start_vars, intervals = each_talk_placed_once(model, problem, talks, allowed)
    speaker_in_one_place_at_a_time(model, problem, intervals)
    enough_suitable_rooms_at_every_moment(model, problem, intervals)
    room_choices = None
    if with_rooms:
        allowed_rooms = {talk: (rooms or {}).get(talk, problem.rooms[talk]) for talk in talks}
        room_choices = room_holds_one_talk_at_a_time(model, problem, start_vars, allowed_rooms)
    layer = add_slots(model, problem, start_vars, allowed, room_choices) if slots and room_choices else None
    objective = None
    if weights is not None:
        objective = Objective(model, Weights.of(weights))
        add_soft_rules(model, problem, start_vars, room_choices, objective, layer)
        objective.minimise()
    return TimeModel(model, start_vars, room_choices, objective, layer)


def add_soft_rules(
    model, problem: Problem, starts, room_choices, objective: Objective, slots: Slots | None = None
) -> None:
    """Every registered soft rule the model can see: the time rules, what the time stage adds for hard room
    rules, and with `room_choices` the room rules; with `slots`, each rule that has a slot form in that form."""
    for rule in RULES.values():
        if slots is not None and rule.slot_form is not None:
            rule.slot_form(model, problem, slots, objective)
        elif rule.decided_by == "times":
            rule.encode(model, problem, starts, objective)
    for rule in RULES.values():
        if rule.times_form is not None:
            rule.times_form(model, problem, starts, objective)
    if room_choices is not None:
        for rule in RULES.values():
            if rule.decided_by == "rooms" and (slots is None or rule.slot_form is None):
                rule.encode(model, problem, starts, room_choices, objective)
