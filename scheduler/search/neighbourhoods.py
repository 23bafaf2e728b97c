"""Large neighbourhood search on the times: free a few talks, fix the rest, re-solve exactly, keep what is better.

The whole-conference time model has one overlap literal per pair of talks that could meet; from a few hundred
talks on, CP-SAT's own search rarely improves a hinted timetable within a minute. With most talks fixed to their
current start, the model keeps only the pairs around the freed talks, is solved (often to optimality) in a second,
and its objective is still the whole time-stage penalty, since terms between fixed talks are constants.
Neighbourhoods alternate between a few whole tracks (their talks on every day) and a window of consecutive blocks
(every talk in it), so both the rules within a track and the rules between parallel talks get a chance.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Callable

from ortools.sat.python import cp_model

from ..model import build_model
from ..problem import Problem
from .cpsat import run_cpsat

FREED_TALKS = 40  # first neighbourhood size; grows when sub-problems are proven quickly, shrinks when not
SUB_PROBLEM_SECONDS = 2.0


def improve_times(
    problem: Problem,
    weights: dict,
    starts: dict[int, int],
    parameters: Callable[[float], dict],
    budget_left: Callable[[], float],
    say: Callable[[str], None],
    seed: int = 0,
    work_budget: float | None = None,
) -> tuple[dict[int, int], float | None, int]:
    """(better starts, their time-stage penalty, neighbourhoods tried) within the budget.

    `parameters(seconds)` gives the CP-SAT settings for one sub-problem; `budget_left()` says how much time remains.
    With `work_budget` the search stops after that much CP-SAT deterministic time instead, so a run cut short
    always ends in the same place.
    """
    rng = random.Random(seed)
    current = dict(starts)
    cost: float | None = None
    size = FREED_TALKS
    tracks = sorted({talk.track for talk in problem.talks if talk.track})
    tried = 0
    work = 0.0
    while budget_left() > 0.2 and (work_budget is None or work < work_budget):
        freed = _tracks_neighbourhood(problem, tracks, size, rng) if tried % 2 == 0 and tracks else None
        if not freed:
            freed = _window_neighbourhood(problem, current, size, rng)
        tried += 1
        allowed = {talk: problem.starts[talk] if talk in freed else [start] for talk, start in current.items()}
        model = build_model(problem, starts=allowed, weights=weights)
        if model.objective is None or not model.objective.terms:
            return current, 0.0, tried
        hints = [(var, current[talk]) for talk, var in model.start_vars.items()]
        outcome = run_cpsat(model.model, parameters(min(SUB_PROBLEM_SECONDS, budget_left())), hints=hints)
        solver, status = outcome.solver, outcome.status
        work += solver.deterministic_time
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            size = max(8, size * 2 // 3)
            continue
        value = solver.objective_value / 10
        if cost is None or value < cost - 1e-9:
            if cost is not None:
                say(f"neighbourhood {tried}: penalty {cost:g} -> {value:g}")
            current, cost = model.starts(solver), value
        size = min(len(current), size + 5) if status == cp_model.OPTIMAL else max(8, size * 2 // 3)
    return current, cost, tried


def _tracks_neighbourhood(problem: Problem, tracks: list[str], size: int, rng: random.Random) -> set[int]:
    """Whole tracks, picked at random until about `size` talks are free."""
    freed: set[int] = set()
    for track in rng.sample(tracks, len(tracks)):
        members = {index for index, talk in enumerate(problem.talks) if talk.track == track}
        if freed and len(freed) + len(members) > size:
            break
        freed |= members
    return freed


def _window_neighbourhood(problem: Problem, starts: dict[int, int], size: int, rng: random.Random) -> set[int]:
    """The talks of a run of consecutive blocks from a random one, about `size` talks."""
    by_block: dict[int, list[int]] = {}
    block_starts = [block.start for block in problem.blocks]
    for talk, start in starts.items():
        by_block.setdefault(bisect.bisect_right(block_starts, start) - 1, []).append(talk)
    order = sorted(by_block)
    position = rng.randrange(len(order))
    freed: set[int] = set()
    for block in order[position:] + order[:position]:
        if freed and len(freed) + len(by_block[block]) > size:
            break
        freed |= set(by_block[block])
    if len(freed) > size:
        freed = set(rng.sample(sorted(freed), size))
    return freed
