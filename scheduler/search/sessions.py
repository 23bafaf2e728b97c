"""With sessions a hard rule: plan sessions first (scheduler.search.sessionplan), then minutes and rooms inside them."""

from __future__ import annotations

from dataclasses import dataclass

from ..checks.score import score
from ..model import build_model
from ..schedule import SolveStats
from .budget import TimeBudget
from .context import ModelSize, SolveContext, Timetable, assignments
from .sessionplan import Plan, build_plan, plan_of, within_plan


@dataclass(frozen=True)
class Planned:
    """A timetable from a session plan: the times-and-rooms objective inside the sessions, the plan model's size."""

    timetable: Timetable
    objective: float
    size: ModelSize
    improving: bool  # planned against the soft rules, not only the hard ones

    def record(self, stats: SolveStats) -> None:
        stats.time_objective = self.objective
        self.size.record(stats)  # the plan's model is the one that decided the timetable
        if self.improving:
            stats.improvement_ran = True


def plan_sessions(context: SolveContext, weights: dict, in_hand: Timetable | None = None) -> Planned | None:
    """The session plan's timetable, or None if it fails.

    With a timetable `in_hand` the plan starts from it and is kept only when it beats it.
    """
    plan_model = build_plan(context.problem, weights)
    if in_hand is not None:
        plan_model.hint(plan_of(context.problem, in_hand.starts, in_hand.rooms))
    budget = context.budget.leaving(context.bound_reserve)
    seconds = budget.share()
    inside_share = min(context.params.inside_share_max, context.params.inside_share * seconds)
    # a portfolio run cut short by the wall clock is not reproducible: --deterministic keeps the reproducible search
    # (interleaved workers, or one worker where interleaving is unsafe: scheduler.search.cpsat)
    portfolio = {"interleave_search": False} if context.params.plan_portfolio and not context.deterministic else {}
    outcome = context.search(plan_model.model, seconds - inside_share, **portfolio)
    if not outcome.found:
        return None
    timed = _time_inside(context, plan_model.plan(outcome.solver), weights, budget)
    if timed is None:
        return None
    timetable, objective = timed
    if in_hand is not None and _penalty(context, timetable) >= _penalty(context, in_hand):
        context.say("the session plan found nothing better than the timetable in hand")
        return None
    return Planned(timetable, objective, ModelSize.of(plan_model.model), improving=context.optimise)


def _time_inside(
    context: SolveContext, plan: Plan, weights: dict, budget: TimeBudget
) -> tuple[Timetable, float] | None:
    """Minutes and rooms with every talk held to its planned block and its track's rooms there; the rooms no
    session holds in a block are offered too when the talks do not fit without them."""
    context.say("timing the talks inside their sessions")
    for spare in (False, True):
        restricted = within_plan(context.problem, plan, spare)
        if restricted is None:
            continue
        inside = build_model(restricted, with_rooms=True, weights=weights)
        outcome = context.search(inside.model, budget.share())
        if outcome.found:
            objective = outcome.penalty if inside.objective and inside.objective.terms else 0.0
            starts, rooms = inside.starts(outcome.solver), inside.rooms(outcome.solver)
            return Timetable(starts, rooms, room_stage="session plan"), objective
    context.say("the talks did not fit into the planned sessions")
    return None


def _penalty(context: SolveContext, timetable: Timetable) -> float:
    return sum(rule.penalty for rule in score(context.data, assignments(context.problem, timetable)))
