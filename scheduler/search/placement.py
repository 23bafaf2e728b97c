"""Rooms for phase 1's times: from here on a complete, valid timetable is always in hand."""

from __future__ import annotations

from dataclasses import dataclass

from ..schedule import SolveStats
from .context import ModelSize, SolveContext, Timetable
from .coupled import times_and_rooms_together
from .first import FirstTimetable
from .sessions import Planned, plan_sessions


@dataclass(frozen=True)
class Placed:
    """The first complete timetable, and how it came about when rooms could not simply follow phase 1's times."""

    timetable: Timetable
    planned: Planned | None = None  # sessions planned instead (sessions a hard rule)
    fallback: ModelSize | None = None  # times and rooms solved together instead (hard rules only)

    def record(self, stats: SolveStats) -> None:
        if self.planned is not None:
            self.planned.record(stats)
        if self.fallback is not None:
            self.fallback.record(stats)


def place_rooms(context: SolveContext, first: FirstTimetable) -> Placed:
    """Rooms block by block; if some block cannot have them, sessions planned (when sessions are a hard rule) or
    times and rooms solved together."""
    context.say("assigning rooms block by block")
    placed = context.rooms_for(first.starts, hard=context.hard_only, suggested=first.rooms)
    if placed is None and context.together_reserve:
        # the blocks may have run out of their share of the time, which is small while most of it is kept for
        # improving times and rooms together; a first complete timetable comes before any improvement (Timefold-
        # shaped 1,000 talks with that time kept, one-off: the blocks failed after 1.5 s, and times and rooms
        # together, on the whole conference, found nothing in the 56 s left)
        context.say("rooms need more time; assigning them again with the time kept for later")
        placed = context.rooms_for(first.starts, hard=context.hard_only, keep_reserves=False, suggested=first.rooms)
    if placed is not None:
        return Placed(Timetable.from_placement(placed))
    if context.sessions_hard:
        # with sessions hard, planning them is far smaller than the one model of times and rooms
        context.say("rooms could not follow those times; planning sessions instead")
        weights = context.data.weights if context.optimise else context.hard_only
        planned = plan_sessions(context, weights)
        if planned is not None:
            return Placed(planned.timetable, planned=planned)
    timetable, size = times_and_rooms_together(context, first.starts)
    return Placed(timetable, fallback=size)
