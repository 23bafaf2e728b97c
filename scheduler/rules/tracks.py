"""Track rules: a track is one stream an attendee can follow."""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from ..objective import Objective
from ..problem import MINUTES_PER_DAY, Problem
from .timing import could_meet, day_literal, overlap_literal, penalise_overlapping_pairs, similar_track_pairs


def talks_by_track(problem: Problem, talks: dict[int, object]) -> dict[str, list[int]]:
    """The talks (keys of `talks`) of each track, in talk order."""
    by_track: dict[str, list[int]] = defaultdict(list)
    for talk in talks:
        if problem.talks[talk].track:
            by_track[problem.talks[talk].track].append(talk)
    return by_track


def track_not_in_parallel(
    model: cp_model.CpModel, problem: Problem, starts: dict[int, cp_model.IntVar], objective: Objective
) -> None:
    """Penalises two talks of the same track running at the same time."""
    if not objective.active("track-parallel"):
        return
    by_track = talks_by_track(problem, starts)
    penalise_overlapping_pairs(
        model,
        problem,
        starts,
        objective,
        "track-parallel",
        {f"track {track}": talks for track, talks in by_track.items()},
    )


def track_keeps_room(
    model: cp_model.CpModel,
    problem: Problem,
    starts: dict[int, cp_model.IntVar],
    room_choices: dict[int, list[tuple[int, cp_model.IntVar]]],
    objective: Objective,
) -> None:
    """Penalises each extra room a track uses on one day (attendees should not have to hop between rooms)."""
    if not objective.active("track-room"):
        return
    by_track = talks_by_track(problem, room_choices)
    for track, talks in sorted(by_track.items()):
        days = sorted({start // MINUTES_PER_DAY for talk in talks for start in problem.starts[talk]})
        for day in days:
            used: dict[int, cp_model.IntVar] = {}
            present = []
            for talk in talks:
                on_day = day_literal(model, problem, starts, talk, day)
                present.append(on_day)
                for room, literal in room_choices[talk]:
                    if room not in used:
                        used[room] = model.new_bool_var("")
                    model.add(used[room] >= literal + on_day - 1)
            held = model.new_bool_var("")
            model.add(held <= sum(present))
            extra = model.new_int_var(0, len(used), "")
            model.add(extra >= sum(used.values()) - held)
            day_name = problem.data.conference.days[day].date.isoformat()
            objective.penalise("track-room", extra, f"track {track} on {day_name}")


def similar_tracks_apart(
    model: cp_model.CpModel, problem: Problem, starts: dict[int, cp_model.IntVar], objective: Objective
) -> None:
    """Penalises a talk of one track running at the same time as a talk of a similar track."""
    if not objective.active("similar-tracks"):
        return
    by_track = talks_by_track(problem, starts)
    for first, second in similar_track_pairs(problem.data):
        for a in by_track.get(first, []):
            for b in by_track.get(second, []):
                if could_meet(problem.starts[a], problem.duration(a), problem.starts[b], problem.duration(b)):
                    clash = overlap_literal(model, (starts[a], problem.duration(a)), (starts[b], problem.duration(b)))
                    objective.penalise("similar-tracks", clash, f"tracks {first} + {second}")


def track_days_few(
    model: cp_model.CpModel, problem: Problem, starts: dict[int, cp_model.IntVar], objective: Objective
) -> None:
    """Penalises each day beyond the first over which a track's talks are spread."""
    if not objective.active("track-days"):
        return
    by_track = talks_by_track(problem, starts)
    for track, talks in sorted(by_track.items()):
        days = sorted({start // MINUTES_PER_DAY for talk in talks for start in problem.starts[talk]})
        if len(talks) < 2 or len(days) < 2:
            continue
        present = []
        for day in days:
            held = model.new_bool_var("")
            for talk in talks:
                model.add_implication(day_literal(model, problem, starts, talk, day), held)
            present.append(held)
        extra = model.new_int_var(0, len(days), "")
        model.add(extra >= sum(present) - 1)
        objective.penalise("track-days", extra, f"track {track}")
