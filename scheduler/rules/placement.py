"""Placement rules: every talk happens, once."""

from __future__ import annotations

from ortools.sat.python import cp_model


def each_talk_placed_once(model: cp_model.CpModel, choices: list[list[tuple[int, cp_model.IntVar]]]) -> None:
    """Forbids a talk having no start or more than one start."""
    for options in choices:
        model.add_exactly_one(literal for _, literal in options)
