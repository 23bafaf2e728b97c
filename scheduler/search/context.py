"""What the phases of one solve share: the data and its problem, the settings, the clock, the progress log; and the
timetable they hand on to each other."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from ortools.sat.python import cp_model

from ..checks.counting import raise_if_short
from ..checks.score import score
from ..checks.verify import verify
from ..data import ConferenceData, format_clock
from ..errors import NoScheduleError
from ..model import TimeModel
from ..problem import MINUTES_PER_DAY, Problem, compile_problem
from ..rules.base import Weights
from ..schedule import Assignment, SolveStats
from .budget import TimeBudget
from .cpsat import INTERLEAVE_UNSAFE_NOTE, Outcome, SolutionLog, reproducible_workers, run_cpsat, solver_parameters
from .params import SolveParams
from .room_stage import assign_rooms
from .sessionplan import applies

Progress = Callable[[str], None]
Placement = tuple[dict[int, int], dict[int, int], int]  # what scheduler.search.room_stage.assign_rooms returns


def quiet(message: str) -> None:
    """The progress log when nobody listens."""


class Step(Protocol):
    """A phase's result: it fills in its part of the stats."""

    def record(self, stats: SolveStats) -> None: ...


@dataclass(frozen=True)
class ModelSize:
    """The size of a model, as the summary line reports it."""

    variables: int
    constraints: int

    @classmethod
    def of(cls, model: cp_model.CpModel) -> ModelSize:
        proto = model.proto
        return cls(len(proto.variables), len(proto.constraints))

    def record(self, stats: SolveStats) -> None:
        stats.variables = self.variables
        stats.constraints = self.constraints


@dataclass(frozen=True)
class Timetable:
    """A start and a room for every talk (problem indices), and how the rooms came about, as the summary says it."""

    starts: dict[int, int]
    rooms: dict[int, int]
    room_stage: str = "decomposed"
    retimed: int = 0  # blocks the room stage re-timed to fit the rooms

    @classmethod
    def from_placement(cls, placed: Placement, room_stage: str = "decomposed") -> Timetable:
        """The timetable scheduler.search.room_stage.assign_rooms returned."""
        starts, rooms, retimed = placed
        return cls(starts, rooms, room_stage, retimed)

    def with_rooms(self, placed: Placement, note: str = "") -> Timetable:
        """The timetable `assign_rooms` returned for new times, its room stage this one's with `note` added."""
        return Timetable.from_placement(placed, self.room_stage + note)

    def noted(self, note: str) -> Timetable:
        return dataclasses.replace(self, room_stage=self.room_stage + note)

    @property
    def room_summary(self) -> str:
        """The room stage as the summary line says it, with the blocks re-timed."""
        if not self.retimed:
            return self.room_stage
        return f"{self.room_stage} ({self.retimed} block{'s' if self.retimed > 1 else ''} re-timed)"


@dataclass(frozen=True)
class SolveContext:
    """The inputs every phase of one solve reads."""

    data: ConferenceData
    problem: Problem
    budget: TimeBudget
    params: SolveParams = field(default_factory=SolveParams)
    seed: int = 0
    workers: int = 2
    optimise: bool = True
    deterministic: bool = False
    say: Progress = quiet
    workers_note: str = ""  # why fewer workers than asked for run (SolveStats.workers_note)

    @classmethod
    def create(
        cls,
        data: ConferenceData,
        budget: TimeBudget,
        *,
        params: SolveParams | None = None,
        seed: int = 0,
        workers: int = 2,
        optimise: bool = True,
        deterministic: bool = False,
        progress: Progress | None = None,
    ) -> SolveContext:
        """Compile the data into a problem; raise :class:`NoScheduleError` if some talk has nowhere to go, or the talks
        need more minutes than they can get (scheduler.checks.counting).

        With `deterministic` the solve may run fewer workers than asked for (scheduler.search.cpsat).
        """
        problem = compile_problem(data)
        raise_if_unplaceable(problem)
        raise_if_short(data, problem)  # minutes counted before any search
        running = reproducible_workers(workers, deterministic)
        note = INTERLEAVE_UNSAFE_NOTE if running < workers else ""
        return cls(
            data,
            problem,
            budget,
            params or SolveParams(),
            seed,
            running,
            optimise,
            deterministic,
            progress or quiet,
            note,
        )

    @property
    def hard_only(self) -> Weights:
        """The weights with only the soft rules the data file makes hard: constraints from the start."""
        return Weights.of(self.data.weights).hard_only()

    @property
    def fits_one_model(self) -> bool:
        """Whether times and rooms are optimised in one model: few enough (talk, suitable room) pairs."""
        return sum(len(rooms) for rooms in self.problem.rooms) <= self.params.coupled_options

    @property
    def sessions_hard(self) -> bool:
        """Whether sessions are a hard rule, so that planning them first loses no timetable worth having."""
        return applies(self.problem, self.data.weights)

    @property
    def room_reserve(self) -> float:
        """Seconds kept back from improving the times, for the rooms of the improved times."""
        return self.budget.part_of_limit(self.params.room_share, at_most=self.params.room_share_max)

    @property
    def together_reserve(self) -> float:
        """Seconds kept back from the earlier phases for improving times and rooms together (none above
        `together_talks` talks, with sessions a hard rule, or without optimising)."""
        params = self.params
        too_big = len(self.problem.talks) > params.together_talks
        if not (self.optimise and params.together) or self.sessions_hard or too_big:
            return 0.0
        return self.budget.part_of_limit(params.together_share, at_most=float("inf"))

    @property
    def bound_reserve(self) -> float:
        """Seconds kept for the lower bound at the end of an optimising solve."""
        return self.budget.part_of_limit(self.params.bound_share, at_most=self.params.bound_share_max)

    def parameters(self, seconds: float, *, first_only: bool = False, workers: int | None = None) -> dict:
        """CP-SAT settings for one search of this solve (its seed, workers and --deterministic)."""
        workers = self.workers if workers is None else workers
        return solver_parameters(self.seed, workers, seconds, first_only=first_only, deterministic=self.deterministic)

    def search(
        self,
        model: cp_model.CpModel,
        seconds: float,
        *,
        first_only: bool = False,
        workers: int | None = None,
        hints: list[tuple[Any, int]] | None = None,
        since: float | None = None,
        **overrides: Any,
    ) -> Outcome:
        """One CP-SAT search, its progress reported (times counted from `since`, by default the solve's start)."""
        parameters = self.parameters(seconds, first_only=first_only, workers=workers) | overrides
        started = self.budget.started if since is None else since
        log = SolutionLog(started, self.say, optimising=not first_only)
        return run_cpsat(model, parameters, hints=hints or [], log=log)

    def room_parameters(self, among: int = 1, *, keep_reserves: bool = True) -> dict:
        """Settings for one room sub-problem (one of `among` still to solve): small, so one worker keeps it
        deterministic and cheap."""
        # never the time kept for the bound and for improving times and rooms together, which revisits rooms anyway
        # (unless the first complete timetable needs it: `keep_reserves` False)
        reserves = self.together_reserve + self.bound_reserve if keep_reserves else 0.0
        seconds = self.budget.leaving(reserves).share(at_most=self.params.room_seconds, among=among)
        return solver_parameters(self.seed, 1, seconds, first_only=False, deterministic=self.deterministic)

    def rooms_for(
        self,
        starts: dict[int, int],
        *,
        weights: dict | None = None,
        hard: dict | None = None,
        keep_reserves: bool = True,
        suggested: dict[int, int] | None = None,
    ) -> Placement | None:
        """Rooms block by block for these times (room_stage.assign_rooms); None if some block cannot be done.
        Without `keep_reserves` the blocks may use the time kept for later phases; `suggested` rooms (talk ->
        room) are tried first."""

        def parameters(among: int = 1) -> dict:
            return self.room_parameters(among, keep_reserves=keep_reserves)

        return assign_rooms(self.problem, starts, parameters, weights=weights, hard=hard, suggested=suggested)


def start_hints(built: TimeModel, starts: dict[int, int], only: set[int] | None = None) -> list[tuple[Any, int]]:
    """Hints that start the search of `built` from these starts (and its start literals, if it has them), of every
    talk or only those in `only`."""
    hints = [(var, starts[talk]) for talk, var in built.start_vars.items() if only is None or talk in only]
    if built.slots is not None:
        hints += [
            (literal, int(start == starts[talk]))
            for talk, literals in built.slots.at.items()
            if only is None or talk in only
            for start, literal in literals.items()
        ]
    return hints


def raise_if_unplaceable(problem: Problem) -> None:
    """A talk with no possible start and room means no schedule exists; say which talk and why."""
    if problem.unplaceable:
        talk_index, reason = next(iter(problem.unplaceable.items()))
        talk = problem.talks[talk_index]
        more = len(problem.unplaceable) - 1
        tail = f" ({more} more talk{'s' if more != 1 else ''} cannot be placed either)" if more else ""
        raise NoScheduleError(f"no schedule exists: talk '{talk.id}' cannot be placed: {reason}{tail}", proven=True)


def raise_if_unsolved(outcome: Outcome, time_limit: float) -> None:
    """A search that must find a timetable found none: proven impossible, or out of time."""
    if outcome.status == cp_model.INFEASIBLE:
        raise NoScheduleError(
            "no schedule exists: the hard rules contradict each other (proven by CP-SAT)", proven=True
        )
    if not outcome.found:
        raise NoScheduleError(
            f"no schedule found within the time limit of {time_limit:g} s; try a longer --time-limit", proven=False
        )


def assignments(problem: Problem, timetable: Timetable) -> list[Assignment]:
    """The timetable as the schedule's assignments (day, clock times, room names); a talk it does not place (a
    greedy's layout may strand some) is left out."""
    days = problem.data.conference.days
    result = []
    for index, talk in enumerate(problem.talks):
        if index not in timetable.starts:
            continue
        start, room = timetable.starts[index], timetable.rooms[index]
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


def keeps_every_hard_rule(context: SolveContext, timetable: Timetable) -> bool:
    """Whether the timetable places every talk and keeps every hard rule, the rules the data file makes hard included
    (the independent checker and the scorer, as for every timetable kept)."""
    return penalty_if_every_hard_rule_kept(context, timetable) is not None


def penalty_if_every_hard_rule_kept(context: SolveContext, timetable: Timetable) -> float | None:
    """The timetable's independent penalty if it places every talk and keeps every hard rule, the rules the data file
    makes hard included; None otherwise. One check and one score for both answers."""
    if len(timetable.starts) != len(context.problem.talks):
        return None
    placed = assignments(context.problem, timetable)
    if verify(context.data, placed):
        return None
    weights = Weights.of(context.data.weights)
    quality = score(context.data, placed)
    if any(rule.violations for rule in quality if weights.is_hard(rule.rule)):
        return None
    return sum(rule.penalty for rule in quality)
