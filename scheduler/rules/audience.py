"""Audience rules: attendees should be able to see what they want to see."""

from __future__ import annotations

from ortools.sat.python import cp_model

from ..objective import Objective
from ..problem import Problem
from .timing import could_meet, overlap_literal


def attendees_can_see_both(
    model: cp_model.CpModel, problem: Problem, starts: dict[int, cp_model.IntVar], objective: Objective
) -> None:
    """Penalises, per interested attendee, two wanted talks running at the same time."""
    if not objective.active("attendee-conflict"):
        return
    index = {talk.id: i for i, talk in enumerate(problem.talks)}
    for interest in problem.data.interest:
        a, b = (index[talk_id] for talk_id in interest.talks)
        if (
            a in starts
            and b in starts
            and could_meet(problem.starts[a], problem.duration(a), problem.starts[b], problem.duration(b))
        ):
            clash = overlap_literal(model, (starts[a], problem.duration(a)), (starts[b], problem.duration(b)))
            objective.penalise(
                "attendee-conflict", interest.count * clash, f"'{interest.talks[0]}' + '{interest.talks[1]}'"
            )


def room_fits_audience(
    model: cp_model.CpModel,
    problem: Problem,
    room_choices: dict[int, list[tuple[int, cp_model.IntVar]]],
    objective: Objective,
) -> None:
    """Penalises every 100 empty seats beyond twice a talk's expected audience (a 3,000-seat hall for 30 people)."""
    if not objective.active("room-size"):
        return
    for talk, options in room_choices.items():
        for room, literal in options:
            cost = room_size_cost(problem, talk, room)
            if cost:
                objective.penalise(
                    "room-size", cost * literal, f"'{problem.talks[talk].id}' in {problem.data.rooms[room].name}"
                )


def room_size_cost(problem: Problem, talk: int, room: int) -> int:
    """Hundreds of empty seats beyond twice the talk's expected audience."""
    return max(0, problem.data.rooms[room].capacity - 2 * problem.talks[talk].attendance) // 100


LEVELS = {"intro": 0, "intermediate": 1, "advanced": 2}


def introductory_before_advanced(
    model: cp_model.CpModel, problem: Problem, starts: dict[int, cp_model.IntVar], objective: Objective
) -> None:
    """Penalises, within a topic, a more advanced talk starting before a more basic one has ended."""
    if not objective.active("level-order"):
        return
    for basic, advanced, topic in level_pairs(problem, starts):
        early = model.new_bool_var("")
        model.add(starts[basic] + problem.duration(basic) <= starts[advanced]).only_enforce_if(early.Not())
        objective.penalise("level-order", early, f"topic {topic}")


def level_pairs(problem: Problem, talks) -> list[tuple[int, int, str]]:
    """(more basic talk, more advanced talk, topic) for every such pair among `talks` sharing a topic."""
    by_topic: dict[str, list[int]] = {}
    for talk in talks:
        details = problem.talks[talk]
        if details.topic and details.level:
            by_topic.setdefault(details.topic, []).append(talk)
    return [
        (basic, advanced, topic)
        for topic, members in sorted(by_topic.items())
        for basic in members
        for advanced in members
        if LEVELS[problem.talks[basic].level] < LEVELS[problem.talks[advanced].level]
    ]
