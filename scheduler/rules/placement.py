"""Placement rules: every talk happens once, at one of its feasible starts."""

from __future__ import annotations

from ortools.sat.python import cp_model

from ..problem import Problem


def each_talk_placed_once(
    model: cp_model.CpModel, problem: Problem, talks: list[int], starts: dict[int, list[int]]
) -> tuple[dict[int, cp_model.IntVar], dict[int, cp_model.IntervalVar]]:
    """Forbids a talk having no start, or a start outside its feasible ones (blocks, pins, availability)."""
    start_vars, intervals = {}, {}
    for talk in talks:
        start_vars[talk] = model.new_int_var_from_domain(cp_model.Domain.from_values(starts[talk]), f"start_{talk}")
        intervals[talk] = model.new_fixed_size_interval_var(start_vars[talk], problem.duration(talk), f"talk_{talk}")
    return start_vars, intervals
