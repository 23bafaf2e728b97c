"""A lower bound on the total penalty of any timetable, from small independent relaxations.

The whole-conference model's own bound is weak: a pair of talks may overlap or not, and the linear relaxation of
those pairwise literals is almost free. Many penalties are forced inside one group of talks, though: a track with
more talk-minutes than its days hold must run in parallel with itself; a speaker with talks on every day must come
on several days. So the talks are split into groups (each track; each set of talks linked by shared speakers), and
one small model per group holds the group's talks, the hard rules among them and only that group's rules. Each
term of the objective belongs to at most one group, and dropping talks and rules only lowers an optimum, so the
sum of the groups' optima (or their proven bounds, when a group is cut short) bounds the whole. Room-stage rules
add, per talk, the cheapest of its rooms.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from ..model import build_model
from ..problem import Problem
from ..rules import RULES
from ..rules.base import Weights
from ..rules.tracks import talks_by_track
from .cpsat import run_cpsat


@dataclass
class Bound:
    """The bound (in penalty units), what each family of rules contributes, and whether every group finished."""

    value: float = 0.0
    parts: dict[str, float] = field(default_factory=dict)
    complete: bool = True
    seconds: float = 0.0


def lower_bound(problem: Problem, weights: Weights | dict, seconds: float, seed: int = 0) -> Bound:
    """Sum of per-group relaxation bounds plus each talk's cheapest room, within about `seconds`."""
    started = time.perf_counter()
    weights = Weights.of(weights)
    result = Bound()
    families = [("tracks", _track_groups(problem)), ("speakers", _speaker_groups(problem))]
    for family, groups in families:
        rules = {name for name, rule in RULES.items() if rule.relaxation == family}
        only = weights.only(rules)
        if not any(only.number(name) for name in rules):
            continue
        total = 0.0
        for position, talks in enumerate(groups):
            left = seconds - (time.perf_counter() - started)
            if left <= 0:
                result.complete = False
                break
            share = left / (sum(len(g) for _, g in families) - position)
            total += _group_bound(problem, talks, only, max(0.05, share), seed, result)
        result.parts[family] = total
    result.parts["rooms"] = _room_bound(problem, weights)
    result.value = sum(result.parts.values())
    result.seconds = time.perf_counter() - started
    return result


def _group_bound(problem: Problem, talks: list[int], weights, seconds: float, seed: int, result: Bound) -> float:
    built = build_model(problem, talks=talks, weights=weights)
    if built.objective is None or not built.objective.terms:
        return 0.0
    outcome = run_cpsat(built.model, {"random_seed": seed, "num_workers": 1, "max_time_in_seconds": seconds})
    solver, status = outcome.solver, outcome.status
    if status == cp_model.OPTIMAL:
        return solver.objective_value / 10
    result.complete = False
    if status == cp_model.FEASIBLE:
        return max(0.0, solver.best_objective_bound / 10)
    return 0.0  # nothing proven: the group adds nothing


def _track_groups(problem: Problem) -> list[list[int]]:
    by_track = talks_by_track(problem, range(len(problem.talks)))
    return [talks for _, talks in sorted(by_track.items()) if len(talks) > 1]


def _speaker_groups(problem: Problem) -> list[list[int]]:
    """Talks linked by shared speakers (connected components), for talks whose speakers have rules to keep."""
    parent = list(range(len(problem.talks)))

    def root(talk: int) -> int:
        while parent[talk] != talk:
            parent[talk] = parent[parent[talk]]
            talk = parent[talk]
        return talk

    for talks in problem.speaker_talks.values():
        for other in talks[1:]:
            parent[root(other)] = root(talks[0])
    wishes = {
        speaker.id
        for speaker in problem.data.speakers
        if speaker.prefers is not None or speaker.avoids is not None or speaker.timezone is not None
    }
    groups: dict[int, list[int]] = {}
    for talks in problem.speaker_talks.values():
        for talk in talks:
            groups.setdefault(root(talk), [])
    for index, talk in enumerate(problem.talks):
        if talk.speakers:
            groups[root(index)].append(index)
    return [
        talks
        for _, talks in sorted(groups.items())
        if len(talks) > 1 or any(speaker in wishes for speaker in problem.talks[talks[0]].speakers)
    ]


def _room_bound(problem: Problem, weights: Weights) -> float:
    """Each talk's cheapest room under the rules that price a talk in a room."""
    priced = [(weights.number(rule.name), rule.room_cost) for rule in RULES.values() if rule.room_cost is not None]
    priced = [(weight, cost) for weight, cost in priced if weight]
    if not priced:
        return 0.0
    return sum(
        min(sum(weight * cost(problem, talk, room) for weight, cost in priced) for room in problem.rooms[talk])
        for talk in range(len(problem.talks))
        if problem.rooms[talk]
    )
