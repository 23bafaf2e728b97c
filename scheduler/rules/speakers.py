"""Speaker rules: a person is in one place at a time."""

from __future__ import annotations

from ortools.sat.python import cp_model

from ..objective import Objective
from ..problem import MINUTES_PER_DAY, Problem
from .timing import could_meet, overlap_literal


def speaker_in_one_place_at_a_time(
    model: cp_model.CpModel, problem: Problem, intervals: dict[int, cp_model.IntervalVar]
) -> None:
    """Forbids two talks of one speaker overlapping in time."""
    for talks in problem.speaker_talks.values():
        present = [intervals[talk] for talk in talks if talk in intervals]
        if len(present) > 1:
            model.add_no_overlap(present)


def speaker_days_few(
    model: cp_model.CpModel, problem: Problem, starts: dict[int, cp_model.IntVar], objective: Objective
) -> None:
    """Penalises each day beyond the first on which a speaker has to be at the conference."""
    if not objective.active("speaker-days"):
        return
    days = len(problem.data.conference.days)
    for speaker, talks in sorted(problem.speaker_talks.items()):
        talks = [talk for talk in talks if talk in starts]
        possible = sorted({start // MINUTES_PER_DAY for talk in talks for start in problem.starts[talk]})
        if len(talks) < 2 or len(possible) < 2:
            continue
        present = {day: model.new_bool_var("") for day in possible}
        for talk in talks:
            for day in possible:
                on_day = model.new_bool_var("")
                window = cp_model.Domain(day * MINUTES_PER_DAY, (day + 1) * MINUTES_PER_DAY - 1)
                model.add_linear_expression_in_domain(starts[talk], window).only_enforce_if(on_day)
                model.add_linear_expression_in_domain(starts[talk], window.complement()).only_enforce_if(on_day.Not())
                model.add_implication(on_day, present[day])
        extra = model.new_int_var(0, days, "")
        model.add(extra >= sum(present.values()) - 1)
        objective.penalise("speaker-days", extra, f"speaker {speaker}")


def speaker_pause(
    model: cp_model.CpModel, problem: Problem, starts: dict[int, cp_model.IntVar], objective: Objective
) -> None:
    """Penalises two talks of one speaker less than min_pause minutes apart."""
    pause = problem.data.min_pause
    if not pause or not objective.active("speaker-pause"):
        return
    for speaker, talks in sorted(problem.speaker_talks.items()):
        talks = [talk for talk in talks if talk in starts]
        for i, a in enumerate(talks):
            for b in talks[i + 1 :]:
                if could_meet(problem.starts[a], problem.duration(a), problem.starts[b], problem.duration(b), pause):
                    rushed = overlap_literal(
                        model, (starts[a], problem.duration(a)), (starts[b], problem.duration(b)), pause
                    )
                    objective.penalise("speaker-pause", rushed, f"speaker {speaker}")


def speaker_preferred_days(
    model: cp_model.CpModel, problem: Problem, starts: dict[int, cp_model.IntVar], objective: Objective
) -> None:
    """Penalises a talk on a day its speaker avoids, or not on a day its speaker prefers."""
    if not objective.active("speaker-preference"):
        return
    dates = [day.date for day in problem.data.conference.days]
    for speaker in problem.data.speakers:
        if speaker.prefers is None and speaker.avoids is None:
            continue
        good = [
            d
            for d, date in enumerate(dates)
            if (speaker.prefers is None or not speaker.prefers.days or date in speaker.prefers.days)
            and (speaker.avoids is None or date not in speaker.avoids.days)
        ]
        allowed = cp_model.Domain.from_intervals([[d * MINUTES_PER_DAY, (d + 1) * MINUTES_PER_DAY - 1] for d in good])
        for talk in problem.speaker_talks.get(speaker.id, []):
            if talk not in starts or all(start // MINUTES_PER_DAY in good for start in problem.starts[talk]):
                continue
            unhappy = model.new_bool_var("")
            model.add_linear_expression_in_domain(starts[talk], allowed).only_enforce_if(unhappy.Not())
            objective.penalise("speaker-preference", unhappy, f"speaker {speaker.id}")
