"""Speaker rules: a person is in one place at a time."""

from __future__ import annotations

from ortools.sat.python import cp_model

from ..problem import Problem
from .timeline import Timeline


def speaker_in_one_place_at_a_time(model: cp_model.CpModel, problem: Problem, timeline: Timeline) -> None:
    """Forbids two talks of one speaker overlapping in time."""
    for talks in problem.speaker_talks.values():
        if len(talks) < 2:
            continue
        for moment in timeline.moments_of(talks):
            running = timeline.running(moment, talks)
            if len({talk for talk, _ in running}) > 1:
                model.add_at_most_one(literal for _, literal in running)
