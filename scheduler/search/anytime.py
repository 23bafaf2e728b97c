"""Anytime search over times and rooms together: from the first complete timetable to the time limit or a proof.

Every earlier phase either decides times blind to the rules rooms decide (times, then rooms block by block) or
searches one model of the whole conference, which CP-SAT's few workers improve slowly. This phase keeps improving
the timetable in hand with large-neighbourhood search over the coupled model (one literal per (talk, room)): free
some talks, fix every other talk to its current start *and room*, and re-solve the small model exactly with every
soft rule in its objective, rooms included. The neighbourhoods take turns: a run of consecutive blocks, whole
tracks, the talks of a few rooms on one day, a few speakers' talks, talks picked at random. Their size grows while
sub-problems are proven optimal quickly and shrinks when they are not. A sub-problem that frees every talk and is
proven optimal proves the timetable optimal; so does a penalty equal to the lower bound. Otherwise the search runs
until the time limit (with --deterministic: until that much CP-SAT deterministic time is spent, so a run ends in the
same place however loaded the machine).

A candidate is kept only when the independent verifier (scheduler.checks.verify) finds no broken hard rule and its
independent score (scheduler.checks.score) is lower than the timetable in hand: never worse than the start.
"""

from __future__ import annotations

import dataclasses
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from ..checks.score import score
from ..checks.verify import verify
from ..model import build_model
from ..problem import MINUTES_PER_DAY, Problem
from ..schedule import SolveStats
from .budget import TimeBudget
from .context import SolveContext, Timetable, assignments
from .cpsat import run_cpsat
from .neighbourhoods import _tracks_neighbourhood, _window_neighbourhood

# a sub-problem solved by CP-SAT is compared by its independent score; scores are sums of weights times counts
_EPSILON = 1e-6


@dataclass(frozen=True)
class Together:
    """The best timetable found, its independent penalty, what was tried and found, and whether it is proven best."""

    timetable: Timetable
    penalty: float | None = None
    tried: int = 0
    improved: int = 0
    optimal: bool = False
    ran: bool = False
    found_by: str = ""  # the neighbourhood kind of the last improvement ("" if none improved)
    start_penalty: float | None = None

    def record(self, stats: SolveStats) -> None:
        if not self.ran:
            return
        stats.improvement_ran = True
        stats.together_neighbourhoods = self.tried
        stats.together_improved = self.improved
        stats.together_start_penalty = self.start_penalty
        if self.improved:
            stats.found_by = f"times and rooms together ({self.found_by} neighbourhood)"
        if self.optimal:
            stats.time_stage_optimal = True


def checked_penalty(context: SolveContext, timetable: Timetable) -> float | None:
    """The timetable's independent score, or None if the independent verifier finds a broken hard rule."""
    placed = assignments(context.problem, timetable)
    if verify(context.data, placed):
        return None
    return sum(rule.penalty for rule in score(context.data, placed))


def improve_together(
    context: SolveContext,
    timetable: Timetable,
    budget: TimeBudget,
    *,
    bound: Callable[[], float] = lambda: 0.0,
    penalty: float | None = None,
) -> Together:
    """Large-neighbourhood search over times and rooms together, within what `budget` has left.

    `bound()` is the best proven lower bound so far: reaching it proves the timetable optimal. `penalty` is the
    timetable's independent score if the caller has it.
    """
    problem, params = context.problem, context.params
    current = timetable
    cost = checked_penalty(context, timetable) if penalty is None else penalty
    start = cost
    if cost is None or not (context.optimise and params.together):
        return Together(timetable, cost)
    if cost <= bound() + _EPSILON:
        return Together(timetable, cost, optimal=True, ran=True, start_penalty=start)
    rng = random.Random(context.seed)
    size = min(len(problem.talks), params.together_size)
    kinds = _kinds(problem)
    work_budget = budget.share() if context.deterministic else None
    safety = time.perf_counter() + 3 * budget.remaining() + 30  # --deterministic: a wall-clock safety net only
    tried = improved = 0
    found_by = ""
    work = 0.0
    context.say(f"improving times and rooms together from penalty {cost:g}")
    while _time_left(context, budget, work, work_budget, safety):
        kind = kinds[tried % len(kinds)]
        freed = NEIGHBOURHOODS[kind](problem, current, size, rng) if size < len(problem.talks) else None
        whole = freed is None or len(freed) >= len(problem.talks)
        freed = set(range(len(problem.talks))) if freed is None else freed
        tried += 1
        model, hints = _sub_model(context, current, freed)
        seconds = budget.share(at_most=params.together_seconds * (4 if whole else 1))
        outcome = run_cpsat(model.model, context.parameters(seconds), hints=hints)
        work += outcome.solver.deterministic_time
        if not outcome.found:
            size = max(params.together_least_size, size * 2 // 3)
            continue
        if outcome.penalty < cost - _EPSILON:
            candidate = Timetable(model.starts(outcome.solver), model.rooms(outcome.solver), current.room_stage)
            checked = checked_penalty(context, candidate)
            if checked is not None and checked < cost - _EPSILON:
                current, cost = candidate, checked
                improved += 1
                found_by = "whole model" if whole else kind
                _report(context, cost, bound(), f"{found_by}, neighbourhood {tried}")
            elif checked is None:
                context.say(f"neighbourhood {tried}: the verifier refused its timetable; kept the one in hand")
        if whole and outcome.optimal:
            return Together(current, cost, tried, improved, True, True, found_by, start)
        if cost <= bound() + _EPSILON:
            return Together(current, cost, tried, improved, True, True, found_by, start)
        grow = outcome.optimal
        size = min(len(problem.talks), size + params.together_growth) if grow else size * 2 // 3
        size = max(params.together_least_size, size)
    return Together(current, cost, tried, improved, False, True, found_by, start)


def _time_left(context: SolveContext, budget: TimeBudget, work: float, work_budget: float | None, safety: float):
    """Whether another sub-problem fits: wall-clock time, or with --deterministic the work budget."""
    if work_budget is not None:
        return work < work_budget and not budget.stop() and time.perf_counter() < safety
    return budget.remaining() > context.params.together_least_seconds


def _report(context: SolveContext, cost: float, bound: float, how: str) -> None:
    """One progress line: the incumbent, the bound, the gap and when (the web view reads `penalty P, bound B`)."""
    gap = 0.0 if cost <= 0 else max(0.0, (cost - bound) / cost)
    elapsed = context.budget.elapsed()
    context.say(f"penalty {cost:g}, bound {bound:g}, gap {gap:.1%} after {elapsed:.1f} s ({how})")


def _sub_model(context: SolveContext, current: Timetable, freed: set[int]):
    """The coupled model with every talk outside `freed` fixed to its start and room, and hints for the rest.

    The model is built on a copy of the problem whose fixed talks have one start and one room, so the rules only
    make literals for pairs of talks that can still meet.
    """
    problem = context.problem
    starts = [problem.starts[t] if t in freed else [current.starts[t]] for t in range(len(problem.talks))]
    rooms = [problem.rooms[t] if t in freed else [current.rooms[t]] for t in range(len(problem.talks))]
    restricted = dataclasses.replace(problem, starts=starts, rooms=rooms)
    model = build_model(restricted, with_rooms=True, weights=context.data.weights)
    hints = [(var, current.starts[talk]) for talk, var in model.start_vars.items()]
    for talk, options in (model.room_choices or {}).items():
        hints.extend((literal, int(room == current.rooms[talk])) for room, literal in options)
    return model, hints


def _window(problem: Problem, current: Timetable, size: int, rng: random.Random) -> set[int]:
    return _window_neighbourhood(problem, current.starts, size, rng)


def _tracks(problem: Problem, current: Timetable, size: int, rng: random.Random) -> set[int]:
    tracks = sorted({talk.track for talk in problem.talks if talk.track})
    return _tracks_neighbourhood(problem, tracks, size, rng) if tracks else _scatter(problem, current, size, rng)


def _room_days(problem: Problem, current: Timetable, size: int, rng: random.Random) -> set[int]:
    """Every talk of a few rooms on one day (rooms picked at random until about `size` talks)."""
    by_room_day: dict[tuple[int, int], list[int]] = {}
    for talk, start in current.starts.items():
        by_room_day.setdefault((start // MINUTES_PER_DAY, current.rooms[talk]), []).append(talk)
    days = sorted({day for day, _ in by_room_day})
    day = days[rng.randrange(len(days))]
    rooms = sorted(room for d, room in by_room_day if d == day)
    freed: set[int] = set()
    for room in rng.sample(rooms, len(rooms)):
        members = by_room_day[(day, room)]
        if freed and len(freed) + len(members) > size:
            break
        freed.update(members)
    return freed


def _speakers(problem: Problem, current: Timetable, size: int, rng: random.Random) -> set[int]:
    """Every talk of a few speakers picked at random, with the talks in the same blocks as theirs when room is left."""
    speakers = sorted(problem.speaker_talks)
    if not speakers:
        return _scatter(problem, current, size, rng)
    freed: set[int] = set()
    for speaker in rng.sample(speakers, len(speakers)):
        members = set(problem.speaker_talks[speaker])
        if freed and len(freed | members) > size:
            break
        freed |= members
    return freed


def _scatter(problem: Problem, current: Timetable, size: int, rng: random.Random) -> set[int]:
    """Talks picked at random from the whole conference."""
    return set(rng.sample(range(len(problem.talks)), min(size, len(problem.talks))))


NEIGHBOURHOODS: dict[str, Callable[[Problem, Timetable, int, random.Random], set[int]]] = {
    "blocks": _window,
    "tracks": _tracks,
    "room-day": _room_days,
    "speakers": _speakers,
    "random": _scatter,
}


def _kinds(problem: Problem) -> list[str]:
    """The neighbourhood kinds that can free something on this problem, in the order they take turns."""
    kinds = ["blocks", "random", "room-day"]
    if any(talk.track for talk in problem.talks):
        kinds.append("tracks")
    if any(len(talks) > 1 for talks in problem.speaker_talks.values()):
        kinds.append("speakers")
    return kinds
