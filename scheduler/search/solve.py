"""Solve: data -> problem -> CP-SAT model -> verified schedule."""

from __future__ import annotations

import time
from collections.abc import Callable

from ortools.sat.python import cp_model

from ..bound import lower_bound
from ..data import ConferenceData, format_clock
from ..errors import ConfschedError, NoScheduleError
from ..model import TimeModel, build_model
from ..objective import SOFT_RULES
from ..problem import MINUTES_PER_DAY, Problem, compile_problem
from ..quality import score
from ..rooms import assign_rooms
from ..schedule import Assignment, Schedule, SolveStats
from ..sessionplan import applies, build_plan, plan_of, within_plan
from ..verify import verify
from .cpsat import SolutionLog, run_cpsat, solver_parameters
from .neighbourhoods import improve_times
from .warmstart import track_first_timetable

Progress = Callable[[str], None]

# (talk, suitable room) pairs up to which times and rooms are optimised in one model
COUPLED_OPTIONS = 400
# above this many talks the times are improved one day at a time
DAY_BY_DAY_TALKS = 400
# from this size the whole time model rarely improves a timetable in a minute; free a few talks at a time instead
NEIGHBOURHOOD_TALKS = 100


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
) -> Schedule:
    """Find a timetable that satisfies every hard rule, or raise :class:`NoScheduleError` saying why not.

    With `optimise` (the default) the timetable is then improved against the soft rules for the rest of the time.
    Once `stop()` is true (Ctrl-C, see scheduler.interrupt) the time limit counts as reached: every later step gets
    no more time, and the best verified timetable in hand is returned.
    """
    started = time.perf_counter()
    say = progress or (lambda message: None)
    problem = compile_problem(data)
    raise_if_unplaceable(problem)

    say(f"building the model for {len(data.talks)} talks, {len(data.rooms)} rooms")
    # soft rules made hard in the data file are constraints from the start; the others wait for phase 2
    hard_only = {name: "hard" if data.weights.get(name) == "hard" else 0 for name in SOFT_RULES}
    built = build_model(problem, weights=hard_only)
    phase_one_workers = workers
    if len(problem.talks) > NEIGHBOURHOOD_TALKS and sum(len(rooms) for rooms in problem.rooms) > COUPLED_OPTIONS:
        # the first timetable decides much of the final one on large programmes: lay tracks out as sessions
        laid_out, _ = track_first_timetable(problem)
        for talk, start in laid_out.items():
            built.model.add_hint(built.start_vars[talk], start)
        # one worker follows the hint (and is faster with it than two without); CP-SAT 9.15 also aborts on a
        # hinted first-solution search with interleaved workers
        phase_one_workers = 1
    build_seconds = time.perf_counter() - started
    stats = SolveStats(status="feasible", seed=seed, workers=workers, build_seconds=build_seconds)
    _count(stats, built)

    def remaining() -> float:
        if stop is not None and stop():
            return 0.0
        return time_limit - (time.perf_counter() - started)

    # Phase 1: any timetable that keeps every hard rule (fast: no soft-rule constraints to get in the way).
    say("searching for a conflict-free timetable")
    solver, status, first = _run(built, seed, phase_one_workers, remaining(), started, say)
    _raise_if_unsolved(status, time_limit)
    stats.first_feasible_seconds = first
    starts = built.starts(solver)
    stats.time_stage_optimal = True

    # Small programmes: times and rooms in one model, so the optimum over every soft rule can be proven.
    if optimise and sum(len(rooms) for rooms in problem.rooms) <= COUPLED_OPTIONS:
        coupled = build_model(problem, with_rooms=True, weights=data.weights)
        for talk, var in coupled.start_vars.items():
            coupled.model.add_hint(var, starts[talk])
        say("optimising times and rooms together")
        stats.improvement_ran = True
        solver, status, _ = _run(coupled, seed, workers, remaining(), started, say, False, deterministic)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            _count(stats, coupled)
            stats.room_stage = "coupled"
            stats.time_objective = solver.objective_value / 10 if coupled.objective.terms else 0.0
            stats.time_bound = solver.best_objective_bound / 10 if coupled.objective.terms else 0.0
            stats.time_stage_optimal = status == cp_model.OPTIMAL
            stats.bound = stats.time_bound
            schedule = _finish(data, problem, coupled.starts(solver), coupled.rooms(solver), stats, started, True)
            _settle_bound(problem, data, stats, seed, started, remaining, time_limit, say)
            return schedule

    # Rooms for phase 1's times: from here on a complete, valid timetable is always in hand.
    def room_parameters() -> dict:
        # room sub-problems are small: one worker keeps them deterministic and cheap
        return solver_parameters(seed, 1, min(remaining(), 20.0), first_only=False, deterministic=deterministic)

    say("assigning rooms block by block")
    sessions = applies(problem, data.weights)
    placed = assign_rooms(problem, starts, room_parameters, hard=hard_only)
    planned = None
    if placed is None and sessions:
        # rooms cannot follow phase 1's times; with sessions hard, planning them is far smaller than the one model
        say("rooms could not follow those times; planning sessions instead")
        weights = data.weights if optimise else hard_only
        planned = _plan_sessions(
            problem, data, weights, None, seed, workers, remaining, time_limit, started, say, deterministic, stats
        )
    if planned is not None:
        starts, rooms, stats.time_objective = planned
        stats.room_stage = "session plan"
        stats.improvement_ran = optimise
        repaired = 0
    elif placed is not None:
        starts, rooms, repaired = placed
    else:
        starts, rooms, repaired = _rooms_or_coupled(
            problem, starts, room_parameters, stats, seed, workers, remaining, say, time_limit, hard_only
        )

    # Phase 2: improve the times against the soft rules, starting from phase 1's timetable.
    reserve = min(10.0, 0.2 * time_limit)  # the room stage's share of the time limit
    if optimise and sessions:
        if planned is None:
            say("planning sessions: a track for each room and block, a block for each talk")
            stats.improvement_ran = True
            planned = _plan_sessions(
                problem,
                data,
                data.weights,
                (starts, rooms),
                seed,
                workers,
                remaining,
                time_limit,
                started,
                say,
                deterministic,
                stats,
            )
            if planned is not None:
                starts, rooms, stats.time_objective = planned
                stats.room_stage = "session plan"
                repaired = 0
        stats.time_stage_optimal = False
        quality = None
    elif optimise and len(problem.talks) > DAY_BY_DAY_TALKS and len(data.conference.days) > 1:
        say("improving the timetable day by day")
        stats.improvement_ran = True
        improved_starts = _improve_day_by_day(
            problem, data, starts, seed, workers, lambda: remaining() - reserve, started, say, deterministic
        )
        if improved_starts != starts:
            say("assigning rooms to the improved timetable")
            improved = assign_rooms(problem, improved_starts, room_parameters, weights=data.weights)
            if improved is not None:
                starts, rooms, repaired = improved
                stats.room_stage += " (times improved day by day)"
                stats.improved_day_by_day = True
        stats.time_stage_optimal = False
        quality = None
    elif optimise and len(problem.talks) > NEIGHBOURHOOD_TALKS:
        say("improving the timetable neighbourhood by neighbourhood")
        stats.improvement_ran = True
        budget = max(0.1, remaining() - reserve - _bound_share(time_limit))
        improved_starts, cost, stats.neighbourhoods = improve_times(
            problem,
            data.weights,
            starts,
            lambda seconds: solver_parameters(seed, workers, seconds, first_only=False, deterministic=deterministic),
            lambda: remaining() - reserve - _bound_share(time_limit),
            say,
            seed,
            work_budget=budget if deterministic else None,
        )
        stats.time_stage_optimal = False
        quality = None
        if improved_starts != starts:
            say("assigning rooms to the improved timetable")
            improved = assign_rooms(problem, improved_starts, room_parameters, weights=data.weights)
            if improved is not None:
                starts, rooms, repaired = improved
                stats.time_objective = cost
    else:
        quality = build_model(problem, weights=data.weights) if optimise else None
    if quality is not None and quality.objective is not None and quality.objective.terms:
        for talk, var in quality.start_vars.items():
            quality.model.add_hint(var, starts[talk])
        _count(stats, quality)
        say("improving the timetable against the soft rules")
        stats.improvement_ran = True
        improver, status, _ = _run(
            quality, seed, workers, max(0.1, remaining() - reserve), started, say, False, deterministic
        )
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            say("assigning rooms to the improved timetable")
            improved = assign_rooms(problem, quality.starts(improver), room_parameters, weights=data.weights)
            if improved is not None:
                starts, rooms, repaired = improved
                stats.time_objective = improver.objective_value / 10
                stats.time_bound = improver.best_objective_bound / 10
                stats.time_stage_optimal = status == cp_model.OPTIMAL
            else:
                stats.room_stage += " (improved times found no rooms in time; first timetable kept)"
                stats.time_stage_optimal = False
        else:
            stats.time_stage_optimal = False
    if repaired:
        stats.room_stage += f" ({repaired} block{'s' if repaired > 1 else ''} re-timed)"

    schedule = _finish(data, problem, starts, rooms, stats, started)
    if optimise:
        _settle_bound(problem, data, stats, seed, started, remaining, time_limit, say)
    return schedule


def _plan_sessions(
    problem, data, weights, timetable, seed, workers, remaining, time_limit, started, say, deterministic, stats
):
    """Sessions first (scheduler.sessionplan), then minutes and rooms inside them; None if that fails.

    With a `timetable` (starts, rooms) in hand the plan starts from it and is kept only when it beats it. The stats
    count the plan model's size when it is kept.
    """
    plan_model = build_plan(problem, weights)
    if timetable is not None:
        plan_model.hint(plan_of(problem, *timetable))
    budget = max(0.1, remaining() - _bound_share(time_limit))
    # CP-SAT's parallel portfolio finds far better plans than its interleaved (deterministic) search: 53 against
    # 7,925 in 30 s on 556 talks; a run cut short by the wall clock is not reproducible anyway
    portfolio = {} if deterministic else {"interleave_search": False}
    inside_share = min(10.0, 0.25 * budget)  # the times inside the sessions: a small model, solved in seconds
    solver, status, _ = _run(
        plan_model, seed, workers, budget - inside_share, started, say, False, deterministic, **portfolio
    )
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    plan = plan_model.plan(solver)
    say("timing the talks inside their sessions")
    for spare in (False, True):
        restricted = within_plan(problem, plan, spare)
        if restricted is None:
            continue
        inside = build_model(restricted, with_rooms=True, weights=weights)
        budget = max(0.1, remaining() - _bound_share(time_limit))
        solver, status, _ = _run(inside, seed, workers, budget, started, say, False, deterministic)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            break
    else:
        say("the talks did not fit into the planned sessions")
        return None
    new_starts, new_rooms = inside.starts(solver), inside.rooms(solver)
    if timetable is not None:
        before = score(data, _assignments(problem, *timetable))
        after = score(data, _assignments(problem, new_starts, new_rooms))
        if sum(rule.penalty for rule in after) >= sum(rule.penalty for rule in before):
            say("the session plan found nothing better than the timetable in hand")
            return None
    _count(stats, plan_model)
    return new_starts, new_rooms, solver.objective_value / 10 if inside.objective and inside.objective.terms else 0.0


def _settle_bound(problem, data, stats: SolveStats, seed, started, remaining, time_limit, say) -> None:
    """The best proven lower bound on the whole penalty: the deciding model's own, or the grouped relaxations'."""
    if stats.status == "optimal":
        stats.bound = stats.penalty
        return
    say("bounding the penalty from below")
    grouped = lower_bound(problem, data.weights, max(0.5, min(_bound_share(time_limit), remaining())), seed)
    if stats.room_stage == "coupled" and stats.time_bound is not None:
        model_bound = stats.time_bound  # that model held every rule, rooms included
    elif stats.time_bound is not None:
        model_bound = stats.time_bound + grouped.parts.get("rooms", 0.0)
    else:
        model_bound = 0.0
    stats.bound = min(stats.penalty, max(grouped.value, model_bound))
    stats.solve_seconds = time.perf_counter() - started - stats.build_seconds


def _bound_share(time_limit: float) -> float:
    """Seconds kept for the lower bound at the end of an optimising solve."""
    return min(10.0, 0.1 * time_limit)


def raise_if_unplaceable(problem: Problem) -> None:
    """A talk with no possible start and room means no schedule exists; say which talk and why."""
    if problem.unplaceable:
        talk_index, reason = next(iter(problem.unplaceable.items()))
        talk = problem.talks[talk_index]
        more = len(problem.unplaceable) - 1
        tail = f" ({more} more talk{'s' if more != 1 else ''} cannot be placed either)" if more else ""
        raise NoScheduleError(f"no schedule exists: talk '{talk.id}' cannot be placed: {reason}{tail}", proven=True)


def _finish(
    data: ConferenceData,
    problem: Problem,
    starts: dict[int, int],
    rooms: dict[int, int],
    stats: SolveStats,
    started: float,
    coupled: bool = False,
) -> Schedule:
    """Verify the timetable independently, score it, and settle the status."""
    stats.solve_seconds = time.perf_counter() - started - stats.build_seconds
    schedule = Schedule(data, _assignments(problem, starts, rooms), stats)
    violations = verify(data, schedule.assignments)
    if violations:
        raise ConfschedError(
            f"internal error: the solver returned a timetable that breaks a hard rule ({violations[0]}); "
            "please report this with your data file"
        )
    stats.quality = score(data, schedule.assignments)
    stats.penalty = sum(rule.penalty for rule in stats.quality)
    if coupled:
        # one model held every rule: its optimum is the optimum
        stats.status = "optimal" if stats.time_stage_optimal else "feasible"
    else:
        room_penalty = sum(rule.penalty for rule in stats.quality if SOFT_RULES[rule.rule].stage == "room")
        stats.status = "optimal" if stats.time_stage_optimal and room_penalty == 0 else "feasible"
    return schedule


def _improve_day_by_day(problem, data, starts, seed, workers, budget_left, started, say, deterministic):
    """Improve each day's times on its own, every talk staying on its day.

    Talks on different days never overlap, so every rule between two talks is decided within one day; the rules
    about days (a speaker's or a track's days, preferred days) do not change when talks keep their day. One model
    per day is a fraction of the whole model's size, which is what lets large conferences improve at all.
    """
    starts = dict(starts)
    by_day: dict[int, list[int]] = {}
    for talk, start in starts.items():
        by_day.setdefault(start // MINUTES_PER_DAY, []).append(talk)
    days = sorted(by_day)
    for position, day in enumerate(days):
        talks = by_day[day]
        same_day = {talk: [s for s in problem.starts[talk] if s // MINUTES_PER_DAY == day] for talk in talks}
        model = build_model(problem, talks=talks, starts=same_day, weights=data.weights)
        if model.objective is None or not model.objective.terms:
            continue
        for talk, var in model.start_vars.items():
            model.model.add_hint(var, starts[talk])
        share = max(0.1, budget_left() / (len(days) - position))
        say(f"improving day {position + 1} of {len(days)}")
        solver, status, _ = _run(model, seed, workers, share, started, say, False, deterministic)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            starts.update(model.starts(solver))
    return starts


def _rooms_or_coupled(problem, starts, room_parameters, stats, seed, workers, remaining, say, time_limit, hard):
    """Rooms block by block for fixed times; when a block cannot be done, times and rooms together (exact)."""
    placed = assign_rooms(problem, starts, room_parameters, hard=hard)
    if placed is not None:
        return placed
    say("rooms could not follow those times; solving times and rooms together")
    coupled = build_model(problem, with_rooms=True, weights=hard)
    for talk, var in coupled.start_vars.items():
        coupled.model.add_hint(var, starts[talk])
    _count(stats, coupled)
    stats.room_stage = "coupled"
    solver, status, _ = _run(coupled, seed, workers, remaining(), time.perf_counter(), say)
    _raise_if_unsolved(status, time_limit)
    return coupled.starts(solver), coupled.rooms(solver), 0


def _run(
    built: TimeModel,
    seed: int,
    workers: int,
    time_limit: float,
    started: float,
    say: Progress,
    first_only: bool = True,
    deterministic: bool = False,
    **overrides,
):
    parameters = solver_parameters(seed, workers, time_limit, first_only, deterministic) | overrides
    outcome = run_cpsat(built.model, parameters, log=SolutionLog(started, say, optimising=not first_only))
    return outcome.solver, outcome.status, outcome.first_solution


def _raise_if_unsolved(status: int, time_limit: float) -> None:
    if status == cp_model.INFEASIBLE:
        raise NoScheduleError(
            "no schedule exists: the hard rules contradict each other (proven by CP-SAT)", proven=True
        )
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise NoScheduleError(
            f"no schedule found within the time limit of {time_limit:g} s; try a longer --time-limit", proven=False
        )


def _count(stats: SolveStats, built: TimeModel) -> None:
    proto = built.model.proto
    stats.variables = len(proto.variables)
    stats.constraints = len(proto.constraints)


def _assignments(problem: Problem, starts: dict[int, int], rooms: dict[int, int]) -> list[Assignment]:
    days = problem.data.conference.days
    result = []
    for index, talk in enumerate(problem.talks):
        start, room = starts[index], rooms[index]
        day, minute = divmod(start, MINUTES_PER_DAY)
        result.append(
            Assignment(
                talk=talk.id,
                day=days[day].date,
                start=format_clock(minute),
                end=format_clock(minute + talk.duration),
                room=problem.data.rooms[room].name,
            )
        )
    return result
