"""Solve: data -> problem -> CP-SAT models -> verified schedule, as a sequence of phases.

Each phase is a function of the :class:`~scheduler.search.context.SolveContext` (data, problem, settings, time
budget, progress log) and the results before it, and returns a result that records its part of the stats.
"""

from __future__ import annotations

from collections.abc import Callable

from ..data import ConferenceData
from ..schedule import Schedule, SolveStats
from .anytime import Together, improve_together
from .budget import TimeBudget
from .cheapest_rooms import times_for_cheapest_rooms
from .context import Progress, SolveContext, Step, Timetable
from .coupled import optimise_in_one_model
from .cpsat import check_seed
from .finish import finish, model_bound, relaxation_bound
from .first import compile_model, first_timetable
from .improve import improve
from .params import SolveParams
from .placement import place_rooms
from .swaps import swap_across_days


def solve(
    data: ConferenceData,
    *,
    time_limit: float = 60.0,
    seed: int = 0,
    workers: int = 2,
    progress: Progress | None = None,
    optimise: bool = True,
    deterministic: bool = False,
    stop: Callable[[], bool] | None = None,
    params: SolveParams | None = None,
    reserved: float = 0.0,
) -> Schedule:
    """Find a timetable that satisfies every hard rule, or raise :class:`NoScheduleError` saying why not.

    With `optimise` (the default) the timetable is then improved against the soft rules for the rest of the time.
    Once `stop()` is true (Ctrl-C, see scheduler.interrupt) the time limit counts as reached: every later step gets
    no more time, and the best verified timetable in hand is returned. `params` changes the thresholds and time
    shares of the phases (scheduler.search.params.SolveParams). `reserved` seconds of the time limit are not the
    solve's: the command line passes what start-up and loading took and what writing the files will take, so that
    `--time-limit` holds for the whole command. A seed outside CP-SAT's 32-bit range is a ValueError.
    """
    check_seed(seed)
    context = SolveContext.create(
        data,
        TimeBudget.start(time_limit, stop, reserved=reserved),
        params=params,
        seed=seed,
        workers=workers,
        optimise=optimise,
        deterministic=deterministic,
        progress=progress,
    )
    compiled = compile_model(context)  # the hard rules' model
    first = first_timetable(context, compiled)  # phase 1: any timetable that keeps every hard rule
    together = optimise_in_one_model(context, first)  # small programmes: times and rooms at once, proven optimal
    if together.timetable is not None:
        steps: list[Step] = [compiled, first, together]
        if together.optimal:
            return finish(context, together.timetable, steps, one_model=True)
        return _anytime(context, together.timetable, steps, one_model=True, whole_model=not together.cores_searched)
    placed = place_rooms(context, first)  # rooms: from here on a complete, valid timetable is in hand
    improved = improve(context, placed)  # phase 2: better times against the soft rules
    return _anytime(context, improved.timetable, [compiled, first, together, placed, improved])


def _anytime(
    context: SolveContext, timetable: Timetable, steps: list[Step], *, one_model: bool = False, whole_model: bool = True
) -> Schedule:
    """Bound the penalty (with the whole model's core-based bound, if `whole_model` and it fits), then improve
    times and rooms together until the time limit or a proof (phase 3)."""
    if not context.optimise:
        return finish(context, timetable, steps, one_model=one_model)
    grouped = relaxation_bound(context, whole_model=whole_model)
    so_far = SolveStats(status="feasible", room_stage=timetable.room_summary)
    for step in steps:
        step.record(so_far)
    best_bound = max(grouped.value, model_bound(so_far, grouped))
    cheapest = times_for_cheapest_rooms(context, timetable, grouped.room_plan)
    swapped = swap_across_days(context, cheapest.timetable, cheapest.penalty, best_bound)
    anytime: Together = improve_together(
        context, swapped.timetable, context.budget, bound=lambda: best_bound, penalty=swapped.penalty
    )
    # proven optimal by this search: the whole model solved to optimality, or the penalty reached the bound
    return finish(
        context,
        anytime.timetable,
        [*steps, cheapest, swapped, anytime],
        one_model=one_model or anytime.optimal,
        grouped=grouped,
    )
