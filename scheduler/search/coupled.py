"""Times and rooms in one model: on small programmes the optimum over every soft rule, proven; on any programme
the exact fallback when rooms cannot follow phase 1's times."""

from __future__ import annotations

import time
from dataclasses import dataclass

from ..model import build_model
from ..rules.base import Weights
from ..schedule import SolveStats
from ..slots import sees_every_rule, slot_cells
from .context import ModelSize, SolveContext, Timetable, raise_if_unsolved, start_hints
from .first import FirstTimetable

# CP-SAT's searches for the two workers of the layered model: the one that solves the most LP, and the core-based one
TWO_WORKERS_ON_SLOTS = ("max_lp", "core")
# the share of the time kept for improving times and rooms together that the layered model leaves to it
LAYERED_LEAVES = 0.8


@dataclass(frozen=True)
class OneModel:
    """The one model's timetable (None if it was not tried or found nothing in time) and what it proved."""

    tried: bool
    timetable: Timetable | None = None
    size: ModelSize | None = None
    objective: float = 0.0
    bound: float = 0.0
    optimal: bool = False

    def record(self, stats: SolveStats) -> None:
        if not self.tried:
            return
        stats.improvement_ran = True
        if self.timetable is None:
            return
        if self.size is not None:
            self.size.record(stats)
        stats.time_objective = self.objective
        stats.time_bound = self.bound
        stats.time_stage_optimal = self.optimal


def optimise_in_one_model(context: SolveContext, first: FirstTimetable) -> OneModel:
    """Small programmes: times and rooms optimised together from phase 1's times, so the optimum can be proven."""
    if not (context.optimise and context.fits_one_model):
        return OneModel(tried=False)
    layered = fits_the_layer(context, context.problem)
    coupled = build_model(context.problem, with_rooms=True, weights=context.data.weights, slots=layered)
    context.say("optimising times and rooms together" + (" (a literal per start and room)" if layered else ""))
    # the rest of the time goes to the bound and to improving this model's answer a neighbourhood at a time; the
    # layered model also proves (Timefold-shaped 36 talks, a prototype, one-off: the optimum 156 after 138 s), so it
    # keeps a fifth of the neighbourhoods' time. Since those sub-problems are layered too, they improve more than
    # this model does with the same time (72 talks, 60 s, one-off, seeds 0 and 1: 621 and 579 keeping a fifth, 655
    # and 694 keeping half; 36 talks: 156 and 159 either way)
    kept = context.bound_reserve + context.together_reserve * (LAYERED_LEAVES if layered else 1.0)
    seconds = context.budget.leaving(kept).share()
    overrides = searches_on_the_layer(context, layered)
    outcome = context.search(coupled.model, seconds, hints=start_hints(coupled, first.starts), **overrides)
    if not outcome.found:
        return OneModel(tried=True)
    timetable = Timetable(coupled.starts(outcome.solver), coupled.rooms(outcome.solver), room_stage="coupled")
    scored = bool(coupled.objective.terms)
    return OneModel(
        tried=True,
        timetable=timetable,
        size=ModelSize.of(coupled.model),
        objective=outcome.penalty if scored else 0.0,
        bound=outcome.penalty_bound if scored else 0.0,
        optimal=outcome.optimal,
    )


def fits_the_layer(context: SolveContext, problem) -> bool:
    """Whether a times-and-rooms model of `problem` gets the time-indexed layer (scheduler.slots): up to
    `SolveParams.slot_cells` cells, and only where the layer sees every weighted rule."""
    return slot_cells(problem) <= context.params.slot_cells and sees_every_rule(Weights.of(context.data.weights))


def searches_on_the_layer(context: SolveContext, layered: bool) -> dict:
    """CP-SAT overrides for a layered model: with two workers (not --deterministic), the LP-heaviest search beside
    the core-based one. CP-SAT's default pair never runs the LP there (Timefold-shaped 36 talks, 60 s, one-off: bound
    28 against 96), and proves in a fraction of a second sub-problems it does not prove in seconds (216 talks, 15
    talks freed, one-off)."""
    if layered and context.workers == 2 and not context.deterministic:
        return {"subsolvers": list(TWO_WORKERS_ON_SLOTS)}
    return {}


def times_and_rooms_together(context: SolveContext, starts: dict[int, int]) -> tuple[Timetable, ModelSize]:
    """Some block's rooms cannot be found even by re-timing it: times and rooms together, exact, hard rules only."""
    context.say("rooms could not follow those times; solving times and rooms together")
    coupled = build_model(context.problem, with_rooms=True, weights=context.hard_only)
    outcome = context.search(
        coupled.model,
        context.budget.share(),
        first_only=True,
        hints=start_hints(coupled, starts),
        since=time.perf_counter(),
    )
    raise_if_unsolved(outcome, context.budget.limit)
    timetable = Timetable(coupled.starts(outcome.solver), coupled.rooms(outcome.solver), room_stage="coupled")
    return timetable, ModelSize.of(coupled.model)
