"""Improve the times one day at a time, every talk staying on its day (large conferences of several days).

Talks on different days never overlap, so every rule between two talks is decided within one day; the rules about
days (a speaker's or a track's days, preferred days) do not change when talks keep their day. One model per day is a
fraction of the whole model's size, which is what lets large conferences improve at all.
"""

from __future__ import annotations

from ..model import build_model
from ..problem import MINUTES_PER_DAY
from .budget import TimeBudget
from .context import SolveContext, start_hints


def improve_day_by_day(context: SolveContext, starts: dict[int, int], budget: TimeBudget) -> dict[int, int]:
    """Better starts, each day's improved in its own model with an even share of what `budget` has left."""
    problem = context.problem
    starts = dict(starts)
    by_day: dict[int, list[int]] = {}
    for talk, start in starts.items():
        by_day.setdefault(start // MINUTES_PER_DAY, []).append(talk)
    days = sorted(by_day)
    for position, day in enumerate(days):
        talks = by_day[day]
        same_day = {talk: [s for s in problem.starts[talk] if s // MINUTES_PER_DAY == day] for talk in talks}
        model = build_model(problem, talks=talks, starts=same_day, weights=context.data.weights)
        if model.objective is None or not model.objective.terms:
            continue
        seconds = budget.share(among=len(days) - position)
        context.say(f"improving day {position + 1} of {len(days)}")
        outcome = context.search(model.model, seconds, hints=start_hints(model, starts))
        if not outcome.found:
            # not even the hinted day came back within its share: the days are too large for the time, and the
            # rest goes to the later phases (neighbourhoods within one day, scheduler.search.anytime), which improve
            # there (Timefold-shaped 2,000 talks, 400 a day, one-off run: no day found anything in 8 s each)
            context.say(f"day {position + 1} found no timetable in {seconds:.1f} s; leaving the days as they are")
            break
        starts.update(model.starts(outcome.solver))
    return starts
