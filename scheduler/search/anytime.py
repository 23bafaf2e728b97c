"""Anytime search over times and rooms together: from the first complete timetable to the time limit or a proof.

Every earlier phase either decides times blind to the rules rooms decide (times, then rooms block by block) or
searches one model of the whole conference, which CP-SAT's few workers improve slowly. This phase keeps improving
the timetable in hand with large-neighbourhood search over the coupled model (one literal per (talk, room)): free
some talks, fix every other talk to its current start *and room*, and re-solve the small model exactly with every
soft rule in its objective, rooms included. The neighbourhoods take turns: a run of consecutive blocks, whole
tracks, the talks of a few rooms on one day, a few speakers' talks, talks picked at random. Their size grows while
sub-problems are proven optimal quickly and shrinks when they are not. On large programmes (above
`SolveParams.together_talks`) the freed talks trade starts and rooms within their own day, so that a sub-problem
holds only those days' talks: what a trade gains there is what the whole penalty gains (save a track's run of
blocks over a night). A sub-problem that frees every talk and is proven optimal proves the timetable optimal; so
does a penalty equal to the lower bound. Otherwise the search runs until the time limit (with --deterministic: until
that much CP-SAT deterministic time is spent, so a run ends in the same place however loaded the machine).

A candidate is kept only when the independent verifier (scheduler.checks.verify) finds no broken hard rule and its
independent score (scheduler.checks.score) is lower than the timetable in hand: never worse than the start.
"""

from __future__ import annotations

import dataclasses
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..checks.score import score
from ..checks.verify import verify
from ..model import build_model
from ..problem import MINUTES_PER_DAY, Problem
from ..schedule import SolveStats
from .bound import room_prices
from .budget import TimeBudget
from .context import SolveContext, Timetable, assignments, start_hints
from .coupled import fits_the_layer, searches_on_the_layer
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
    in_day = len(problem.talks) > params.together_talks
    kinds = IN_DAY_KINDS if in_day else _kinds(problem)
    sizes = {kind: min(len(problem.talks), params.together_size) for kind in kinds}
    # --deterministic: CP-SAT work counted against the time kept for this phase (never the wall clock, which differs
    # from run to run), so the same input and seed end on the same timetable
    work_budget = context.together_reserve if context.deterministic else None
    safety = time.perf_counter() + 3 * (work_budget or 0) + 30  # --deterministic: a wall-clock safety net only
    tried = improved = 0
    found_by = ""
    work = 0.0
    context.say(f"improving times and rooms together from penalty {cost:g}")
    overhead = 0.0
    while _time_left(context, budget, work, work_budget, safety, overhead):
        kind = kinds[tried % len(kinds)]
        tried += 1
        began = time.perf_counter()
        # a sub-problem that keeps talks on their days proves nothing about the whole timetable, however large
        whole = sizes[kind] >= len(problem.talks) and not in_day
        freed = set(range(len(problem.talks))) if whole else NEIGHBOURHOODS[kind](problem, current, sizes[kind], rng)
        if in_day:
            model, hints = _sub_model_in_day(context, current, freed)
            reference, spent = _hinted_penalty(context, model, hints)
            work += spent
        else:
            model, hints = _sub_model(context, current, freed, swap=kind in SWAPS and not whole)
            reference = cost
        longest = params.together_seconds * (4 if whole else 1)
        if work_budget is None:
            seconds = budget.share(at_most=longest)
        else:
            seconds = max(SHORTEST_SEARCH, min(longest, work_budget - work))
        searched = time.perf_counter()
        parameters = context.parameters(seconds) | searches_on_the_layer(context, model.slots is not None)
        outcome = run_cpsat(model.model, parameters, hints=hints)
        work += outcome.solver.deterministic_time
        searching = time.perf_counter() - searched
        better = reference is not None and outcome.found and outcome.penalty < reference - _EPSILON
        if better:
            candidate = Timetable(
                current.starts | model.starts(outcome.solver),
                current.rooms | model.rooms(outcome.solver),
                current.room_stage,
            )
            checked = checked_penalty(context, candidate)
            if checked is not None and checked < cost - _EPSILON:
                current, cost = candidate, checked
                improved += 1
                found_by = "whole model" if whole else kind
                report_penalty(context, cost, bound(), f"{found_by}, neighbourhood {tried}")
            elif checked is None:
                context.say(f"neighbourhood {tried}: the verifier refused its timetable; kept the one in hand")
        if (whole and outcome.optimal) or cost <= bound() + _EPSILON:
            return Together(current, cost, tried, improved, True, True, found_by, start)
        # in a day's sub-problem a neighbourhood that improves is worth its size even unproven: full days leave
        # few proofs within a second, and a smaller one would free too few cells to trade (a room's day or less)
        sizes[kind] = _next_size(params, sizes[kind], outcome.optimal or (in_day and better), len(problem.talks))
        # building, settling and checking a sub-problem take time the search's share does not count (about a
        # second at 2,000 talks): the next one starts only if that much is left beyond its search
        overhead = max(overhead, time.perf_counter() - began - searching)
    return Together(current, cost, tried, improved, False, True, found_by, start)


def _next_size(params, size: int, proven: bool, talks: int) -> int:
    """A neighbourhood kind's next size: larger after a sub-problem proven optimal, smaller after one that was not."""
    size = min(talks, size + params.together_growth) if proven else size * 2 // 3
    return max(min(talks, params.together_least_size), size)


def _time_left(
    context: SolveContext, budget: TimeBudget, work: float, work_budget: float | None, safety: float, overhead: float
):
    """Whether another sub-problem fits: wall-clock time (its search and `overhead`, the longest time one took
    outside its search), or with --deterministic the work budget."""
    if work_budget is not None:
        return work < work_budget and not budget.stop() and time.perf_counter() < safety
    return budget.remaining() > context.params.together_least_seconds + overhead


def report_penalty(context: SolveContext, cost: float, bound: float, how: str) -> None:
    """One progress line: the incumbent, the bound, when, and the gap (the web view reads `penalty P, bound B `, as
    in the progress lines of every optimising search)."""
    gap = 0.0 if cost <= 0 else max(0.0, (cost - bound) / cost)
    elapsed = context.budget.elapsed()
    context.say(f"penalty {cost:g}, bound {bound:g} after {elapsed:.1f} s (gap {gap:.1%}; {how})")


def _sub_model(context: SolveContext, current: Timetable, freed: set[int], *, swap: bool = False):
    """The coupled model with every talk outside `freed` fixed to its start and room, and hints for the rest; with
    `swap` the freed talks keep to the starts they hold between them (they trade places, in any suitable room)."""
    problem = context.problem
    held = {current.starts[talk] for talk in freed}

    def starts_of(talk: int) -> list[int]:
        return [start for start in problem.starts[talk] if start in held] if swap else problem.starts[talk]

    model = _model_with_fixed(context, current, freed, starts_of, lambda talk: problem.rooms[talk])
    return model, _hints(model, current)


def _sub_model_in_day(context: SolveContext, current: Timetable, freed: set[int]):
    """Large programmes: the coupled model of the freed talks' days only, where each freed talk keeps its day and
    takes a start and a room that a freed talk holds there (they trade cells; on a full conference no other cell
    is empty), every other talk of those days fixed to its start and room, with hints for the freed talks.

    Every rule between talks on two days, or about a talk's day, is the same for any such trade, so the model
    sees what a trade changes without the pairs of the other days; its objective is not the whole penalty, and the
    independent score of each candidate decides whether it is kept.
    """
    problem = context.problem
    days = {current.starts[talk] // MINUTES_PER_DAY for talk in freed}
    held_starts = {current.starts[talk] for talk in freed}
    held_rooms = {current.rooms[talk] for talk in freed}

    def starts_of(talk: int) -> list[int]:
        day = current.starts[talk] // MINUTES_PER_DAY
        return [start for start in problem.starts[talk] if start in held_starts and start // MINUTES_PER_DAY == day]

    def rooms_of(talk: int) -> list[int]:
        return [room for room in problem.rooms[talk] if room in held_rooms]

    on_those_days = [talk for talk, start in current.starts.items() if start // MINUTES_PER_DAY in days]
    model = _model_with_fixed(context, current, freed, starts_of, rooms_of, talks=on_those_days)
    # the fixed talks' variables are constants: hinting them would hint one constant many times, which the solve
    # that settles the hinted value (_hinted_penalty) refuses
    return model, _hints(model, current, only=freed)


def _model_with_fixed(
    context: SolveContext,
    current: Timetable,
    freed: set[int],
    starts_of: Callable[[int], list[int]],
    rooms_of: Callable[[int], list[int]],
    talks: list[int] | None = None,
):
    """The coupled model of `talks` (default all), each freed talk restricted to `starts_of` and `rooms_of`, every
    other talk fixed to its start and room in `current`.

    The model is built on a copy of the problem whose fixed talks have one start and one room, so the rules only
    make literals for pairs of talks that can still meet.
    """
    problem = context.problem
    everyone = range(len(problem.talks))
    open_cells = _open_cells(problem, current, freed, starts_of, rooms_of)
    starts = [open_cells[talk][0] if talk in freed else [current.starts[talk]] for talk in everyone]
    rooms = [open_cells[talk][1] if talk in freed else [current.rooms[talk]] for talk in everyone]
    restricted = dataclasses.replace(problem, starts=starts, rooms=rooms)
    layered = context.params.together_slots and fits_the_layer(context, restricted)
    return build_model(restricted, with_rooms=True, talks=talks, weights=context.data.weights, slots=layered)


def _open_cells(
    problem: Problem,
    current: Timetable,
    freed: set[int],
    starts_of: Callable[[int], list[int]],
    rooms_of: Callable[[int], list[int]],
) -> dict[int, tuple[list[int], list[int]]]:
    """Each freed talk's starts and rooms that the fixed talks leave open: a start at which no fixed talk holds one
    of its speakers (save a pair the data file accepts to overlap) and some of its rooms is free of fixed talks,
    and a room free of them at one of those starts.

    The fixed talks would forbid the rest anyway, but only through the model's no-overlap constraints: on a full
    conference almost every start and room of a freed talk is taken, and pruning them first leaves CP-SAT a
    sub-problem of the cells the freed talks hold between them."""
    duration = problem.duration
    accepted = problem.data.accepted_overlaps()
    fixed_in_room: dict[int, list[tuple[int, int]]] = {}
    fixed_of_speaker: dict[str, list[tuple[int, tuple[int, int]]]] = {}
    for talk, start in current.starts.items():
        if talk in freed:
            continue
        span = (start, start + duration(talk))
        fixed_in_room.setdefault(current.rooms[talk], []).append(span)
        for speaker in problem.talks[talk].speakers:
            fixed_of_speaker.setdefault(speaker, []).append((talk, span))

    def free(spans: list[tuple[int, int]], start: int, end: int) -> bool:
        return all(end <= busy_start or busy_end <= start for busy_start, busy_end in spans)

    cells = {}
    for talk in freed:
        end_of = duration(talk)
        own = problem.talks[talk].id
        busy = [
            span
            for speaker in problem.talks[talk].speakers
            for other, span in fixed_of_speaker.get(speaker, [])
            if frozenset((own, problem.talks[other].id)) not in accepted
        ]
        rooms = rooms_of(talk)
        starts, used = [], set()
        for start in starts_of(talk):
            if not free(busy, start, start + end_of):
                continue
            open_rooms = [room for room in rooms if free(fixed_in_room.get(room, []), start, start + end_of)]
            if open_rooms:
                starts.append(start)
                used.update(open_rooms)
        cells[talk] = (starts, [room for room in rooms if room in used])
    return cells


def _hints(model, current: Timetable, only: set[int] | None = None) -> list[tuple[Any, int]]:
    """Hints that start `model` from the timetable in hand: every talk's start and room (or only those of `only`),
    and the layer's literals if it has them."""
    hints = start_hints(model, current.starts, only=only)
    for talk, options in (model.room_choices or {}).items():
        if only is None or talk in only:
            hints.extend((literal, int(room == current.rooms[talk])) for room, literal in options)
    if model.slots is not None:
        for talk, cells in model.slots.cells.items():
            if only is None or talk in only:
                place = (current.starts[talk], current.rooms[talk])
                hints.extend((literal, int(cell == place)) for cell, literal in cells.items())
    return hints


def _hinted_penalty(context: SolveContext, model, hints) -> tuple[float | None, float]:
    """The sub-model's objective at the timetable in hand (its hints, fixed), and the CP-SAT work that took: what a
    sub-problem whose objective is not the whole penalty must beat. None if CP-SAT did not settle it in time."""
    fixed = context.parameters(context.params.together_seconds) | {"fix_variables_to_their_hinted_value": True}
    outcome = run_cpsat(model.model, fixed, hints=hints)
    model.model.clear_hints()  # the search proper adds them again
    return (outcome.penalty if outcome.optimal else None), outcome.solver.deterministic_time


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


# large programmes: kinds whose talks share one day (a window of blocks may reach into the next), so that each
# sub-problem holds only those days' talks (_sub_model_in_day)
IN_DAY_KINDS = ["room-day", "blocks"]

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
