"""Phase 1: the hard rules' model, and any timetable that keeps every hard rule."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..model import TimeModel, build_model
from ..schedule import SolveStats
from .context import ModelSize, SolveContext, Timetable, keeps_every_hard_rule, raise_if_unsolved
from .warmstart import track_first_timetable

FIRST_SEARCH_LEAST = 1.0  # seconds the first timetable's search gets at least (or the whole limit if shorter)


@dataclass(frozen=True)
class Compiled:
    """Phase 1's model: every hard rule, and the soft rules the data file makes hard; nothing to optimise."""

    model: TimeModel
    hints: list[tuple[Any, int]]  # the track-first layout on large programmes
    laid_out: dict[int, int]  # that layout's starts (some talks may be missing)
    laid_rooms: dict[int, int]  # and its rooms
    workers: int  # one when hinted
    build_seconds: float  # since the solve started: the problem and this model

    def record(self, stats: SolveStats) -> None:
        stats.build_seconds = self.build_seconds
        ModelSize.of(self.model.model).record(stats)


@dataclass(frozen=True)
class FirstTimetable:
    """Phase 1's starts, when CP-SAT found them, and the layout's rooms of the talks whose laid-out start it kept
    (the room stage's first choice: the layout holds each track's sessions in one room)."""

    starts: dict[int, int]
    seconds: float | None
    rooms: dict[int, int] = field(default_factory=dict)

    def record(self, stats: SolveStats) -> None:
        stats.first_feasible_seconds = self.seconds
        stats.time_stage_optimal = True  # nothing to improve yet: until a later phase says otherwise


def compile_model(context: SolveContext) -> Compiled:
    """The hard rules' model; on large programmes hinted with the track-first layout."""
    problem = context.problem
    context.say(f"building the model for {len(context.data.talks)} talks, {len(context.data.rooms)} rooms")
    # soft rules made hard in the data file are constraints from the start; the others wait for phase 2
    built = build_model(problem, weights=context.hard_only)
    hints: list[tuple[Any, int]] = []
    laid_out: dict[int, int] = {}
    laid_rooms: dict[int, int] = {}
    workers = context.workers
    if len(problem.talks) > context.params.neighbourhood_talks and not context.fits_one_model:
        # the first timetable decides much of the final one on large programmes: lay tracks out as sessions
        laid_out, laid_rooms = track_first_timetable(problem)
        hints = [(built.start_vars[talk], start) for talk, start in laid_out.items()]
        # one worker follows the hint (and is faster with it than two without)
        workers = 1
    return Compiled(built, hints, laid_out, laid_rooms, workers, context.budget.elapsed())


def first_timetable(context: SolveContext, compiled: Compiled) -> FirstTimetable:
    """Any timetable that keeps every hard rule (fast: no soft-rule constraints to get in the way)."""
    context.say("searching for a conflict-free timetable")
    if keeps_every_hard_rule(context, Timetable(compiled.laid_out, compiled.laid_rooms, room_stage="first")):
        # a layout that places every talk and keeps every hard rule is already a timetable: no search needed
        return FirstTimetable(dict(compiled.laid_out), context.budget.elapsed(), dict(compiled.laid_rooms))
    # start-up and loading come off the limit too (TimeBudget.reserved); however long they took, the first timetable
    # still gets half the limit (at least a second, at most the limit), so that a short limit on a busy machine ends
    # with a timetable, not none
    limit = context.budget.limit
    seconds = context.budget.share(at_least=min(limit, max(FIRST_SEARCH_LEAST, limit / 2)))
    outcome = context.search(
        compiled.model.model, seconds, first_only=True, workers=compiled.workers, hints=compiled.hints
    )
    raise_if_unsolved(outcome, context.budget.limit)
    starts = compiled.model.starts(outcome.solver)
    kept = {talk: room for talk, room in compiled.laid_rooms.items() if starts[talk] == compiled.laid_out.get(talk)}
    return FirstTimetable(starts, outcome.first_solution, kept)
