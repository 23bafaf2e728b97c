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
from .bound import room_prices
from .budget import TimeBudget
from .context import SolveContext, Timetable, assignments
from .cpsat import SHORTEST_SEARCH, run_cpsat
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
    if context.deterministic and not context.together_reserve:
        return Together(timetable, cost)  # no time kept for it: only what the wall clock leaves, never reproducible
    if cost <= bound() + _EPSILON:
        return Together(timetable, cost, optimal=True, ran=True, start_penalty=start)
    rng = random.Random(context.seed)
    kinds = _kinds(problem)
    sizes = {kind: min(len(problem.talks), params.together_size) for kind in kinds}
    # --deterministic: CP-SAT work counted against the time kept for this phase (never the wall clock, which differs
    # from run to run), so the same input and seed end on the same timetable
    work_budget = context.together_reserve if context.deterministic else None
    safety = time.perf_counter() + 3 * (work_budget or 0) + 30  # --deterministic: a wall-clock safety net only
    tried = improved = 0
    found_by = ""
    work = 0.0
    context.say(f"improving times and rooms together from penalty {cost:g}")
    while _time_left(context, budget, work, work_budget, safety):
        kind = kinds[tried % len(kinds)]
        tried += 1
        whole = sizes[kind] >= len(problem.talks)
        freed = set(range(len(problem.talks))) if whole else NEIGHBOURHOODS[kind](problem, current, sizes[kind], rng)
        model, hints = _sub_model(context, current, freed, swap=kind in SWAPS and not whole)
        longest = params.together_seconds * (4 if whole else 1)
        if work_budget is None:
            seconds = budget.share(at_most=longest)
        else:
            seconds = max(SHORTEST_SEARCH, min(longest, work_budget - work))
        outcome = run_cpsat(model.model, context.parameters(seconds), hints=hints)
        work += outcome.solver.deterministic_time
        if outcome.found and outcome.penalty < cost - _EPSILON:
            candidate = Timetable(model.starts(outcome.solver), model.rooms(outcome.solver), current.room_stage)
            checked = checked_penalty(context, candidate)
            if checked is not None and checked < cost - _EPSILON:
                current, cost = candidate, checked
                improved += 1
                found_by = "whole model" if whole else kind
                _report(context, cost, bound(), f"{found_by}, neighbourhood {tried}")
            elif checked is None:
                context.say(f"neighbourhood {tried}: the verifier refused its timetable; kept the one in hand")
        if (whole and outcome.optimal) or cost <= bound() + _EPSILON:
            return Together(current, cost, tried, improved, True, True, found_by, start)
        sizes[kind] = _next_size(params, sizes[kind], outcome.optimal, len(problem.talks))
    return Together(current, cost, tried, improved, False, True, found_by, start)


def _next_size(params, size: int, proven: bool, talks: int) -> int:
    """A neighbourhood kind's next size: larger after a sub-problem proven optimal, smaller after one that was not."""
    size = min(talks, size + params.together_growth) if proven else size * 2 // 3
    return max(min(talks, params.together_least_size), size)


def _time_left(context: SolveContext, budget: TimeBudget, work: float, work_budget: float | None, safety: float):
    """Whether another sub-problem fits: wall-clock time, or with --deterministic the work budget."""
    if work_budget is not None:
        return work < work_budget and not budget.stop() and time.perf_counter() < safety
    return budget.remaining() > context.params.together_least_seconds


def _report(context: SolveContext, cost: float, bound: float, how: str) -> None:
    """One progress line: the incumbent, the bound, when, and the gap (the web view reads `penalty P, bound B `, as
    in the progress lines of every optimising search)."""
    gap = 0.0 if cost <= 0 else max(0.0, (cost - bound) / cost)
    elapsed = context.budget.elapsed()
    context.say(f"penalty {cost:g}, bound {bound:g} after {elapsed:.1f} s (gap {gap:.1%}; {how})")


def _sub_model(context: SolveContext, current: Timetable, freed: set[int], *, swap: bool = False):
    """The coupled model with every talk outside `freed` fixed to its start and room, and hints for the rest; with
    `swap` the freed talks keep to the starts they hold between them (they trade places, in any suitable room).

    The model is built on a copy of the problem whose fixed talks have one start and one room, so the rules only
    make literals for pairs of talks that can still meet.
    """
    problem = context.problem
    held = {current.starts[talk] for talk in freed}

    def choices(talk: int) -> list[int]:
        if talk not in freed:
            return [current.starts[talk]]
        return [start for start in problem.starts[talk] if start in held] if swap else problem.starts[talk]

    starts = [choices(talk) for talk in range(len(problem.talks))]
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


def _costly(problem: Problem, current: Timetable, size: int, rng: random.Random) -> set[int]:
    """Talks in a room dearer for them than their cheapest (rules that price a talk in a room), each with talks now
    in rooms cheaper for it, so that they can swap; talks at random when no talk pays for its room."""
    prices = _room_prices(problem)
    dear = [talk for talk, price in prices.items() if price[current.rooms[talk]] > min(price.values())]
    if not dear:
        return _scatter(problem, current, size, rng)
    by_room: dict[int, list[int]] = {}
    for talk, room in current.rooms.items():
        by_room.setdefault(room, []).append(talk)
    freed: set[int] = set()
    partners: set[int] = set()
    for talk in rng.sample(dear, len(dear)):
        price = prices[talk]
        cheaper = [room for room in problem.rooms[talk] if price[room] < price[current.rooms[talk]]]
        mine = sorted({other for room in cheaper for other in by_room.get(room, [])})
        chosen = {talk, *rng.sample(mine, min(len(mine), 3))}
        if freed and len(freed | chosen) > size:
            break
        freed |= chosen
        partners.update(mine)
    # few dear talks (the last steps to the optimum): more of the talks they could swap with, for chains of moves
    spare = sorted(partners - freed)
    freed.update(rng.sample(spare, min(len(spare), max(0, size - len(freed)))))
    return freed


def _room_prices(problem: Problem) -> dict[int, dict[int, float]]:
    """Talk -> room -> what the rules that price a talk in a room charge (talks with a choice of price only)."""
    if not hasattr(problem, "_room_prices"):
        prices = room_prices(problem, problem.data.weights)
        # lives and dies with the problem
        problem._room_prices = {talk: price for talk, price in prices.items() if len(set(price.values())) > 1}
    return problem._room_prices


def _scatter(problem: Problem, current: Timetable, size: int, rng: random.Random) -> set[int]:
    """Talks picked at random from the whole conference."""
    return set(rng.sample(range(len(problem.talks)), min(size, len(problem.talks))))


NEIGHBOURHOODS: dict[str, Callable[[Problem, Timetable, int, random.Random], set[int]]] = {
    "blocks": _window,
    "tracks": _tracks,
    "room-day": _room_days,
    "speakers": _speakers,
    "random": _scatter,
    "dear rooms": _costly,
}


# kinds whose talks come from all over the conference: they trade places rather than take any start (smaller
# sub-problems, proven quickly, where a talk free to go anywhere would make them slow)
SWAPS = {"random", "dear rooms"}


def _kinds(problem: Problem) -> list[str]:
    """The neighbourhood kinds that can free something on this problem, in the order they take turns."""
    kinds = ["blocks", "random", "room-day"]
    if _room_prices(problem):
        kinds.insert(1, "dear rooms")
    if any(talk.track for talk in problem.talks):
        kinds.append("tracks")
    if any(len(talks) > 1 for talks in problem.speaker_talks.values()):
        kinds.append("speakers")
    return kinds
