"""Times for the cheapest rooms: the rooms' bound already solved which room each talk is cheapest in, counting only
the room minutes; if times exist for exactly those rooms, that timetable pays the bound on every rule that prices a
talk in a room, and often little elsewhere.

When rooms are most of the penalty (room sizes against audiences), the search from the first timetable can take
many neighbourhoods to reach what this finds in one solve: with every talk's room fixed, the coupled model has no
room literals and CP-SAT settles the times at once or proves there are none. Side by side with conference-scheduler
it finds the proven optimum at 50-500 events in under a second (one-off). The candidate is verified and scored
independently and kept only if it is better than the timetable in hand.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ..checks.score import score
from ..checks.verify import verify
from ..model import build_model
from ..rules import RULES
from ..schedule import SolveStats
from .context import SolveContext, Timetable, assignments, penalty_if_every_hard_rule_kept, start_hints
from .cpsat import run_cpsat

_EPSILON = 1e-6


@dataclass(frozen=True)
class CheapestRooms:
    """The timetable in hand after the try (the better of the two), its penalty, and whether the try won."""

    timetable: Timetable
    penalty: float | None
    tried: bool = False
    improved: bool = False

    def record(self, stats: SolveStats) -> None:
        if self.improved:
            stats.improvement_ran = True
            stats.found_by = "times for the cheapest rooms (the rooms' bound)"


def times_for_cheapest_rooms(context: SolveContext, timetable: Timetable, plan: dict[int, int]) -> CheapestRooms:
    """Each talk in its room of `plan` (talk -> room, from the rooms' bound), the times and soft rules solved
    within a short share of the time; kept if verified and cheaper than `timetable`. Tried only where the rules
    that price a talk in a room are most of the timetable's penalty: elsewhere a plan blind to times rarely helps."""
    problem, params = context.problem, context.params
    placed = assignments(problem, timetable)
    if verify(context.data, placed):
        return CheapestRooms(timetable, None)
    quality = score(context.data, placed)
    cost = sum(rule.penalty for rule in quality)
    priced = sum(rule.penalty for rule in quality if RULES[rule.rule].room_cost is not None)
    usable = plan and all(plan.get(talk) in rooms for talk, rooms in enumerate(problem.rooms) if rooms)
    if not (context.optimise and params.cheapest_rooms and usable) or priced <= params.cheapest_rooms_share * cost:
        return CheapestRooms(timetable, cost)
    # --deterministic: whether it runs follows from the time limit, never from the clock (its search counts CP-SAT's
    # work, not seconds)
    left = context.together_reserve if context.deterministic else context.budget.remaining()
    if len(problem.talks) > params.cheapest_rooms_talks or left <= params.cheapest_rooms_seconds:
        return CheapestRooms(timetable, cost)
    context.say("finding times for each talk's cheapest room")
    rooms = [[plan[talk]] if rooms else [] for talk, rooms in enumerate(problem.rooms)]
    model = build_model(dataclasses.replace(problem, rooms=rooms), with_rooms=True, weights=context.data.weights)
    seconds = params.cheapest_rooms_seconds  # less than what is left (above)
    # no progress lines: this model's bound holds only for these rooms, not for the timetable
    outcome = run_cpsat(model.model, context.parameters(seconds), hints=start_hints(model, timetable.starts))
    if not outcome.found:
        return CheapestRooms(timetable, cost, tried=True)
    candidate = Timetable(model.starts(outcome.solver), model.rooms(outcome.solver), timetable.room_stage)
    checked = penalty_if_every_hard_rule_kept(context, candidate)
    if checked is None or checked >= cost - _EPSILON:
        return CheapestRooms(timetable, cost, tried=True)
    context.say(f"times for the cheapest rooms: penalty {cost:g} -> {checked:g}")
    return CheapestRooms(candidate, checked, tried=True, improved=True)
