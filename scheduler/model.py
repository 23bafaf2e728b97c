"""The CP-SAT model: one start variable (over the talk's feasible starts) and one interval per talk.

Rooms are chosen after times (:mod:`scheduler.rooms`): choosing both at once multiplies the model by the number of
rooms, while per-moment cumulative room counts keep the time stage nearly exact; the room stage works block by block
and can re-time a block's talks itself. ``with_rooms=True`` builds the exact coupled model (one optional interval per
(talk, suitable room)) used for single blocks and as the last-resort fallback.
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from .objective import Objective
from .problem import Problem
from .rules.audience import attendees_can_see_both, introductory_before_advanced, room_fits_audience
from .rules.costs import (
    room_block_costs,
    talk_block_costs,
    talk_room_costs,
    track_block_costs,
    track_pair_costs,
    track_room_costs,
)
from .rules.order import conflicting_talks_apart, exclusive_tags_apart, talks_in_order
from .rules.placement import each_talk_placed_once
from .rules.rooms import enough_suitable_rooms_at_every_moment, room_holds_one_talk_at_a_time
from .rules.sessions import (
    chair_not_elsewhere,
    session_holds_one_track,
    track_blocks_consecutive,
    track_not_split,
    track_talks_back_to_back,
    tracks_fit_rooms,
)
from .rules.speakers import (
    speaker_days_few,
    speaker_in_one_place_at_a_time,
    speaker_pause,
    speaker_preferred_days,
    speaker_preferred_rooms,
    speaker_waking_hours,
)
from .rules.tracks import similar_tracks_apart, track_days_few, track_keeps_room, track_not_in_parallel

TIME_STAGE_SOFT_RULES = [
    track_not_in_parallel,
    similar_tracks_apart,
    track_days_few,
    attendees_can_see_both,
    introductory_before_advanced,
    talks_in_order,
    exclusive_tags_apart,
    conflicting_talks_apart,
    speaker_days_few,
    speaker_pause,
    speaker_preferred_days,
    speaker_waking_hours,
    chair_not_elsewhere,
    track_talks_back_to_back,
    track_blocks_consecutive,
    track_not_split,
    talk_block_costs,
    track_block_costs,
    track_pair_costs,
    tracks_fit_rooms,
]
ROOM_COST_RULES = [talk_room_costs, track_room_costs, room_block_costs]


@dataclass
class TimeModel:
    model: cp_model.CpModel
    start_vars: dict[int, cp_model.IntVar]
    room_choices: dict[int, list[tuple[int, cp_model.IntVar]]] | None = None
    objective: Objective | None = None

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
    weights: dict | None = None,
) -> TimeModel:
    """Build the model for `talks` (default all), each restricted to `starts` and `rooms` (default: all feasible).

    Restricting a talk to one start and one room fixes it, which is how the room stage repairs part of a block.
    With `weights` (the data file's weights; {} for the defaults) the time-stage soft rules are added and minimised.
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
    objective = None
    if weights is not None:
        objective = Objective(model, weights)
        for rule in TIME_STAGE_SOFT_RULES:
            rule(model, problem, start_vars, objective)
        if room_choices is not None:
            room_fits_audience(model, problem, room_choices, objective)
            track_keeps_room(model, problem, start_vars, room_choices, objective)
            session_holds_one_track(model, problem, start_vars, room_choices, objective)
            speaker_preferred_rooms(model, problem, room_choices, objective)
            for rule in ROOM_COST_RULES:
                rule(model, problem, start_vars, room_choices, objective)
        objective.minimise()
    return TimeModel(model, start_vars, room_choices, objective)
