"""The last phases: the stats from every phase's result, the independent check and score, the lower bound."""

from __future__ import annotations

from dataclasses import dataclass

from ..checks.score import score
from ..checks.verify import verify
from ..errors import ConfschedError
from ..rules import RULES
from ..schedule import Assignment, Schedule, SolveStats
from .bound import Bound, lower_bound
from .context import SolveContext, Step, Timetable, assignments


@dataclass(frozen=True)
class Verified:
    """The final timetable, accepted by the independent verifier, scored rule by rule, its status settled."""

    assignments: list[Assignment]
    quality: list
    penalty: float
    optimal: bool
    solve_seconds: float

    def record(self, stats: SolveStats) -> None:
        stats.solve_seconds = self.solve_seconds
        stats.quality = self.quality
        stats.penalty = self.penalty
        stats.status = "optimal" if self.optimal else "feasible"


@dataclass(frozen=True)
class PenaltyBound:
    """The best proven lower bound on the whole penalty; `solve_seconds` again when bounding took time."""

    value: float
    solve_seconds: float | None = None

    def record(self, stats: SolveStats) -> None:
        stats.bound = self.value
        if self.solve_seconds is not None:
            stats.solve_seconds = self.solve_seconds


def finish(
    context: SolveContext,
    timetable: Timetable,
    steps: list[Step],
    *,
    one_model: bool = False,
    grouped: Bound | None = None,
) -> Schedule:
    """The schedule: stats from the phases' results, the timetable verified and scored, the penalty bounded
    (`grouped`: the relaxations' bound, if already computed)."""
    stats = SolveStats(status="feasible", seed=context.seed, workers=context.workers, workers_note=context.workers_note)
    for step in steps:
        step.record(stats)
    stats.room_stage = timetable.room_summary
    stats.found_by = stats.found_by or found_by(stats)
    verified = verify_timetable(context, timetable, stats, one_model=one_model)
    verified.record(stats)
    if context.optimise:
        bound_penalty(context, stats, grouped).record(stats)
    return Schedule(context.data, verified.assignments, stats)


def found_by(stats: SolveStats) -> str:
    """The phase that found the final timetable, in words (when the search of times and rooms together did not)."""
    if stats.room_stage.startswith("coupled") and stats.time_objective is not None:
        return "the one model of times and rooms"
    if stats.room_stage.startswith("session plan"):
        return "the session plan"
    if stats.neighbourhoods:
        return "time-stage neighbourhoods, then rooms block by block"
    if stats.improved_day_by_day:
        return "the time stage day by day, then rooms block by block"
    if stats.time_objective is not None:
        return "the time model, then rooms block by block"
    return "the first timetable"


def verify_timetable(context: SolveContext, timetable: Timetable, stats: SolveStats, *, one_model: bool) -> Verified:
    """Check the timetable independently of the models, score it, and settle the status.

    Optimal when one model held every rule and proved its optimum (`one_model`), or when the time stage was proven
    optimal and the room-stage rules cost nothing.
    """
    solve_seconds = context.budget.elapsed() - stats.build_seconds
    checked = Schedule(context.data, assignments(context.problem, timetable)).assignments
    violations = verify(context.data, checked)
    if violations:
        raise ConfschedError(
            f"internal error: the solver returned a timetable that breaks a hard rule ({violations[0]}); "
            "please report this with your data file"
        )
    quality = score(context.data, checked)
    penalty = sum(rule.penalty for rule in quality)
    room_penalty = sum(rule.penalty for rule in quality if RULES[rule.rule].decided_by == "rooms")
    optimal = stats.time_stage_optimal and (one_model or room_penalty == 0)
    return Verified(checked, quality, penalty, optimal, solve_seconds)


def bound_penalty(context: SolveContext, stats: SolveStats, grouped: Bound | None = None) -> PenaltyBound:
    """The deciding model's own bound, or the relaxations' (scheduler.search.bound), whichever is higher."""
    if stats.status == "optimal":
        return PenaltyBound(stats.penalty)
    if grouped is None:
        grouped = relaxation_bound(context)
    value = min(stats.penalty, max(grouped.value, model_bound(stats, grouped)))
    return PenaltyBound(value, context.budget.elapsed() - stats.build_seconds)


def relaxation_bound(context: SolveContext, *, whole_model: bool = True) -> Bound:
    """The relaxations' lower bound (scheduler.search.bound) within the time kept for it; with `whole_model`, on a
    programme that fits one model, also that model's core-based bound."""
    context.say("bounding the penalty from below")
    params = context.params
    seconds = context.budget.share(at_most=context.bound_reserve, at_least=params.bound_min_seconds)
    return lower_bound(
        context.problem, context.data.weights, seconds, context.seed, whole_model=whole_model and context.fits_one_model
    )


def model_bound(stats: SolveStats, grouped: Bound) -> float:
    """The bound of the model that decided the times, on the whole penalty (0 if there is none)."""
    if stats.room_stage == "coupled" and stats.time_bound is not None:
        return stats.time_bound  # that model held every rule, rooms included
    if stats.time_bound is not None:
        return stats.time_bound + grouped.parts.get("rooms", 0.0)
    return 0.0
