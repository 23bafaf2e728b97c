"""Track rules: a track is one stream an attendee can follow."""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from ..objective import Objective
from ..problem import Problem
from .timing import could_meet, overlap_literal


def track_not_in_parallel(
    model: cp_model.CpModel, problem: Problem, starts: dict[int, cp_model.IntVar], objective: Objective
) -> None:
    """Penalises two talks of the same track running at the same time."""
    if not objective.active("track-parallel"):
        return
    by_track: dict[str, list[int]] = defaultdict(list)
    for talk in starts:
        if problem.talks[talk].track:
            by_track[problem.talks[talk].track].append(talk)
    for track, talks in sorted(by_track.items()):
        for i, a in enumerate(talks):
            for b in talks[i + 1 :]:
                if could_meet(problem.starts[a], problem.duration(a), problem.starts[b], problem.duration(b)):
                    clash = overlap_literal(model, (starts[a], problem.duration(a)), (starts[b], problem.duration(b)))
                    objective.penalise("track-parallel", clash, f"track {track}")
