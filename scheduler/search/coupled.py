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

# With two workers CP-SAT runs one search of the whole model (the first of `subsolvers`) and its neighbourhoods on
# the other. A layered model runs the search that solves the most LP there; one small enough to prove runs two whole
# searches instead: the core-based one, which raises the bound core by core, beside the LP one, which shares its
# bounds and finds the timetables (Timefold-shaped 36 talks, 60 s, one-off: the optimum, 156, proven in 43.5 s;
# max_lp with neighbourhoods: bound 94 after 49 s)
SEARCH_ON_SLOTS = ("max_lp",)
PROVING_ON_SLOTS = ("core", "max_lp")
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
    # searched by CP-SAT's core-based search on the whole model (`SolveParams.prove_cells`): no other bound of that
    # model can be higher, so the relaxations' bound need not search it again
    cores_searched: bool = False

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
    proving = layered and proves_in_one_model(context)
    coupled = build_model(context.problem, with_rooms=True, weights=context.data.weights, slots=layered)
    context.say("optimising times and rooms together" + (" (a literal per start and room)" if layered else ""))
    seconds = context.budget.leaving(kept_back(context, layered, proving=proving)).share()
    overrides = searches_on_the_layer(context, layered, proving=proving)
    # phase 1's timetable as a hint slows the proof (Timefold-shaped 36 talks, one-off, seeds 0-2: proven in 49 s,
    # 72 s and not in 60 s with it; 43, 41 and 53 s without)
    hints = None if proving else start_hints(coupled, first.starts)
    outcome = context.search(coupled.model, seconds, hints=hints, **overrides)
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
        cores_searched=proving,
    )


def kept_back(context: SolveContext, layered: bool, *, proving: bool = False) -> float:
    """Seconds the one model leaves to the later steps: the bound's and the neighbourhoods' time, of which a layered
    model keeps a fifth, as those sub-problems are layered too and improve more than this model does with the same
    time (72 talks, 60 s, one-off, seeds 0 and 1: 621 and 579 keeping a fifth, 655 and 694 keeping half). One that
    searches for a proof leaves only the bound's least time: its core-based bound is the one that counts, and the
    relaxations' stays far below it on a programme this small (Timefold-shaped 36 talks: 18 against 147 after 54 s)."""
    if proving:
        return context.params.bound_min_seconds
    together = context.together_reserve * (LAYERED_LEAVES if layered else 1.0)
    return context.bound_reserve + together


def fits_the_layer(context: SolveContext, problem) -> bool:
    """Whether a times-and-rooms model of `problem` gets the time-indexed layer (scheduler.slots): up to
    `SolveParams.slot_cells` cells, and only where the layer sees every weighted rule."""
    return slot_cells(problem) <= context.params.slot_cells and sees_every_rule(Weights.of(context.data.weights))


def proves_in_one_model(context: SolveContext) -> bool:
    """Whether the layered one model searches for a proof: up to `SolveParams.prove_cells` cells, with two workers
    free to run the core-based and the LP searches side by side (not --deterministic, which runs one)."""
    return slot_cells(context.problem) <= context.params.prove_cells and _two_free_workers(context)


def _two_free_workers(context: SolveContext) -> bool:
    return context.workers == 2 and not context.deterministic


def searches_on_the_layer(context: SolveContext, layered: bool, *, proving: bool = False) -> dict:
    """CP-SAT overrides for a layered model with two workers (not --deterministic): the LP-heaviest search as the
    whole-model one, or, `proving`, the core-based and the LP-heaviest searches both on the whole model. CP-SAT's
    default search never runs the LP there (Timefold-shaped 36 talks, 60 s, one-off: bound 28 against 96), and
    the LP one proves in a fraction of a second sub-problems the default does not prove in seconds (216 talks, 15
    talks freed, one-off)."""
    if layered and _two_free_workers(context):
        if proving:
            return {"subsolvers": list(PROVING_ON_SLOTS), "num_full_subsolvers": len(PROVING_ON_SLOTS)}
        return {"subsolvers": list(SEARCH_ON_SLOTS)}
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
