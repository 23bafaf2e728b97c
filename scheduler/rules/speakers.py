"""Speaker rules: a person is in one place at a time."""

from __future__ import annotations

from ortools.sat.python import cp_model

from ..problem import Problem


def speaker_in_one_place_at_a_time(
    model: cp_model.CpModel, problem: Problem, intervals: dict[int, cp_model.IntervalVar]
) -> None:
    """Forbids two talks of one speaker overlapping in time."""
    for talks in problem.speaker_talks.values():
        present = [intervals[talk] for talk in talks if talk in intervals]
        if len(present) > 1:
            model.add_no_overlap(present)
