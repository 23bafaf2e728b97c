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
from dataclasses import dataclass

from ..model import build_model
from ..problem import Problem
from .budget import TimeBudget
from .context import SolveContext, start_hints
from .cpsat import run_cpsat


@dataclass(frozen=True)
class NeighbourhoodSearch:
    """The best starts found, their time-stage penalty (None if no sub-problem was solved), neighbourhoods tried."""

    starts: dict[int, int]
    penalty: float | None
    tried: int


def improve_times(context: SolveContext, starts: dict[int, int], budget: TimeBudget) -> NeighbourhoodSearch:
    """Better starts within what `budget` has left (with --deterministic: that much CP-SAT deterministic time, so a
    run cut short always ends in the same place)."""
    problem, params = context.problem, context.params
    work_budget = budget.share() if context.deterministic else None
    rng = random.Random(context.seed)
    current = dict(starts)
    cost: float | None = None
    size = params.neighbourhood_size
    tracks = sorted({talk.track for talk in problem.talks if talk.track})
    tried = 0
    work = 0.0
    while budget.remaining() > params.neighbourhood_least_seconds and (work_budget is None or work < work_budget):
        freed = _tracks_neighbourhood(problem, tracks, size, rng) if tried % 2 == 0 and tracks else None
        if not freed:
            freed = _window_neighbourhood(problem, current, size, rng)
        tried += 1
        allowed = {talk: problem.starts[talk] if talk in freed else [start] for talk, start in current.items()}
        model = build_model(problem, starts=allowed, weights=context.data.weights)
        if model.objective is None or not model.objective.terms:
            return NeighbourhoodSearch(current, 0.0, tried)
        seconds = budget.share(at_most=params.neighbourhood_seconds)
        outcome = run_cpsat(model.model, context.parameters(seconds), hints=start_hints(model, current))
        work += outcome.solver.deterministic_time
        if not outcome.found:
            size = max(params.neighbourhood_least_size, size * 2 // 3)
            continue
        if cost is None or outcome.penalty < cost - 1e-9:
            if cost is not None:
                context.say(f"neighbourhood {tried}: penalty {cost:g} -> {outcome.penalty:g}")
            current, cost = model.starts(outcome.solver), outcome.penalty
        size = (
            min(len(current), size + params.neighbourhood_growth)
            if outcome.optimal
            else max(params.neighbourhood_least_size, size * 2 // 3)
        )
    return NeighbourhoodSearch(current, cost, tried)


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
