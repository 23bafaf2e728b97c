"""What-if rescheduling: a published schedule and changed data in, the schedule that moves the least out.

Lexicographic: every hard rule first; then the disruption (:mod:`scheduler.whatif.disruption`: what moving each
published talk costs); then the usual quality objective. Two solves: the first minimises the disruption, the second
keeps the disruption at that value and minimises the soft-rule penalty.

Fast because most talks need not move: the independent verifier finds the talks whose published placement breaks a
hard rule under the new data; they and the added talks are freed, every other talk is fixed at its published start
and room (one start, one room in the exact times-and-rooms model). If that has no schedule, a growing neighbourhood
is freed: every talk in the freed talks' blocks, then their days, then everything.

The disruption is proven minimal when it equals a lower bound (each talk that must move, moved the cheapest way it
can alone) or the model with everything freed is solved to optimality; otherwise it is minimal among schedules that
move only the freed talks.
"""

from __future__ import annotations

import bisect
import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from ..checks.counting import raise_if_short
from ..checks.score import score
from ..checks.verify import Violation, verify
from ..data import ConferenceData, format_clock
from ..errors import ConfschedError, NoScheduleError
from ..model import TimeModel, build_model
from ..problem import MINUTES_PER_DAY, Problem, compile_problem
from ..rules.base import Weights
from ..schedule import Assignment, Schedule, SolveStats
from ..search.budget import TimeBudget
from ..search.context import raise_if_unplaceable
from ..search.cpsat import (
    INTERLEAVE_UNSAFE_NOTE,
    Outcome,
    SolutionLog,
    check_seed,
    reproducible_workers,
    run_cpsat,
    solver_parameters,
)
from .disruption import BLOCK, DAY, ROOM, START, DisruptionCosts, move_cost, tenths

Progress = Callable[[str], None]
EVERYTHING = "everything"


@dataclass
class Disruption:
    """How much the new schedule differs from the published one, and whether less is possible."""

    cost: float
    lower_bound: float
    proven: bool
    neighbourhood: str
    freed: int
    neighbourhood_optimal: bool
    must_move: dict[str, list[Violation]]
    seconds_to_schedule: float  # to the first valid schedule
    seconds_to_best: float  # to the schedule with the final disruption
    seconds: float
    quality_optimal: bool = False
    interrupted: bool = False  # Ctrl-C stopped the search (scheduler.interrupt): the best answer found until then
    # per neighbourhood tried: (name, talks freed, solver status, best disruption or None, seconds)
    attempts: list[tuple[str, int, str, float | None, float]] = dataclasses.field(default_factory=list)

    @property
    def verdict(self) -> str:
        """Whether the disruption is minimal, in the words a chair reads."""
        if self.proven:
            return "proven minimal"
        if self.neighbourhood_optimal:
            return f"minimal among schedules that move only the {self.freed} freed talks"
        ended = "Ctrl-C ended the search" if self.interrupted else "the time limit ended the search"
        return f"not proven minimal: {ended} (lower bound {self.lower_bound:g})"


def reschedule(
    data: ConferenceData,
    baseline: Schedule,
    costs: DisruptionCosts | None = None,
    time_limit: float = 30.0,
    seed: int = 0,
    workers: int = 1,
    progress: Progress | None = None,
    stop: Callable[[], bool] | None = None,
    reserved: float = 0.0,
) -> tuple[Schedule, Disruption]:
    """A schedule for the changed `data` that moves `baseline`'s talks as little as possible, then is as good as can be.

    Once `stop()` is true (Ctrl-C, see scheduler.interrupt) no more time is given: the least disruptive verified
    schedule in hand is returned, with `Disruption.interrupted` set. Raises :class:`NoScheduleError` if the changed
    data has no schedule at all (or none is found in time, or before `stop()`), and ValueError for a seed outside
    CP-SAT's 32-bit range. `reserved` seconds of the time limit are not the search's (scheduler.search.solve).
    """
    check_seed(seed)
    budget = TimeBudget.start(time_limit, stop, reserved=reserved)
    # the same change gives the same new version: one worker where several could only race (scheduler.search.cpsat)
    asked, workers = workers, reproducible_workers(workers)
    costs = costs or DisruptionCosts()
    say = progress or (lambda message: None)
    published = published_placements(data, baseline)
    problem = compile_problem(data, anchors={start for start, _ in published.values()})
    raise_if_unplaceable(problem)
    raise_if_short(data, problem)  # an over-full programme is said at once, with the minutes counted
    must_move = talks_that_must_move(data, baseline)
    index = {talk.id: i for i, talk in enumerate(data.talks)}
    changed = {index[talk_id] for talk_id in must_move} | {t for t in range(len(data.talks)) if t not in published}
    alone = {index[talk_id] for talk_id, found in must_move.items() if any(len(v.talks) == 1 for v in found)}
    lower_bound = _lower_bound(problem, published, alone, costs)
    say(f"{len(must_move)} published talk(s) must move, {len(changed) - len(must_move)} new talk(s) to place")
    search = _Search(problem, published, costs, seed, workers, budget, say)
    least = _least_disruption(search, _neighbourhoods(problem, published, changed), lower_bound)
    starts, rooms, quality_optimal = _improve_keeping_disruption(search, data.weights, least)
    schedule = _schedule(problem, baseline, starts, rooms, least.built, seed, workers, budget.started)
    if workers < asked:
        schedule.stats.workers_note = INTERLEAVE_UNSAFE_NOTE
    disruption = Disruption(
        cost=disruption_cost(baseline, schedule, costs),
        lower_bound=lower_bound / 10,
        proven=least.proven,
        neighbourhood=least.name,
        freed=len(least.freed),
        neighbourhood_optimal=least.neighbourhood_optimal,
        must_move=must_move,
        seconds_to_schedule=least.seconds_to_schedule,
        seconds_to_best=least.seconds_to_best,
        seconds=budget.elapsed(),
        quality_optimal=quality_optimal,
        attempts=least.attempts,
        interrupted=budget.stop(),
    )
    return schedule, disruption


@dataclass(frozen=True)
class _Search:
    """What both solves of a what-if share."""

    problem: Problem
    published: dict[int, tuple[int, int | None]]
    costs: DisruptionCosts
    seed: int
    workers: int
    budget: TimeBudget
    say: Progress

    def remaining(self) -> float:
        return self.budget.share()  # never below the shortest search

    def run(self, built: TimeModel, seconds: float) -> tuple[Outcome, SolutionLog]:
        """One search; its log holds when (seconds since the what-if started) its first and best solutions came."""
        log = SolutionLog(self.budget.started, None, optimising=True)
        parameters = solver_parameters(self.seed, self.workers, seconds, first_only=False)
        return run_cpsat(built.model, parameters, log=log), log


@dataclass(frozen=True)
class _LeastDisruption:
    """The first solve's answer: the least disruption found, in which neighbourhood, and how sure it is."""

    name: str
    freed: frozenset[int]
    built: TimeModel
    best: int
    starts: dict[int, int]
    rooms: dict[int, int]
    proven: bool
    neighbourhood_optimal: bool
    seconds_to_schedule: float
    seconds_to_best: float
    attempts: list[tuple[str, int, str, float | None, float]]


def _least_disruption(
    search: _Search, levels: list[tuple[str, frozenset[int]]], lower_bound: float
) -> _LeastDisruption:
    """The least disruption, in the smallest neighbourhood that has a schedule; then, while it is not proven
    minimal and time is left, larger neighbourhoods from that answer (they can only do better)."""
    hard_only = Weights.of(search.problem.data.weights).hard_only()
    found = None
    attempts: list[tuple[str, int, str, float | None, float]] = []
    best, starts, rooms, proven, neighbourhood_optimal = 0, {}, {}, False, False
    seconds_to_schedule = seconds_to_best = 0.0
    for position, (name, freed) in enumerate(levels):
        last = position == len(levels) - 1
        if found is not None and (proven or search.remaining() < 1):
            break
        search.say(f"looking for the least disruptive schedule, freeing {len(freed)} talk(s) ({name})")
        built, disruption = _disruption_model(search.problem, search.published, freed, search.costs, hard_only)
        if found is not None:
            built.model.add(disruption <= best)
            _hint(built, starts, rooms)
        level_started = time.perf_counter()
        outcome, log = search.run(built, search.remaining() if last and found is None else 0.3 * search.remaining())
        solver, status, solved = outcome.solver, outcome.status, outcome.found
        seconds = time.perf_counter() - level_started
        attempts.append((name, len(freed), solver.status_name(status), outcome.penalty if solved else None, seconds))
        if solved:
            value = round(solver.objective_value)
            # when CP-SAT found them, not when its search ended (which is the time limit unless it proved an optimum)
            if found is None:
                seconds_to_schedule = _or_now(log.first, search.budget)
            if found is None or value < best or status == cp_model.OPTIMAL:
                if found is None or value < best:
                    seconds_to_best = _or_now(log.last, search.budget)
                found, best = (name, freed, built), value
                starts, rooms = built.starts(solver), built.rooms(solver)
                neighbourhood_optimal = status == cp_model.OPTIMAL
                proven = neighbourhood_optimal and (name == EVERYTHING or best <= lower_bound)
        elif found is not None:
            break  # a larger neighbourhood ran out of time: keep the answer in hand
        elif search.budget.stop():
            raise NoScheduleError("interrupted before a schedule was found", proven=False)
        elif last and status == cp_model.INFEASIBLE:
            raise NoScheduleError(
                "no schedule exists: the hard rules contradict each other (proven by CP-SAT)", proven=True
            )
        elif last:
            raise NoScheduleError(
                f"no schedule found within the time limit of {search.budget.limit:g} s; try a longer --time-limit",
                proven=False,
            )
    assert found is not None
    name, freed, built = found
    return _LeastDisruption(
        name,
        freed,
        built,
        best,
        starts,
        rooms,
        proven,
        neighbourhood_optimal,
        seconds_to_schedule,
        seconds_to_best,
        attempts,
    )


def _or_now(seconds: float | None, budget: TimeBudget) -> float:
    """A time the solution log recorded, or (a solution given as a hint, which CP-SAT does not call back) now."""
    return budget.elapsed() if seconds is None else seconds


def _improve_keeping_disruption(
    search: _Search, weights: dict, least: _LeastDisruption
) -> tuple[dict[int, int], dict[int, int], bool]:
    """Second solve: the disruption held at its best value, the soft rules minimised; (starts, rooms, optimal)."""
    if not least.freed or search.budget.stop():
        return least.starts, least.rooms, False
    search.say("improving the schedule against the soft rules, keeping the disruption")
    quality, quality_disruption = _disruption_model(
        search.problem, search.published, least.freed, search.costs, weights
    )
    if quality.objective is None or not quality.objective.terms:
        return least.starts, least.rooms, False
    quality.model.add(quality_disruption <= least.best)
    _hint(quality, least.starts, least.rooms)
    outcome, _ = search.run(quality, search.remaining())
    if not outcome.found:
        return least.starts, least.rooms, False
    return quality.starts(outcome.solver), quality.rooms(outcome.solver), outcome.optimal


def published_placements(data: ConferenceData, baseline: Schedule) -> dict[int, tuple[int, int | None]]:
    """Talk index -> (absolute start, room index or None) for every talk of `data` the baseline placed on a day."""
    day_index = {day.date: d for d, day in enumerate(data.conference.days)}
    room_index = {room.name: r for r, room in enumerate(data.rooms)}
    placed = {a.talk: a for a in baseline.assignments}
    result = {}
    for t, talk in enumerate(data.talks):
        a = placed.get(talk.id)
        if a is not None and a.day in day_index:
            result[t] = (day_index[a.day] * MINUTES_PER_DAY + a.start, room_index.get(a.room))
    return result


def talks_that_must_move(data: ConferenceData, baseline: Schedule) -> dict[str, list[Violation]]:
    """Talk id -> the hard rules its published placement breaks under `data` (the independent verifier decides)."""
    talk_ids = {talk.id for talk in data.talks}
    kept = [a for a in baseline.assignments if a.talk in talk_ids]
    kept_ids = {a.talk for a in kept}
    result: dict[str, list[Violation]] = {}
    for violation in verify(data, kept):
        for talk_id in violation.talks:
            if talk_id in kept_ids:  # a talk that is 'not scheduled' is a new one, placed anyway
                result.setdefault(talk_id, []).append(violation)
    return result


def disruption_cost(baseline: Schedule, schedule: Schedule, costs: DisruptionCosts) -> float:
    """The disruption of `schedule` against `baseline`: the move costs of the talks both hold, in cost units."""
    talks = {talk.id: talk for talk in schedule.data.talks}
    total = 0
    for old in baseline.assignments:
        new = schedule.assignment(old.talk)
        if new is not None and old.talk in talks:
            total += move_cost(schedule.data, talks[old.talk], old, new, costs)
    return total / 10


def _block_index(problem: Problem, start: int) -> int | None:
    position = bisect.bisect_right([block.start for block in problem.blocks], start) - 1
    if position >= 0 and start < problem.blocks[position].end:
        return position
    return None


def _neighbourhoods(
    problem: Problem, published: dict[int, tuple[int, int | None]], changed: set[int]
) -> list[tuple[str, frozenset[int]]]:
    """The freed talk sets to try, each larger than the last: the changed talks, their blocks, their days, all."""
    block_of = {t: _block_index(problem, start) for t, (start, _) in published.items()}
    blocks: set[int] = set()
    for talk in changed:
        if block_of.get(talk) is not None:
            blocks.add(block_of[talk])
        # a talk that can only go to one or two blocks (a pin) makes room there
        candidates = {_block_index(problem, start) for start in problem.starts[talk]}
        if len(candidates) <= 2:
            blocks |= {block for block in candidates if block is not None}
    days = {problem.blocks[block].day for block in blocks}
    levels = [
        ("changed talks", frozenset(changed)),
        ("same block", frozenset(changed | {t for t, b in block_of.items() if b in blocks})),
        (
            "same day",
            frozenset(changed | {t for t, b in block_of.items() if b is not None and problem.blocks[b].day in days}),
        ),
        (EVERYTHING, frozenset(range(len(problem.talks)))),
    ]
    result: list[tuple[str, frozenset[int]]] = []
    for name, freed in levels:
        if not result or len(freed) > len(result[-1][1]):
            result.append((EVERYTHING if len(freed) == len(problem.talks) else name, freed))
    return result


def _disruption_model(
    problem: Problem,
    published: dict[int, tuple[int, int | None]],
    freed: frozenset[int],
    costs: DisruptionCosts,
    weights: dict,
) -> tuple[TimeModel, cp_model.LinearExprT]:
    """The exact times-and-rooms model with every talk outside `freed` fixed at its published start and room.

    Returns the model and its disruption expression (tenths of cost units); without soft-rule weights (only
    'hard' ones) the disruption is minimised, with weights the soft rules are.
    """
    starts = [problem.starts[t] if t in freed else [published[t][0]] for t in range(len(problem.talks))]
    rooms = [problem.rooms[t] if t in freed else [published[t][1]] for t in range(len(problem.talks))]
    # the soft rules read the talks' possible starts from the problem: fixed talks then add no literals
    restricted = dataclasses.replace(problem, starts=starts, rooms=rooms)
    built = build_model(restricted, with_rooms=True, weights=weights)
    terms = []
    for talk in sorted(freed):
        if talk in published:
            terms.extend(_move_terms(built, restricted, talk, published[talk], tenths(problem.talks[talk], costs)))
    disruption = sum(terms) if terms else 0
    if built.objective is None or not built.objective.terms:
        built.model.minimize(disruption)
    return built, disruption


def _move_terms(
    built: TimeModel, problem: Problem, talk: int, placed: tuple[int, int | None], coefficient: dict[str, int]
) -> list:
    """The cost of moving one talk: the time move's class (start, block, day) plus another room."""
    start, room = placed
    model, var, domain = built.model, built.start_vars[talk], problem.starts[talk]
    block = _block_index(problem, start)
    block_span = (problem.blocks[block].start, problem.blocks[block].end) if block is not None else (start, start)
    day = start // MINUTES_PER_DAY
    same_start = _member(model, var, domain, lambda s: s == start)
    same_block = _member(model, var, domain, lambda s: block_span[0] <= s < block_span[1])
    same_day = _member(model, var, domain, lambda s: s // MINUTES_PER_DAY == day)
    same_room = dict(built.room_choices[talk]).get(room, 0)
    return [
        coefficient[START] * (1 - same_start),
        (coefficient[BLOCK] - coefficient[START]) * (1 - same_block),
        (coefficient[DAY] - coefficient[BLOCK]) * (1 - same_day),
        coefficient[ROOM] * (1 - same_room),
    ]


def _member(model: cp_model.CpModel, var: cp_model.IntVar, domain: list[int], inside: Callable[[int], bool]):
    """A literal that is true exactly when `var` takes a value of `domain` for which `inside` holds (or a constant)."""
    chosen = [value for value in domain if inside(value)]
    if not chosen:
        return 0
    if len(chosen) == len(domain):
        return 1
    others = [value for value in domain if not inside(value)]
    literal = model.new_bool_var("")
    model.add_linear_expression_in_domain(var, cp_model.Domain.from_values(chosen)).only_enforce_if(literal)
    model.add_linear_expression_in_domain(var, cp_model.Domain.from_values(others)).only_enforce_if(literal.Not())
    return literal


def _lower_bound(
    problem: Problem, published: dict[int, tuple[int, int | None]], alone: set[int], costs: DisruptionCosts
) -> int:
    """No schedule's disruption is below this (tenths): each talk whose own placement is now impossible must move,
    at least the cheapest way it can on its own."""
    total = 0
    for talk in alone:
        if talk not in published:
            continue
        start0, room0 = published[talk]
        coefficient = tenths(problem.talks[talk], costs)
        block0 = _block_index(problem, start0)
        cheapest = None
        for start in problem.starts[talk]:
            if start == start0:
                time_cost = 0
            elif _block_index(problem, start) == block0:
                time_cost = coefficient[START]
            elif start // MINUTES_PER_DAY == start0 // MINUTES_PER_DAY:
                time_cost = coefficient[BLOCK]
            else:
                time_cost = coefficient[DAY]
            for room in problem.rooms[talk]:
                if (start, room) == (start0, room0) or not problem.room_free(
                    room, start, start + problem.duration(talk)
                ):
                    continue
                cost = time_cost + (coefficient[ROOM] if room != room0 else 0)
                cheapest = cost if cheapest is None else min(cheapest, cost)
        total += cheapest or 0
    return total


def _hint(built: TimeModel, starts: dict[int, int], rooms: dict[int, int]) -> None:
    for talk, var in built.start_vars.items():
        built.model.add_hint(var, starts[talk])
    for talk, options in (built.room_choices or {}).items():
        for room, literal in options:
            built.model.add_hint(literal, room == rooms[talk])


def _schedule(
    problem: Problem,
    baseline: Schedule,
    starts: dict[int, int],
    rooms: dict[int, int],
    built: TimeModel,
    seed: int,
    workers: int,
    started: float,
) -> Schedule:
    """The new schedule, verified; a talk that moved gets its calendar SEQUENCE bumped."""
    data = problem.data
    before = {a.talk: a for a in baseline.assignments}
    assignments = []
    for index, talk in enumerate(problem.talks):
        day, minute = divmod(starts[index], MINUTES_PER_DAY)
        placed = Assignment(
            talk=talk.id,
            day=data.conference.days[day].date,
            start=format_clock(minute),
            end=format_clock(minute + talk.duration),
            room=data.rooms[rooms[index]].name,
        )
        old = before.get(talk.id)
        if old is not None:
            moved = (old.day, old.start, old.end, old.room) != (placed.day, placed.start, placed.end, placed.room)
            placed = placed.model_copy(update={"sequence": old.sequence + (1 if moved else 0)})
        assignments.append(placed)
    violations = verify(data, assignments)
    if violations:
        raise ConfschedError(
            f"internal error: the what-if returned a timetable that breaks a hard rule ({violations[0]}); "
            "please report this with your data, schedule and change files"
        )
    proto = built.model.proto
    stats = SolveStats(
        status="feasible",
        variables=len(proto.variables),
        constraints=len(proto.constraints),
        solve_seconds=time.perf_counter() - started,
        room_stage="coupled (what-if)",
        seed=seed,
        workers=workers,
    )
    stats.quality = score(data, assignments)
    stats.penalty = sum(rule.penalty for rule in stats.quality)
    return Schedule(data, assignments, stats)
