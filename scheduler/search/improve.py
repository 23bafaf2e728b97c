"""Phase 2: improve the times against the soft rules, starting from the complete timetable in hand.

How depends on the programme (scheduler.search.params.SolveParams has the thresholds): with sessions a hard rule, a
session plan; above `day_by_day_talks` talks, one day at a time (or nothing, where rooms decide much of the penalty:
the search of times and rooms together then gets the time); above `neighbourhood_talks`, a few freed talks at a time;
otherwise the whole time model. Improved times are kept only when rooms are found for them, so a valid
timetable stays in hand throughout; one day or a few talks at a time, only when they then score lower, too.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ..checks.score import RuleScore, score
from ..model import build_model
from ..problem import MINUTES_PER_DAY
from ..rules import RULES
from ..schedule import SolveStats
from .context import (
    ModelSize,
    SolveContext,
    Timetable,
    assignments,
    keeps_every_hard_rule,
    penalty_if_every_hard_rule_kept,
    start_hints,
)
from .daybyday import improve_day_by_day
from .neighbourhoods import improve_times
from .placement import Placed
from .sessions import Planned, plan_sessions
from .swaps import deterministic_reserve, will_swap


@dataclass(frozen=True)
class Improved:
    """Phase 2's timetable and what it says about the time stage (None: nothing new to say)."""

    timetable: Timetable
    ran: bool = False
    time_objective: float | None = None
    time_bound: float | None = None
    time_stage_optimal: bool | None = None
    size: ModelSize | None = None  # the whole time model's, when that was the one searched
    planned: Planned | None = None
    day_by_day: bool = False
    neighbourhoods: int = 0
    skipped: str = ""  # why the times were not improved here, in words

    def record(self, stats: SolveStats) -> None:
        if self.ran:
            stats.improvement_ran = True
        if self.size is not None:
            self.size.record(stats)
        if self.planned is not None:
            self.planned.record(stats)
        if self.time_objective is not None:
            stats.time_objective = self.time_objective
        if self.time_bound is not None:
            stats.time_bound = self.time_bound
        if self.time_stage_optimal is not None:
            stats.time_stage_optimal = self.time_stage_optimal
        if self.day_by_day:
            stats.improved_day_by_day = True
        if self.skipped:
            stats.time_stage_skipped = self.skipped
        if self.neighbourhoods:
            stats.neighbourhoods = self.neighbourhoods


def improve(context: SolveContext, placed: Placed) -> Improved:
    """Better times for the timetable in hand, by the method that suits the programme."""
    talks, days = len(context.problem.talks), len(context.data.conference.days)
    if not context.optimise:
        return Improved(placed.timetable)
    if context.sessions_hard:
        return _by_session_plan(context, placed)
    if talks > context.params.day_by_day_talks and days > 1:
        # --deterministic keeps no time for the search together or the swaps, so the step always runs there: nothing
        # to score
        if context.deterministic:
            return _day_by_day(context, placed.timetable)
        quality = score(context.data, assignments(context.problem, placed.timetable))
        share = _share_decided_by_rooms(quality)
        if share > context.params.day_by_day_rooms_share:
            return _skipped(
                context,
                placed.timetable,
                f"not day by day: the rules rooms decide are {share:.0%} of the first timetable's penalty, so its time "
                "went to times and rooms together",
            )
        if will_swap(context, placed.timetable, quality):
            # the step keeps each talk on its day and sees no room; the swaps count every rule with a penalty here
            # and move talks between days (Timefold-shaped 500 / 1,000 talks, 60 s, one-off: 22,845 / 72,953 after
            # the step and 0.3-10 s of swaps, 12,401 / 37,092 with its time given to the swaps)
            return _skipped(
                context,
                placed.timetable,
                "not day by day: the swaps across days count every rule with a penalty here, so its time went to them",
            )
        return _day_by_day(context, placed.timetable)
    if talks > context.params.neighbourhood_talks:
        return _by_neighbourhoods(context, placed.timetable)
    return _in_the_whole_model(context, placed.timetable)


def _by_session_plan(context: SolveContext, placed: Placed) -> Improved:
    """A session plan from the timetable in hand (unless the room phase already planned the sessions)."""
    if placed.planned is not None:
        return Improved(placed.timetable, time_stage_optimal=False)
    context.say("planning sessions: a track for each room and block, a block for each talk")
    planned = plan_sessions(context, context.data.weights, in_hand=placed.timetable)
    timetable = placed.timetable if planned is None else planned.timetable
    return Improved(timetable, ran=True, time_stage_optimal=False, planned=planned)


def _skipped(context: SolveContext, timetable: Timetable, why: str) -> Improved:
    """The timetable in hand, the time stage skipped for the reason given (said, and kept for the summary)."""
    context.say(f"time stage {why}")
    return Improved(timetable, skipped=why)


def _share_decided_by_rooms(quality: list[RuleScore]) -> float:
    """The share of a timetable's penalty (its score, `quality`) that the rules rooms decide make up (0 for none)."""
    total = sum(rule.penalty for rule in quality)
    return sum(rule.penalty for rule in quality if RULES[rule.rule].decided_by == "rooms") / total if total else 0.0


def _day_by_day(context: SolveContext, timetable: Timetable) -> Improved:
    context.say("improving the timetable day by day")
    if context.deterministic and will_swap(context, timetable):
        # the swaps after this step try a number of moves that follows from the limit: their time is kept back from
        # its searches and from the rooms for its times
        context = dataclasses.replace(context, budget=context.budget.leaving(deterministic_reserve(context)))
    kept = context.room_reserve + context.bound_reserve + context.together_reserve
    better = improve_day_by_day(context, timetable.starts, context.budget.leaving(kept))
    placed = _rooms_for_improved(context, timetable, better)
    if placed is None and better != timetable.starts:
        placed = _rooms_day_by_day(context, timetable, better)
    if placed is None or not _scores_lower(context, placed, timetable):
        return Improved(timetable, ran=True, time_stage_optimal=False)
    return Improved(placed.noted(" (times improved day by day)"), ran=True, time_stage_optimal=False, day_by_day=True)


def _rooms_day_by_day(context: SolveContext, timetable: Timetable, starts: dict[int, int]) -> Timetable | None:
    """Rooms for the improved times one day at a time, keeping a day's old times and rooms where its new times find
    no rooms; None if no day's do (or the mix breaks a hard rule). Talks kept their day, and rooms are never shared
    across days, so a mix of old and new days keeps the hard rules decided within a day; otherwise one block whose
    rooms the time stage's counting misjudged would throw away every day's improvement (Timefold-shaped 1,000
    talks, one-off runs of one file: one whose last phase started from the first timetable ended at 164,413, the
    next at 128,575)."""
    new_starts, new_rooms = dict(timetable.starts), dict(timetable.rooms)
    retimed = changed_days = 0
    for day in sorted({start // MINUTES_PER_DAY for start in starts.values()}):
        on_day = {talk: start for talk, start in starts.items() if start // MINUTES_PER_DAY == day}
        if all(timetable.starts[talk] == start for talk, start in on_day.items()):
            continue
        placed = context.rooms_for(on_day, weights=context.data.weights, suggested=timetable.rooms)
        if placed is None:
            context.say(f"no rooms for day {day + 1}'s improved times; that day keeps its timetable")
            continue
        day_starts, day_rooms, day_retimed = placed
        new_starts.update(day_starts)
        new_rooms.update(day_rooms)
        retimed += day_retimed
        changed_days += 1
    mixed = Timetable(new_starts, new_rooms, timetable.room_stage, retimed)
    # a rule made hard across days (a track's rooms over the conference) is not seen by one day's rooms
    return mixed if changed_days and keeps_every_hard_rule(context, mixed) else None


def _by_neighbourhoods(context: SolveContext, timetable: Timetable) -> Improved:
    context.say("improving the timetable neighbourhood by neighbourhood")
    budget = context.budget.leaving(context.room_reserve + context.bound_reserve + context.together_reserve)
    search = improve_times(context, timetable.starts, budget)
    placed = _rooms_for_improved(context, timetable, search.starts)
    if placed is None or not _scores_lower(context, placed, timetable):
        return Improved(timetable, ran=True, time_stage_optimal=False, neighbourhoods=search.tried)
    return Improved(
        placed, ran=True, time_objective=search.penalty, time_stage_optimal=False, neighbourhoods=search.tried
    )


def _in_the_whole_model(context: SolveContext, timetable: Timetable) -> Improved:
    quality = build_model(context.problem, weights=context.data.weights)
    if quality.objective is None or not quality.objective.terms:
        return Improved(timetable)
    size = ModelSize.of(quality.model)
    context.say("improving the timetable against the soft rules")
    kept = context.room_reserve + context.bound_reserve + context.together_reserve
    seconds = context.budget.leaving(kept).share()
    outcome = context.search(quality.model, seconds, hints=start_hints(quality, timetable.starts))
    if not outcome.found:
        return Improved(timetable, ran=True, time_stage_optimal=False, size=size)
    placed = _rooms_for_improved(context, timetable, quality.starts(outcome.solver), always=True)
    if placed is None:
        kept = timetable.noted(" (improved times found no rooms in time; first timetable kept)")
        return Improved(kept, ran=True, time_stage_optimal=False, size=size)
    return Improved(
        placed,
        ran=True,
        time_objective=outcome.penalty,
        time_bound=outcome.penalty_bound,
        time_stage_optimal=outcome.optimal,
        size=size,
    )


def _rooms_for_improved(
    context: SolveContext, timetable: Timetable, starts: dict[int, int], *, always: bool = False
) -> Timetable | None:
    """The improved times with rooms (the room preferences now minimised); None if the times did not change (unless
    `always`) or their rooms cannot be found."""
    if starts == timetable.starts and not always:
        return None
    context.say("assigning rooms to the improved timetable")
    # the rooms in hand first: they may hold sessions that rooms chosen block by block would break up
    placed = context.rooms_for(starts, weights=context.data.weights, suggested=timetable.rooms)
    return None if placed is None else timetable.with_rooms(placed)


def _scores_lower(context: SolveContext, improved: Timetable, in_hand: Timetable) -> bool:
    """Whether the improved times with their rooms have a lower independent penalty than the timetable in hand: the
    time stage sees none of the rules that rooms decide, and the new rooms can cost more than the times save
    (generated 2,000 talks, one-off: 37,819 in hand, 40,613 after the day-by-day step)."""
    new, old = (penalty_if_every_hard_rule_kept(context, t) for t in (improved, in_hand))
    if new is not None and (old is None or new < old):
        return True
    context.say("the improved times with their rooms score no better; the timetable in hand is kept")
    return False
