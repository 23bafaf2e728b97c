"""Speaker rules: a person is in one place at a time."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from ortools.sat.python import cp_model

from ..objective import Objective
from ..problem import MINUTES_PER_DAY, Problem
from .timing import could_meet, outside_literal, overlap_literal


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
    """Penalises a talk on a day or in a block its speaker avoids, or outside the days and blocks they prefer."""
    if not objective.active("speaker-preference"):
        return
    for speaker in problem.data.speakers:
        if speaker.prefers is None and speaker.avoids is None:
            continue
        for talk in problem.speaker_talks.get(speaker.id, []):
            if talk not in starts:
                continue
            good = [start for start in problem.starts[talk] if _suits(problem, speaker, start)]
            if len(good) < len(problem.starts[talk]):
                objective.penalise(
                    "speaker-preference", outside_literal(model, starts[talk], good), f"speaker {speaker.id}"
                )


def _suits(problem: Problem, speaker, start: int) -> bool:
    date = problem.data.conference.days[start // MINUTES_PER_DAY].date
    block = problem.block_at(start)
    labels = {block.name, block.type} - {None}
    prefers, avoids = speaker.prefers, speaker.avoids
    if prefers is not None and (
        (prefers.days and date not in prefers.days) or (prefers.blocks and not labels & set(prefers.blocks))
    ):
        return False
    return avoids is None or (date not in avoids.days and not labels & set(avoids.blocks))


def speaker_waking_hours(
    model: cp_model.CpModel, problem: Problem, starts: dict[int, cp_model.IntVar], objective: Objective
) -> None:
    """Penalises a remote speaker's talk outside their waking hours, in their own time zone."""
    if not objective.active("remote-hours"):
        return
    for speaker in problem.data.speakers:
        if speaker.timezone is None:
            continue
        for talk in problem.speaker_talks.get(speaker.id, []):
            if talk not in starts:
                continue
            duration = problem.duration(talk)
            good = [s for s in problem.starts[talk] if awake(problem.data, speaker.timezone, s, duration)]
            if len(good) < len(problem.starts[talk]):
                objective.penalise("remote-hours", outside_literal(model, starts[talk], good), f"speaker {speaker.id}")


def awake(data, zone: str, start: int, duration: int) -> bool:
    """Whether [start, start + duration) on the conference clock lies in waking hours on the speaker's clock."""
    day = data.conference.days[start // MINUTES_PER_DAY].date
    local = dt.datetime.combine(day, dt.time(0), tzinfo=data.conference.zone) + dt.timedelta(
        minutes=start % MINUTES_PER_DAY
    )
    begin = local.astimezone(zoneinfo.ZoneInfo(zone))
    begin_minute = begin.hour * 60 + begin.minute
    # a talk running past the speaker's midnight ends after any waking-hours end
    return data.waking_hours.start <= begin_minute and begin_minute + duration <= data.waking_hours.end


def speaker_room_cost(problem: Problem, talk: int, room: int) -> int:
    """How many of the talk's speakers avoid `room`, or prefer rooms that do not include it."""
    name = problem.data.rooms[room].name
    cost = 0
    for speaker in problem.speakers_of(talk):
        prefers, avoids = speaker.prefers, speaker.avoids
        if (prefers is not None and prefers.rooms and name not in prefers.rooms) or (
            avoids is not None and name in avoids.rooms
        ):
            cost += 1
    return cost


def speaker_preferred_rooms(
    model: cp_model.CpModel,
    problem: Problem,
    room_choices: dict[int, list[tuple[int, cp_model.IntVar]]],
    objective: Objective,
) -> None:
    """Penalises a talk in a room one of its speakers avoids, or outside the rooms they prefer."""
    if not objective.active("speaker-room"):
        return
    for talk, options in room_choices.items():
        for room, literal in options:
            cost = speaker_room_cost(problem, talk, room)
            if cost:
                objective.penalise(
                    "speaker-room", cost * literal, f"'{problem.talks[talk].id}' in {problem.data.rooms[room].name}"
                )
